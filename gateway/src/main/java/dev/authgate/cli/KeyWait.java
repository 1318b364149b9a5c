package dev.authgate.cli;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * For offline commands ({@code explain}, {@code jwt inspect}): waits until a route's keys are loaded (each
 * {@code jwks_url} fetched once), at most {@code max}, so that the verdict is judged with the keys rather than
 * {@code keys_unavailable}. Polls: the fetch runs on its own threads and a CLI has nothing else to do.
 */
final class KeyWait {
    private KeyWait() {
    }

    /** Returns whether {@code ready} became true within {@code max}. */
    static boolean until(BooleanSupplier ready, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
