package dev.authgate.bench;

import dev.authgate.config.Secret;
import dev.authgate.config.StateConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.observe.StateStoreMetrics;
import dev.authgate.replay.InMemoryReplayStore;
import dev.authgate.replay.ReplayStore;
import dev.authgate.state.RedisReplayStore;
import dev.authgate.state.RedisStateStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What replay protection costs per delivery: claim, then commit (the two round trips of a delivery that passes), on
 * the in-memory store and on Redis ({@code redis-server} started here on a free loopback port, as on one machine).
 * Average time per delivery, one caller waiting for each answer: for Redis that is two round trips on loopback.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplayClaimBenchmark {
    @Param({"memory", "redis"})
    public String store;

    private final AtomicLong seq = new AtomicLong();
    private Process redis;
    private RedisStateStore redisStore;
    private ReplayStore replay;

    @Setup
    public void setUp() throws Exception {
        if (store.equals("memory")) {
            replay = new InMemoryReplayStore(10_000_000);
            return;
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("authgate-bench-redis");
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        redisStore = RedisStateStore.start(new StateConfig.RedisConfig(
                new Secret("redis://127.0.0.1:" + port, "inline"), false, "bench:", Duration.ofSeconds(1),
                Duration.ofSeconds(2)), StateStoreMetrics.of(new Metrics()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!redisStore.up()) {
            if (System.nanoTime() > deadline) {
                tearDown(); // JMH skips the tear-down of a failed set-up: stop what was started
                throw new IOException("redis-server did not come up: see " + dir);
            }
            Thread.sleep(20);
        }
        replay = new RedisReplayStore(redisStore);
    }

    @TearDown
    public void tearDown() {
        if (redisStore != null) redisStore.close();
        if (redis != null) redis.destroyForcibly();
    }

    /** One delivery that passes: claim a fresh key, then commit it. */
    @Benchmark
    public Object claimAndCommit() throws Exception {
        String key = "route|sig-" + seq.incrementAndGet();
        ReplayStore.Claim c = replay.claim(key, Duration.ofSeconds(40)).toCompletableFuture().get();
        replay.commit(c, Duration.ofMinutes(10)).toCompletableFuture().get();
        return c;
    }
}
