package dev.authgate.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition instead of sleeping for a guessed time: polls every few milliseconds and fails with a message
 * when the deadline passes. The default deadline is generous (the machine may be shared); a test that meets its
 * condition returns as soon as it holds.
 */
public final class Await {
    /** How long {@link #until(String, BooleanSupplier)} waits before failing. */
    public static final Duration DEFAULT = Duration.ofSeconds(15);
    private static final long POLL_MILLIS = 2;

    private Await() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} after {@link #DEFAULT}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition);
    }

    /** Returns once {@code condition} holds; fails naming {@code what} after {@code deadline}. */
    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        value(what, deadline, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /** The first non-null value of {@code probe}; fails naming {@code what} after {@link #DEFAULT}. */
    public static <T> T value(String what, Supplier<T> probe) {
        return value(what, DEFAULT, probe);
    }

    /** The first non-null value of {@code probe}; fails naming {@code what} after {@code deadline}. */
    public static <T> T value(String what, Duration deadline, Supplier<T> probe) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            T v = probe.get();
            if (v != null) return v;
            if (System.nanoTime() - end > 0) throw new AssertionError("waited " + deadline + " for " + what);
            pause(POLL_MILLIS);
        }
    }

    /**
     * Sleeps for a deliberate pause that is behaviour, not a wait for a condition: a slow client dribbling bytes, a
     * quiet period in which something must <em>not</em> happen. Callers say why next to the call.
     */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
