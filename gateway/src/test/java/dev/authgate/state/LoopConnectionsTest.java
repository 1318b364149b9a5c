package dev.authgate.state;

import dev.authgate.config.Secret;
import dev.authgate.config.StateConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.observe.StateStoreMetrics;
import dev.authgate.replay.ReplayStore;
import dev.authgate.replay.ReplayStore.Claim;
import dev.authgate.testing.Await;
import dev.authgate.testing.TestRedis;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RedisStateStore#bindTo}: with the gateway's event loops bound, a replay operation started on a loop is
 * written, answered and completed on that loop (the hand-offs to and from Lettuce's own threads are what it removes),
 * from any other thread it still works over the store's own connection; the loops' connections reconnect after a
 * Redis restart, and unbinding waits for an operation already sent instead of cutting it off. Real redis-server, the
 * gateway's own transport (epoll where it loads).
 */
class LoopConnectionsTest {
    private TestRedis redis;
    private RedisStateStore store;
    private EventLoopGroup loops;

    @BeforeEach
    void start() {
        redis = TestRedis.start();
        loops = new MultiThreadIoEventLoopGroup(2, Epoll.isAvailable() ? EpollIoHandler.newFactory()
                : NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        if (store != null) store.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        redis.thaw();
        redis.close();
    }

    private RedisStateStore connect(Duration commandTimeout) {
        StateConfig.RedisConfig cfg = new StateConfig.RedisConfig(new Secret(redis.url(), "inline"), false, "t:",
                commandTimeout, Duration.ofSeconds(1));
        RedisStateStore s = RedisStateStore.start(cfg, StateStoreMetrics.of(new Metrics()));
        Await.until("connected", s::up);
        return s;
    }

    @Test
    void anOperationStartedOnALoopCompletesOnThatLoopOverItsOwnConnection() throws Exception {
        assertTrue(LoopConnections.supported(), "Lettuce and the gateway use the same transport");
        store = connect(Duration.ofMillis(500));
        ReplayStore replay = new RedisReplayStore(store);
        assertEquals(1, clients(), "the store's own connection");
        try (AutoCloseable bound = store.bindTo(loops)) {
            Await.until("a connection per loop", () -> store.loopConnectionsUp() == 2);
            assertEquals(3, clients(), "as Redis sees them");
            for (EventExecutor loop : loops) {
                Ran<Claim> claim = onLoop(loop, () -> replay.claim("k-" + loop.hashCode(), Duration.ofSeconds(5)));
                assertTrue(claim.result.claimed());
                assertTrue(claim.sameThread, "the claim's answer completed on the loop that asked, not on "
                        + claim.thread);
                assertTrue(onLoop(loop, () -> replay.commit(claim.result, Duration.ofMinutes(1))).sameThread,
                        "and so did the commit's");
            }
            Claim fromTest = join(replay.claim("from-the-test-thread", Duration.ofSeconds(5)));
            assertTrue(fromTest.claimed(), "another thread uses the store's own connection");
            assertEquals(3, clients(), "no connection opened for it");

            redis.kill();
            Await.until("the loops' connections saw it", () -> store.loopConnectionsUp() == 0);
            redis.restart();
            Await.until("the loops' connections are back", () -> store.loopConnectionsUp() == 2);
            for (EventExecutor loop : loops) {
                Await.until("the loop's connection answers on its loop", () -> {
                    try {
                        Ran<Claim> again = onLoop(loop, () -> replay.claim("after-" + System.nanoTime(),
                                Duration.ofSeconds(5)));
                        return again.result.claimed() && again.sameThread;
                    } catch (AssertionError e) {
                        return false; // refused while reconnecting: the store's own connection is down too
                    }
                });
            }
        }
        Await.until("unbinding closed the loops' connections", () -> clients() == 1);
        EventExecutor loop = loops.next();
        Ran<Claim> after = onLoop(loop, () -> replay.claim("after-unbind", Duration.ofSeconds(5)));
        assertTrue(after.result.claimed(), "a loop's call after unbinding goes over the store's own connection");
        assertFalse(after.sameThread, "answered on Lettuce's thread");
    }

    @Test
    void unbindingWaitsForAnOperationAlreadySentOnALoopsConnection() throws Exception {
        store = connect(Duration.ofSeconds(3));
        ReplayStore replay = new RedisReplayStore(store);
        AutoCloseable bound = store.bindTo(loops);
        EventExecutor loop = loops.next();
        Await.until("the loops' connections are up", () -> store.loopConnectionsUp() == 2);
        Claim claim = onLoop(loop, () -> replay.claim("late", Duration.ofSeconds(30))).result;

        redis.freeze(); // the commit is sent and not answered until thawed
        CompletableFuture<Void> commit = new CompletableFuture<>();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        loop.execute(() -> {
            replay.commit(claim, Duration.ofMinutes(5)).whenComplete((v, e) -> {
                if (e == null) commit.complete(null);
                else commit.completeExceptionally(e);
            });
            sent.complete(null);
        });
        sent.get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> unbound = CompletableFuture.runAsync(() -> {
            try {
                bound.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Thread.sleep(300); // the frozen Redis holds the commit; unbinding must still be waiting
        assertFalse(unbound.isDone(), "unbinding waits for the commit in flight");
        redis.thaw();
        commit.get(5, TimeUnit.SECONDS);
        unbound.get(5, TimeUnit.SECONDS);
        assertEquals("c", redis.get(new RedisKeys("t:").replay("late")),
                "the commit landed before its connection closed");
    }

    /** What an operation started on {@code loop} answered, and whether its stage completed on that loop's thread. */
    private record Ran<T>(T result, boolean sameThread, String thread) {
    }

    private static <T> Ran<T> onLoop(EventExecutor loop, Supplier<CompletionStage<T>> op) {
        CompletableFuture<Ran<T>> done = new CompletableFuture<>();
        loop.execute(() -> op.get().whenComplete((v, e) -> {
            if (e != null) done.completeExceptionally(e);
            else done.complete(new Ran<>(v, loop.inEventLoop(), Thread.currentThread().getName()));
        }));
        return join(done);
    }

    /** Clients connected to the server, the test's own RESP connection not counted. */
    private int clients() {
        String list = String.valueOf(redis.command("CLIENT", "LIST"));
        return (int) list.lines().filter(l -> l.startsWith("id=")).count() - 1;
    }

    private static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
