package dev.authgate.replay;

import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.authgate.replay.ReplayStore.Outcome.CLAIMED;
import static dev.authgate.replay.ReplayStore.Outcome.DUPLICATE;
import static dev.authgate.replay.ReplayStore.Outcome.IN_FLIGHT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryReplayStoreTest {
    static final Duration IN_FLIGHT_TTL = Duration.ofSeconds(30);
    static final Duration TTL = Duration.ofMinutes(10);

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final Ticker ticker = nanos::get;
    final InMemoryReplayStore store = new InMemoryReplayStore(10_000, ticker);

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** The handle of the last successful claim per key: what the gateway keeps to commit or release it. */
    final Map<String, ReplayStore.Claim> held = new HashMap<>();

    ReplayStore.Outcome claim(String key) {
        ReplayStore.Claim c = store.claim(key, IN_FLIGHT_TTL).toCompletableFuture().join();
        assertEquals(key, c.key());
        if (c.claimed()) held.put(key, c);
        return c.outcome();
    }

    void commit(String key, Duration ttl) {
        store.commit(held.get(key), ttl).toCompletableFuture().join();
    }

    void release(String key) {
        store.release(held.get(key)).toCompletableFuture().join();
    }

    long size() {
        return store.entries().orElseThrow();
    }

    @Test
    void claimsAFreeKeyThenReportsItInFlightThenDuplicateOnceCommitted() {
        assertEquals(CLAIMED, claim("github:id:1"));
        assertEquals(IN_FLIGHT, claim("github:id:1"));
        commit("github:id:1", TTL);
        assertEquals(DUPLICATE, claim("github:id:1"));
        assertEquals(CLAIMED, claim("github:id:2"));
    }

    @Test
    void releaseFreesAnInFlightKeySoTheRetryPasses() {
        assertEquals(CLAIMED, claim("k"));
        release("k");
        assertEquals(CLAIMED, claim("k"));
    }

    @Test
    void releaseLeavesACommittedKeyAlone() {
        assertEquals(CLAIMED, claim("k"));
        commit("k", TTL);
        release("k");
        assertEquals(DUPLICATE, claim("k"));
    }

    @Test
    void forgetsAnUnfinishedClaimAfterItsInFlightTtl() {
        assertEquals(CLAIMED, claim("k"));
        advance(IN_FLIGHT_TTL.minusSeconds(1));
        assertEquals(IN_FLIGHT, claim("k"));
        advance(Duration.ofSeconds(2));
        assertEquals(CLAIMED, claim("k"));
    }

    @Test
    void keepsACommittedKeyForItsTtlCountedFromTheCommit() {
        assertEquals(CLAIMED, claim("k"));
        advance(Duration.ofSeconds(20));
        commit("k", TTL);
        advance(TTL.minusSeconds(1));
        assertEquals(DUPLICATE, claim("k"), "still remembered one second before its ttl");
        advance(Duration.ofSeconds(2));
        assertEquals(CLAIMED, claim("k"));
    }

    @Test
    void keepsEntriesWithDifferentTtlsEachForItsOwnTime() {
        claim("short");
        commit("short", Duration.ofMinutes(1));
        claim("long");
        commit("long", Duration.ofHours(1));
        advance(Duration.ofMinutes(2));
        assertEquals(CLAIMED, claim("short"));
        assertEquals(DUPLICATE, claim("long"));
    }

    @Test
    void countsCommittedAndInFlightEntriesAndDropsExpiredOnes() {
        claim("a");
        claim("b");
        commit("b", TTL);
        assertEquals(2, size());
        advance(IN_FLIGHT_TTL.plusSeconds(1));
        assertEquals(1, size());
        advance(TTL);
        assertEquals(0, size());
    }

    @Test
    void staysWithinItsSizeBound() {
        InMemoryReplayStore small = new InMemoryReplayStore(100, ticker);
        for (int i = 0; i < 1_000; i++) {
            ReplayStore.Claim c = small.claim("k" + i, IN_FLIGHT_TTL).toCompletableFuture().join();
            small.commit(c, TTL);
        }
        long size = small.entries().orElseThrow();
        assertTrue(size <= 100, "size " + size);
    }

    @Test
    void letsExactlyOneOfManyConcurrentClaimsOfAKeySucceed() throws Exception {
        InMemoryReplayStore shared = new InMemoryReplayStore(100_000);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 200; round++) {
                String key = "key-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<ReplayStore.Claim>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return shared.claim(key, IN_FLIGHT_TTL).toCompletableFuture().join();
                    }));
                }
                start.countDown();
                int claimed = 0;
                for (Future<ReplayStore.Claim> f : results) {
                    ReplayStore.Outcome c = f.get(30, TimeUnit.SECONDS).outcome();
                    claimed += c == CLAIMED ? 1 : 0;
                    assertTrue(c == CLAIMED || c == IN_FLIGHT, c.toString());
                }
                assertEquals(1, claimed, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLateReleaseDoesNotFreeANewerClaimOfTheSameKey() {
        assertEquals(CLAIMED, claim("k"));
        ReplayStore.Claim first = held.get("k");
        advance(IN_FLIGHT_TTL.plusSeconds(1)); // the first claim expired while its request hung
        assertEquals(CLAIMED, claim("k"));
        store.release(first).toCompletableFuture().join();
        assertEquals(IN_FLIGHT, claim("k"), "the second request's claim survives the first one's late release");
        release("k");
        assertEquals(CLAIMED, claim("k"));
    }

    @Test
    void ignoresCommitAndReleaseOfAClaimThatDidNotSucceed() {
        assertEquals(CLAIMED, claim("k"));
        ReplayStore.Claim lost = store.claim("k", IN_FLIGHT_TTL).toCompletableFuture().join();
        assertEquals(IN_FLIGHT, lost.outcome());
        store.release(lost).toCompletableFuture().join();
        store.commit(lost, TTL).toCompletableFuture().join();
        assertEquals(IN_FLIGHT, claim("k"), "still the first request's claim, not freed and not committed");
    }

    @Test
    void givesEachClaimItsOwnOwnerToken() {
        ReplayStore.Claim a = store.claim("a", IN_FLIGHT_TTL).toCompletableFuture().join();
        ReplayStore.Claim b = store.claim("b", IN_FLIGHT_TTL).toCompletableFuture().join();
        assertTrue(a.owner() != null && b.owner() != null && !a.owner().equals(b.owner()));
    }

    @Test
    void rejectsANonPositiveSizeOrTtl() {
        assertThrows(IllegalArgumentException.class, () -> new InMemoryReplayStore(0));
        assertThrows(IllegalArgumentException.class, () -> store.claim("k", Duration.ZERO));
        ReplayStore.Claim c = store.claim("k", IN_FLIGHT_TTL).toCompletableFuture().join();
        assertThrows(IllegalArgumentException.class, () -> store.commit(c, Duration.ofSeconds(-1)));
    }
}
