package dev.authgate.testing;

import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Time the test moves by hand (windows and TTLs without sleeping), thread-safe: a UTC {@link Clock} for code that
 * reads wall time and a Caffeine {@link Ticker} (nanoseconds) for code that reads elapsed time; {@link #advance}
 * moves both.
 */
public final class MutableClock extends Clock implements Ticker {
    /** Where {@link #MutableClock()} starts. */
    public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

    public MutableClock() {
        this(DEFAULT_START);
    }

    public MutableClock(Instant start) {
        now = new AtomicReference<>(start);
    }

    public void advance(Duration d) {
        now.updateAndGet(i -> i.plus(d));
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    /** The ticker's nanoseconds: an arbitrary origin, moved only by {@link #advance}. */
    @Override
    public long read() {
        return nanos.get();
    }
}
