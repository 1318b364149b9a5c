package dev.authgate.state;

import dev.authgate.config.Secret;
import dev.authgate.config.StateConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.observe.StateStoreMetrics;
import dev.authgate.replay.ReplayStore;
import dev.authgate.replay.ReplayStore.Claim;
import dev.authgate.replay.ReplayStore.Outcome;
import dev.authgate.testing.Await;
import dev.authgate.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RedisReplayStore} against a real redis-server: the claim's three outcomes, TTLs from the first write, owner
 * fencing (a late commit or release from an expired claim leaves another instance's claim alone), a claim holder
 * killed with {@code kill -9} leaves nothing permanent, and a hung Redis (SIGSTOP) opens the circuit breaker.
 */
class RedisReplayStoreTest {
    private TestRedis redis;
    private RedisStateStore store;
    private RedisStateStore other;

    @AfterEach
    void stop() {
        if (store != null) store.close();
        if (other != null) other.close();
        if (redis != null) {
            redis.thaw();
            redis.close();
        }
    }

    private RedisStateStore connect() {
        StateConfig.RedisConfig cfg = new StateConfig.RedisConfig(new Secret(redis.url(), "inline"), false, "t:",
                Duration.ofMillis(250), Duration.ofSeconds(1));
        RedisStateStore s = RedisStateStore.start(cfg, StateStoreMetrics.of(new Metrics()));
        Await.until("connected", s::up);
        return s;
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void claimTellsClaimedDuplicateAndInFlightAndEveryKeyHasATtl() {
        redis = TestRedis.start();
        store = connect();
        ReplayStore replay = new RedisReplayStore(store);
        Claim first = join(replay.claim("route|sig-abc", Duration.ofSeconds(30)));
        assertEquals(Outcome.CLAIMED, first.outcome());
        assertEquals(Outcome.IN_FLIGHT, join(replay.claim("route|sig-abc", Duration.ofSeconds(30))).outcome());
        String key = redis.keys().get(0);
        assertTrue(redis.pttl(key) > 0 && redis.pttl(key) <= 30_000, "in-flight TTL from the first write");
        join(replay.commit(first, Duration.ofHours(24)));
        assertEquals(Outcome.DUPLICATE, join(replay.claim("route|sig-abc", Duration.ofSeconds(30))).outcome());
        assertTrue(redis.pttl(key) > 30_000, "the commit set the committed ttl");
        assertEquals("c", redis.get(key));
        assertFalse(key.contains("sig-abc") || key.contains("route"), key);
    }

    @Test
    void aLateSettlementFromAnExpiredClaimDoesNotTouchAnotherInstancesClaim() {
        redis = TestRedis.start();
        store = connect();
        other = connect();
        ReplayStore a = new RedisReplayStore(store);
        ReplayStore b = new RedisReplayStore(other);
        Claim stale = join(a.claim("k", Duration.ofMillis(200)));
        assertEquals(Outcome.CLAIMED, stale.outcome());
        Await.until("A's claim expired", () -> redis.keys().isEmpty());
        Claim fresh = join(b.claim("k", Duration.ofSeconds(30)));
        assertEquals(Outcome.CLAIMED, fresh.outcome());

        join(a.release(stale));
        join(a.commit(stale, Duration.ofHours(1)));
        String key = redis.keys().get(0);
        assertEquals("f:" + fresh.owner(), redis.get(key), "B's claim is untouched by A's late release and commit");
        join(b.release(fresh));
        assertEquals(List.of(), redis.keys(), "the owner's release frees it");
    }

    @Test
    void aClaimHolderKilledMidRequestLeavesNothingPermanent() throws Exception {
        redis = TestRedis.start();
        // A separate JVM claims a key and is killed with SIGKILL before it settles.
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ClaimHolder.class.getName(), redis.url())
                .redirectErrorStream(true).start();
        try {
            Await.until("the holder claimed its key", () -> !redis.keys().isEmpty());
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } finally {
            holder.destroyForcibly();
        }
        String key = redis.keys().get(0);
        long ttl = redis.pttl(key);
        assertTrue(ttl > 0 && ttl <= 1500, "the orphaned claim carries its in-flight TTL: " + ttl);
        store = connect();
        ReplayStore replay = new RedisReplayStore(store);
        Await.until("the key is free again after the TTL", Duration.ofSeconds(10),
                () -> join(replay.claim("route|orphan", Duration.ofSeconds(30))).claimed());
    }

    @Test
    void aHungRedisOpensTheBreakerSoCallsFailAtOnceAndItClosesWhenRedisAnswersAgain() {
        redis = TestRedis.start();
        store = connect();
        ReplayStore replay = new RedisReplayStore(store);
        redis.freeze();
        for (int i = 0; i < RedisStateStore.BREAKER_THRESHOLD; i++) {
            Throwable e = assertFailed(replay.claim("hung-" + i, Duration.ofSeconds(5)));
            assertTrue(e.getClass().getSimpleName().contains("Timeout"), e.toString());
        }
        assertFalse(store.up(), "breaker open: authgate_state_store_up 0");
        Throwable fast = assertFailed(replay.claim("hung-x", Duration.ofSeconds(5)));
        assertTrue(fast instanceof StoreUnavailableException, "no call while the breaker is open: " + fast);
        redis.thaw();
        Await.until("answers again", () -> {
            try {
                return join(replay.claim("thawed", Duration.ofSeconds(5))).claimed();
            } catch (AssertionError e) {
                return false;
            }
        });
        assertTrue(store.up());
    }

    private static Throwable assertFailed(java.util.concurrent.CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return RedisStateStore.unwrap(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }

    /** The process killed in {@link #aClaimHolderKilledMidRequestLeavesNothingPermanent}: claims, then waits. */
    static final class ClaimHolder {
        public static void main(String[] args) throws IOException, InterruptedException {
            StateConfig.RedisConfig cfg = new StateConfig.RedisConfig(new Secret(args[0], "inline"), false, "t:",
                    Duration.ofMillis(500), Duration.ofSeconds(1));
            RedisStateStore s = RedisStateStore.start(cfg, StateStoreMetrics.of(new Metrics()));
            while (!s.up()) Thread.sleep(10);
            join(new RedisReplayStore(s).claim("route|orphan", Duration.ofMillis(1500)));
            Thread.sleep(60_000);
        }
    }
}
