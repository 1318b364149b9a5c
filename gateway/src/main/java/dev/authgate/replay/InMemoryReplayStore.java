package dev.authgate.replay;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The default {@link ReplayStore}: in this process only, bounded in size, built on Caffeine.
 *
 * <p>Each entry expires on its own schedule: an in-flight claim after its {@code inFlightTtl}, a committed key after
 * its {@code ttl} (counted from the commit). {@link #claim} is atomic (a {@code putIfAbsent} on the cache's map), so
 * of two concurrent claims of one key exactly one gets {@link Outcome#CLAIMED}. Past {@code maxEntries} Caffeine
 * evicts by its size policy before the ttl; size the store for the deliveries expected within the longest ttl.
 *
 * <p>{@link #release} frees only an in-flight key held by the releasing claim's owner (a committed key stays, and so
 * does a newer claim made after this one expired). {@link #commit} records the key whoever holds it: the upstream
 * accepted the delivery, which is the fact to remember. All stages complete before the call returns.
 */
public final class InMemoryReplayStore implements ReplayStore {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** A key's state; identity matters for {@link #release} (remove exactly the entry that was read). */
    private static final class Entry {
        final boolean committed;
        final long ttlNanos;
        final String owner; // the claim's token while in flight, null once committed

        Entry(boolean committed, Duration ttl, String owner) {
            this.committed = committed;
            this.ttlNanos = saturatedNanos(ttl);
            this.owner = owner;
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
        String owner = newOwner();
        Entry previous = map.putIfAbsent(key, new Entry(false, inFlightTtl, owner));
        Claim claim = previous == null ? new Claim(key, Outcome.CLAIMED, owner)
                : new Claim(key, previous.committed ? Outcome.DUPLICATE : Outcome.IN_FLIGHT, null);
        return CompletableFuture.completedFuture(claim);
    }

    @Override
    public CompletionStage<Void> commit(Claim claim, Duration ttl) {
        if (claim.claimed()) map.put(claim.key(), new Entry(true, ttl, null));
        return DONE;
    }

    @Override
    public CompletionStage<Void> release(Claim claim) {
        if (!claim.claimed()) return DONE;
        Entry e = map.get(claim.key());
        if (e != null && !e.committed && claim.owner().equals(e.owner)) {
            map.remove(claim.key(), e);
        }
        return DONE;
    }

    @Override
    public OptionalLong entries() {
        cache.cleanUp(); // drop expired entries so the gauge does not count them
        return OptionalLong.of(cache.estimatedSize());
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }

    /** A token unique among live claims; it fences, it does not authenticate, so it need not be unguessable. */
    private static String newOwner() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
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
