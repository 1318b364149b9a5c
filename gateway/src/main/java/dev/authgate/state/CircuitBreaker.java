package dev.authgate.state;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consecutive failures of one Redis server: {@code threshold} in a row open it for {@code openFor}, during which
 * callers answer by {@code state.on_failure} without calling; the next success closes it. {@link RedisStateStore}
 * keeps one for a standalone or Sentinel store and one per master in a Cluster, so a dead master opens only the
 * breaker of its own slots.
 */
final class CircuitBreaker {
    private final int threshold;
    private final long openNanos;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile long openedAt;

    CircuitBreaker(int threshold, Duration openFor) {
        this.threshold = threshold;
        this.openNanos = openFor.toNanos();
    }

    boolean open() {
        return failures.get() >= threshold && System.nanoTime() - openedAt < openNanos;
    }

    /** Records a success; true when that closed an open (or half-open) breaker. */
    boolean succeeded() {
        return failures.getAndSet(0) >= threshold;
    }

    /** Records a failure; true when this one opened the breaker (the threshold-th in a row). */
    boolean failed() {
        int n = failures.incrementAndGet();
        if (n >= threshold) openedAt = System.nanoTime();
        return n == threshold;
    }
}
