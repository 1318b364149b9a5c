package dev.authgate.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.authgate.config.LimitsConfig.AuthFailuresConfig;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code limits.auth_failures: { max: 20, window: 1m }}: counts failed authentications per client IP and refuses an
 * IP that failed {@code max} times within {@code window}.
 *
 * <p><b>Semantics: a fixed window anchored at the IP's first failure.</b> The first failure opens a window of
 * {@code window}; each failure inside it counts. Once the count reaches {@code max}, {@link #retryAfterSeconds}
 * is positive until the window closes: the next request from that IP gets 429 {@code too_many_failures} without
 * running auth, so no further failure can be counted. When the window closes the IP starts from zero. So with
 * {@code max: 20, window: 1m} an IP can fail at most 20 times per minute, and the 21st attempt inside that minute is
 * refused. A successful authentication does not reset the count (otherwise one valid credential would let a client
 * brute-force others).
 *
 * <p>Memory is bounded: at most {@code maxEntries} IPs are tracked (default {@value #DEFAULT_MAX_ENTRIES}, about
 * 15 MB), each entry expires when its window closes, and beyond the bound Caffeine evicts the least valuable entries
 * (an attacker spraying distinct addresses can thus push out a blocked IP's count; memory stays bounded, which is
 * the priority). Thread-safe; per-IP updates are atomic. Time comes from a {@link Ticker} (nanoseconds), so tests
 * advance a fake one instead of sleeping. Cache maintenance runs on the calling thread (it is amortized O(1)), so
 * nothing is handed to a shared pool.
 */
public final class AuthFailureThrottle {
    /** Default bound on tracked client IPs. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private static final long SECOND = 1_000_000_000L;

    private final int max;
    private final long windowNanos;
    private final Ticker ticker;
    private final Cache<String, Window> windows;
    private final SharedFailureCounter shared;
    private final boolean countLocallyWhenUnavailable;

    /** One IP's current window: when it opened and how many failures it holds. Immutable; replaced atomically. */
    private record Window(long start, int failures) {
    }

    /** A throttle on the system ticker with the default bound. */
    public AuthFailureThrottle(AuthFailuresConfig config) {
        this(config, Ticker.systemTicker(), DEFAULT_MAX_ENTRIES);
    }

    /**
     * @param ticker     the time source in nanoseconds (tests: a fake ticker they advance)
     * @param maxEntries how many client IPs are tracked at most (&gt; 0)
     */
    public AuthFailureThrottle(AuthFailuresConfig config, Ticker ticker, int maxEntries) {
        this(config, ticker, maxEntries, null, true);
    }

    /**
     * A throttle whose counts are shared by several instances ({@code state.store: redis}): each failure is one
     * atomic call to {@code shared}; an IP it reports over the budget is remembered here until its window ends, so a
     * flood from a blocked IP costs no call. While {@code shared} fails, failures are counted here when
     * {@code countLocallyWhenUnavailable} ({@code state.on_failure.throttle: local}), else not at all ({@code allow}).
     *
     * @param shared the shared counter, or null to count in this instance only
     */
    public AuthFailureThrottle(AuthFailuresConfig config, Ticker ticker, int maxEntries, SharedFailureCounter shared,
                               boolean countLocallyWhenUnavailable) {
        Objects.requireNonNull(config, "config");
        this.shared = shared;
        this.countLocallyWhenUnavailable = countLocallyWhenUnavailable;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: > 0)");
        }
        if (config.window().isNegative() || config.window().isZero()) {
            throw new IllegalArgumentException("window: " + config.window() + " (expected: > 0)");
        }
        this.max = config.max();
        this.windowNanos = saturatedNanos(config.window());
        this.windows = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<String, Window>() {
                    @Override
                    public long expireAfterCreate(String ip, Window w, long now) {
                        return remaining(w, now);
                    }

                    @Override
                    public long expireAfterUpdate(String ip, Window w, long now, long currentDuration) {
                        return remaining(w, now);
                    }

                    @Override
                    public long expireAfterRead(String ip, Window w, long now, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    /** {@code max} from the config. */
    public int max() {
        return max;
    }

    /** {@code window} from the config. */
    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }

    /** Whether {@code ip} is refused right now; same as {@code retryAfterSeconds(ip) > 0}. */
    public boolean isThrottled(String ip) {
        return retryAfterSeconds(ip) > 0;
    }

    /**
     * Seconds until {@code ip} may try again, rounded up: the {@code Retry-After} value. 0 when it is not throttled;
     * otherwise at least 1. One lookup, so the request path can call only this.
     */
    public long retryAfterSeconds(String ip) {
        Window w = windows.getIfPresent(ip);
        if (w == null || w.failures < max) {
            return 0;
        }
        long left = remaining(w, ticker.read());
        if (left <= 0) {
            return 0;
        }
        return Math.max(1, (left + SECOND - 1) / SECOND);
    }

    /**
     * Counts one failed authentication from {@code ip}: a rejection with a 401 reason. With a shared counter the call
     * returns at once and the block takes effect when the store answers.
     */
    public void recordFailure(String ip) {
        Objects.requireNonNull(ip, "ip");
        if (shared == null) {
            countLocally(ip);
            return;
        }
        CompletionStage<SharedFailureCounter.Count> counted;
        try {
            counted = shared.increment(ip, window());
        } catch (RuntimeException e) {
            counted = CompletableFuture.failedFuture(e);
        }
        counted.whenComplete((count, error) -> {
            if (error != null) {
                if (countLocallyWhenUnavailable) countLocally(ip);
            } else if (count.failures() >= max && count.remainingMillis() > 0) {
                block(ip, TimeUnit.MILLISECONDS.toNanos(count.remainingMillis()));
            }
        });
    }

    /** Remembers {@code ip} as over its budget for {@code nanos} more (the shared window's remaining time). */
    private void block(String ip, long nanos) {
        long now = ticker.read();
        windows.asMap().put(ip, new Window(now + Math.min(nanos, windowNanos) - windowNanos, max));
    }

    private void countLocally(String ip) {
        long now = ticker.read();
        windows.asMap().compute(ip, (k, w) -> {
            if (w == null || remaining(w, now) <= 0) {
                return new Window(now, 1);
            }
            // saturate: a throttled IP is refused before auth, so this only grows under concurrent in-flight failures
            return new Window(w.start, w.failures == Integer.MAX_VALUE ? w.failures : w.failures + 1);
        });
    }

    /** How many IPs are tracked now (approximate; for tests and diagnostics). */
    public long trackedIps() {
        windows.cleanUp();
        return windows.estimatedSize();
    }

    private long remaining(Window w, long now) {
        return w.start + windowNanos - now;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;   // a window of centuries; keeps start + window from overflowing
        }
    }
}
