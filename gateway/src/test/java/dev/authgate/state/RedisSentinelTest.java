package dev.authgate.state;

import dev.authgate.config.Secret;
import dev.authgate.config.StateConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.observe.StateStoreMetrics;
import dev.authgate.replay.ReplayStore;
import dev.authgate.testing.Await;
import dev.authgate.testing.TestRedis;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code redis-sentinel://}: a primary, a replica and one Sentinel ({@code redis-server --sentinel}, the same
 * Debian binary); the primary is killed, Sentinel promotes the replica, and the store follows it by itself, and so
 * does the connection of a bound gateway event loop (a call made on the loop completes on it before and after).
 */
class RedisSentinelTest {
    @TempDir
    Path dir;
    private TestRedis primary;
    private TestRedis replica;
    private Process sentinel;
    private RedisStateStore store;
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, Epoll.isAvailable()
            ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());

    @AfterEach
    void stop() throws InterruptedException {
        if (store != null) store.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (sentinel != null) {
            sentinel.destroyForcibly();
            sentinel.waitFor(10, TimeUnit.SECONDS);
        }
        if (replica != null) replica.close();
        if (primary != null) primary.close();
    }

    private static boolean claims(ReplayStore replay, String key) {
        try {
            return replay.claim(key, Duration.ofSeconds(30)).toCompletableFuture().get(5, TimeUnit.SECONDS).claimed();
        } catch (Exception e) {
            return false;
        }
    }

    /** A claim started on {@code loop} that succeeded and completed on that loop's thread (its own connection). */
    private static boolean claimsOnLoop(ReplayStore replay, EventExecutor loop, String key) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        loop.execute(() -> replay.claim(key, Duration.ofSeconds(30)).whenComplete((c, e) ->
                done.complete(e == null && c.claimed() && loop.inEventLoop())));
        try {
            return done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void followsTheNewPrimaryAfterAFailover() throws IOException {
        primary = TestRedis.start();
        replica = TestRedis.start("--replicaof", "127.0.0.1", Integer.toString(primary.port()));
        int port = TestRedis.freePort();
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, String.join("\n",
                "port " + port, "bind 127.0.0.1", "dir " + dir,
                "sentinel monitor main 127.0.0.1 " + primary.port() + " 1",
                "sentinel down-after-milliseconds main 500",
                "sentinel failover-timeout main 3000", ""));
        sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel").redirectErrorStream(true)
                .redirectOutput(dir.resolve("sentinel.log").toFile()).start();
        TestRedis sentinelKit = TestRedis.onPort(port);
        Await.until("Sentinel sees the replica", Duration.ofSeconds(20), () -> {
            try {
                return !((List<?>) sentinelKit.command("SENTINEL", "REPLICAS", "main")).isEmpty();
            } catch (RuntimeException | AssertionError e) {
                return false;
            }
        });

        store = RedisStateStore.start(new StateConfig.RedisConfig(
                new Secret("redis-sentinel://127.0.0.1:" + port + "#main", "inline"), false, "t:",
                Duration.ofMillis(250), Duration.ofSeconds(1)), StateStoreMetrics.of(new Metrics()));
        Await.until("connected through Sentinel", store::up);
        ReplayStore replay = new RedisReplayStore(store);
        Await.until("a claim on the primary", () -> claims(replay, "before"));
        assertEquals(1, primary.keys().size());
        store.bindTo(loops);
        EventExecutor loop = loops.next();
        Await.until("the loop's connection is up", () -> store.loopConnectionsUp() == 1);
        assertTrue(claimsOnLoop(replay, loop, "before-on-loop"), "over the loop's own connection");
        assertEquals(2, primary.keys().size());

        primary.kill();
        Await.until("claims work again on the promoted replica", Duration.ofSeconds(30),
                () -> claims(replay, "after"));
        assertEquals("master", ((List<?>) replica.command("ROLE")).get(0));
        Await.until("the loop's connection found the promoted replica too", Duration.ofSeconds(30),
                () -> claimsOnLoop(replay, loop, "after-on-loop-" + System.nanoTime()));
    }
}
