package dev.authgate.replay;

import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.authgate.replay.ReplayStore.Claim.CLAIMED;
import static dev.authgate.replay.ReplayStore.Claim.DUPLICATE;
import static dev.authgate.replay.ReplayStore.Claim.IN_FLIGHT;
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

    ReplayStore.Claim claim(String key) {
        return store.claim(key, IN_FLIGHT_TTL).toCompletableFuture().join();
    }

    @Test
    void claimsAFreeKeyThenReportsItInFlightThenDuplicateOnceCommitted() {
        assertEquals(CLAIMED, claim("github:id:1"));
        assertEquals(IN_FLIGHT, claim("github:id:1"));
        store.commit("github:id:1", TTL);
        assertEquals(DUPLICATE, claim("github:id:1"));
        assertEquals(CLAIMED, claim("github:id:2"));
    }

    @Test
    void releaseFreesAnInFlightKeySoTheRetryPasses() {
        assertEquals(CLAIMED, claim("k"));
        store.release("k");
        assertEquals(CLAIMED, claim("k"));
    }

    @Test
    void releaseLeavesACommittedKeyAlone() {
        assertEquals(CLAIMED, claim("k"));
        store.commit("k", TTL);
        store.release("k");
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
        store.commit("k", TTL);
        advance(TTL.minusSeconds(1));
        assertEquals(DUPLICATE, claim("k"), "still remembered one second before its ttl");
        advance(Duration.ofSeconds(2));
        assertEquals(CLAIMED, claim("k"));
    }

    @Test
    void keepsEntriesWithDifferentTtlsEachForItsOwnTime() {
        claim("short");
        store.commit("short", Duration.ofMinutes(1));
        claim("long");
        store.commit("long", Duration.ofHours(1));
        advance(Duration.ofMinutes(2));
        assertEquals(CLAIMED, claim("short"));
        assertEquals(DUPLICATE, claim("long"));
    }

    @Test
    void countsCommittedAndInFlightEntriesAndDropsExpiredOnes() {
        claim("a");
        claim("b");
        store.commit("b", TTL);
        assertEquals(2, store.size());
        advance(IN_FLIGHT_TTL.plusSeconds(1));
        assertEquals(1, store.size());
        advance(TTL);
        assertEquals(0, store.size());
    }

    @Test
    void staysWithinItsSizeBound() {
        InMemoryReplayStore small = new InMemoryReplayStore(100, ticker);
        for (int i = 0; i < 1_000; i++) {
            small.claim("k" + i, IN_FLIGHT_TTL);
            small.commit("k" + i, TTL);
        }
        long size = small.size();
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
                    ReplayStore.Claim c = f.get(30, TimeUnit.SECONDS);
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
    void rejectsANonPositiveSizeOrTtl() {
        assertThrows(IllegalArgumentException.class, () -> new InMemoryReplayStore(0));
        assertThrows(IllegalArgumentException.class, () -> store.claim("k", Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> store.commit("k", Duration.ofSeconds(-1)));
    }
}
