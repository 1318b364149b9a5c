package dev.authgate.replay;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;

/**
 * The default {@link ReplayStore}: in this process only, bounded in size, built on Caffeine.
 *
 * <p>Each entry expires on its own schedule: an in-flight claim after its {@code inFlightTtl}, a committed key after
 * its {@code ttl} (counted from the commit). {@link #claim} is atomic (a {@code putIfAbsent} on the cache's map), so
 * of two concurrent claims of one key exactly one gets {@link Claim#CLAIMED}. Past {@code maxEntries} Caffeine evicts
 * by its size policy before the ttl; size the store for the deliveries expected within the longest ttl.
 *
 * <p>{@link #release} frees only an in-flight key (a committed one stays). Without a claim token it cannot tell
 * whose claim it frees: when a claim outlived its {@code inFlightTtl} and another request claimed the key since, a
 * late release frees the newer claim; keep {@code inFlightTtl} above the upstream response timeout.
 */
public final class InMemoryReplayStore implements ReplayStore {

    /** A key's state; identity matters for {@link #release} (remove exactly the entry that was read). */
    private static final class Entry {
        final boolean committed;
        final long ttlNanos;

        Entry(boolean committed, Duration ttl) {
            this.committed = committed;
            this.ttlNanos = saturatedNanos(ttl);
        }
    }

    private final Cache<String, Entry> cache;
    private final ConcurrentMap<String, Entry> map;

    /** @param maxEntries the most keys held (committed and in flight); > 0 */
    public InMemoryReplayStore(long maxEntries) {
        this(maxEntries, Ticker.systemTicker());
    }

    /** For tests: time from {@code ticker}, maintenance on the calling thread (no background eviction). */
    InMemoryReplayStore(long maxEntries, Ticker ticker) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: > 0)");
        }
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry value, long currentTime) {
                        return value.ttlNanos;
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
                        return value.ttlNanos; // a commit restarts the clock with the committed ttl
                    }

                    @Override
                    public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
        this.map = cache.asMap();
    }

    @Override
    public CompletionStage<Claim> claim(String key, Duration inFlightTtl) {
        Objects.requireNonNull(key, "key");
        Entry previous = map.putIfAbsent(key, new Entry(false, inFlightTtl));
        Claim claim = previous == null ? Claim.CLAIMED : previous.committed ? Claim.DUPLICATE : Claim.IN_FLIGHT;
        return CompletableFuture.completedFuture(claim);
    }

    @Override
    public void commit(String key, Duration ttl) {
        map.put(key, new Entry(true, ttl));
    }

    @Override
    public void release(String key) {
        Entry e = map.get(key);
        if (e != null && !e.committed) {
            map.remove(key, e);
        }
    }

    @Override
    public long size() {
        cache.cleanUp(); // drop expired entries so the gauge does not count them
        return cache.estimatedSize();
    }

    private static long saturatedNanos(Duration d) {
        Objects.requireNonNull(d, "ttl");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("ttl: " + d + " (expected: > 0)");
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
