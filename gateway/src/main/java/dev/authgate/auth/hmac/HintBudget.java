package dev.authgate.auth.hmac;

/**
 * A token bucket that bounds the extra hashing spent on mismatch hints, so that failed requests cannot buy more
 * work than a valid one: {@code capacity} hints at once, refilled at {@code perSecond}. Thread-safe.
 */
final class HintBudget {
    private final double capacity;
    private final double perSecond;
    private final double perMilli;
    private double tokens;
    private long last = Long.MIN_VALUE;

    HintBudget(int capacity, double perSecond) {
        this(capacity, perSecond, capacity);
    }

    private HintBudget(double capacity, double perSecond, double tokens) {
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.perMilli = perSecond / 1000.0;
        this.tokens = tokens;
    }

    /** A new, full bucket {@code factor} times this one's size and rate (e.g. MACs from searches). */
    HintBudget scaled(double factor) {
        return new HintBudget(capacity * factor, perSecond * factor, capacity * factor);
    }

    /** Takes one token if there is one at {@code nowMillis} (a clock that goes backwards refills nothing). */
    synchronized boolean tryAcquire(long nowMillis) {
        if (last != Long.MIN_VALUE && nowMillis > last) {
            tokens = Math.min(capacity, tokens + (nowMillis - last) * perMilli);
        }
        if (last == Long.MIN_VALUE || nowMillis > last) {
            last = nowMillis;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
