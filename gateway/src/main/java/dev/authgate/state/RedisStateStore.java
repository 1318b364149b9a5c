package dev.authgate.state;

import dev.authgate.config.Durations;
import dev.authgate.config.StateConfig;
import dev.authgate.observe.StateStoreMetrics;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.netty.channel.EventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The connection to the shared Redis (standalone, TLS, Sentinel or Cluster) with the settings a gateway needs, and
 * the one way every shared-state call goes: {@link #call}, which counts and times it, fails fast while the store is
 * down, and trips a circuit breaker after consecutive failures (in a Cluster, one per master: a master that fails
 * opens the breaker of its own slots only).
 *
 * <p>Lettuce's defaults are wrong for a request path: {@link LettuceSettings} has the ones used. The command timer
 * ticks every 10 ms (Lettuce's default wheel ticks every 100 ms).
 *
 * <p>Redis down at start is not fatal: {@link #start} returns at once and connects in the background, retrying with
 * back-off; meanwhile every call fails fast with {@link StoreUnavailableException}. Nothing here blocks a caller's
 * thread. Once the gateway's event loops are bound ({@link #bindTo}; standalone and Sentinel), a call made on a loop
 * goes over that loop's own connection and completes on it ({@link LoopConnections}); other calls complete on
 * Lettuce's I/O threads and callers hop back to their own.
 */
public final class RedisStateStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStateStore.class);
    /** Consecutive failures that open the circuit breaker. */
    static final int BREAKER_THRESHOLD = 3;
    /** How long an open breaker answers without calling Redis. */
    static final Duration BREAKER_OPEN = Duration.ofSeconds(1);

    private final StateConfig.RedisConfig config;
    private final StateStoreMetrics metrics;
    private final HashedWheelTimer timer;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final RedisURI uri;
    private final ClientOptions options;
    /** Standalone and Sentinel: one connection per gateway loop once {@link #bindTo} was called, else null. */
    private volatile LoopConnections lanes;
    /** The standalone or Sentinel server's breaker; in a Cluster, the one for a key whose master is unknown. */
    private final CircuitBreaker breaker = new CircuitBreaker(BREAKER_THRESHOLD, BREAKER_OPEN);
    /** A Cluster's breakers, one per master (by node id): a dead master must not stop the others' slots. */
    private final Map<String, CircuitBreaker> masterBreakers = new ConcurrentHashMap<>();
    /** The connection and its commands, published together once connected. */
    private volatile Live live;
    private volatile boolean closed;

    private record Live(StatefulConnection<String, String> connection,
                        RedisClusterAsyncCommands<String, String> commands) {
    }

    private RedisStateStore(StateConfig.RedisConfig config, StateStoreMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.uri = RedisURI.create(config.url().reveal());
        uri.setTimeout(config.commandTimeout());
        this.timer = new HashedWheelTimer(new DefaultThreadFactory("authgate-redis-timer", true), 10,
                TimeUnit.MILLISECONDS);
        this.resources = LettuceSettings.resources(timer);
        this.options = LettuceSettings.options(config);
        if (config.cluster()) {
            RedisClusterClient cluster = RedisClusterClient.create(resources, uri);
            cluster.setOptions(LettuceSettings.clusterOptions(options));
            this.client = cluster;
        } else {
            RedisClient single = RedisClient.create(resources);
            single.setOptions(options);
            this.client = single;
        }
    }

    /** Builds the client and starts connecting in the background; never waits for Redis. */
    public static RedisStateStore start(StateConfig.RedisConfig config, StateStoreMetrics metrics) {
        RedisStateStore store = new RedisStateStore(config, metrics);
        metrics.up(store::up);
        store.connect(0);
        return store;
    }

    /** Where the store is, without credentials: {@code redis://10.0.0.5:6379}. */
    public String describe() {
        return config.describe();
    }

    /** Connected, and every breaker closed (in a Cluster, every master's): {@code authgate_state_store_up}. */
    public boolean up() {
        Live l = live;
        return l != null && l.connection().isOpen() && !breakerOpen();
    }

    /**
     * {@code up}, {@code connecting} (never connected yet), {@code down} or {@code failing} (a breaker open; in a
     * Cluster, one master's is enough).
     */
    public String state() {
        Live l = live;
        if (l == null) return "connecting";
        if (!l.connection().isOpen()) return "down";
        return breakerOpen() ? "failing" : "up";
    }

    String keyPrefix() {
        return config.keyPrefix();
    }

    Duration commandTimeout() {
        return config.commandTimeout();
    }

    private void connect(int attempt) {
        if (closed) return;
        CompletionStage<? extends StatefulConnection<String, String>> pending;
        try {
            if (client instanceof RedisClusterClient) {
                // Lettuce 7 wants the topology loaded before connecting (its sync getPartitions() would block)
                RedisClusterClient cluster = (RedisClusterClient) client;
                pending = cluster.refreshPartitionsAsync().thenCompose(v -> cluster.connectAsync(StringCodec.UTF8));
            } else {
                pending = ((RedisClient) client).connectAsync(StringCodec.UTF8, uri);
            }
        } catch (RuntimeException e) {
            pending = CompletableFuture.failedFuture(e);
        }
        pending.whenComplete((conn, error) -> {
            if (error == null) {
                connected(conn);
                return;
            }
            long delay = Math.min(LettuceSettings.RETRY_MAX.toMillis(),
                    LettuceSettings.RETRY_MIN.toMillis() << Math.min(attempt, 10));
            if (attempt == 0 || attempt % 20 == 0) {
                LOG.warn("state store: cannot connect to {} ({}); applying state.on_failure and retrying every "
                        + "{} at most", describe(), summary(error), Durations.format(LettuceSettings.RETRY_MAX));
            }
            if (!closed) resources.eventExecutorGroup().schedule(() -> connect(attempt + 1), delay,
                    TimeUnit.MILLISECONDS);
        });
    }

    private void connected(StatefulConnection<String, String> conn) {
        if (closed) {
            conn.closeAsync();
            return;
        }
        live = new Live(conn, conn instanceof StatefulRedisClusterConnection
                ? ((StatefulRedisClusterConnection<String, String>) conn).async()
                : ((StatefulRedisConnection<String, String>) conn).async());
        LOG.info("state store: connected to {}", describe());
    }

    /**
     * Runs one command (or script) on {@code key} against the store, counted and timed as {@code op}. Fails fast with
     * {@link StoreUnavailableException} while not connected or while the breaker of {@code key}'s server is open.
     */
    <T> CompletionStage<T> call(String op, String key,
                                Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> command) {
        Live l = live;
        // A Cluster connection's isOpen() is the state of its default node connection only (Lettuce's, to any one
        // master, for keyless commands), not of the master that serves this key: while that one node reconnects,
        // the others answer. A Cluster key is judged by its own master's command timeout and breaker instead.
        if (closed || l == null || !(isCluster(l) || l.connection().isOpen())) {
            return unavailable(op, closed ? "closed" : l == null ? "not connected yet" : "disconnected");
        }
        LoopConnections.Lane lane = lanes == null ? null : lanes.current();
        RedisClusterAsyncCommands<String, String> c = lane == null ? l.commands() : lane.commands();
        RedisClusterNode master = masterOf(l, key);
        CircuitBreaker breaker = master == null ? this.breaker
                : masterBreakers.computeIfAbsent(master.getNodeId(), id -> new CircuitBreaker(BREAKER_THRESHOLD,
                        BREAKER_OPEN));
        if (breaker.open()) {
            if (lane != null) lane.settled();
            return unavailable(op, "failing, circuit open" + (master == null ? "" : " for its " + where(master)));
        }
        long started = System.nanoTime();
        CompletionStage<T> stage;
        try {
            stage = command.apply(c);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.whenComplete((v, error) -> {
            if (lane != null) lane.settled();
            long nanos = System.nanoTime() - started;
            if (error == null) {
                if (breaker.succeeded()) LOG.info("state store: {} answers again; circuit closed", where(master));
                metrics.operation(op, "ok", nanos);
            } else {
                if (breaker.failed()) {
                    LOG.warn("state store: {} failed {} times in a row ({}); circuit open: answering by "
                            + "state.on_failure without calling it for {} at a time", where(master), BREAKER_THRESHOLD,
                            summary(error), Durations.format(BREAKER_OPEN));
                }
                metrics.operation(op, unwrap(error) instanceof RedisCommandTimeoutException ? "timeout" : "error",
                        nanos);
            }
        });
    }

    /**
     * Opens a connection on each of the gateway's event loops {@code loops} (standalone and Sentinel; a Cluster keeps
     * its one connection per master), used by calls made on that loop; the returned handle closes them, and must be
     * closed before the loops shut down. Once per store: a second call changes nothing.
     */
    public synchronized AutoCloseable bindTo(EventLoopGroup loops) {
        if (client instanceof RedisClusterClient || lanes != null || closed || !LoopConnections.supported()) {
            return () -> { };
        }
        LoopConnections opened;
        try {
            opened = LoopConnections.open(loops, resources, options, uri, config.commandTimeout());
        } catch (RuntimeException e) { // not fatal: every call keeps the store's own connection
            LOG.warn("state store: no connection of their own for the event loops ({}); using one", summary(e));
            return () -> { };
        }
        lanes = opened;
        return () -> {
            lanes = null;
            opened.close();
        };
    }

    /** Event loops with a store connection of their own, up now (0 when not bound). */
    int loopConnectionsUp() {
        LoopConnections l = lanes;
        return l == null ? 0 : l.open();
    }

    /** {@code EVALSHA}, and {@code EVAL} (which also reloads the script cache) when Redis answers NOSCRIPT. */
    <T> CompletionStage<T> script(String op, LuaScript script, ScriptOutputType type, String key, String... args) {
        String[] keys = {key};
        return call(op, key, c -> c.<T>evalsha(script.sha1(), type, keys, args)
                .handle((v, error) -> {
                    if (error == null) return CompletableFuture.completedFuture(v);
                    if (unwrap(error) instanceof RedisNoScriptException) {
                        return c.<T>eval(script.source(), type, keys, args).toCompletableFuture();
                    }
                    return CompletableFuture.<T>failedFuture(unwrap(error));
                })
                .thenCompose(Function.identity()));
    }

    private <T> CompletionStage<T> unavailable(String op, String why) {
        metrics.operation(op, "unavailable", -1);
        return CompletableFuture.failedFuture(new StoreUnavailableException("the state store at " + describe()
                + " is " + why));
    }

    private boolean breakerOpen() {
        if (breaker.open()) return true;
        for (CircuitBreaker b : masterBreakers.values()) {
            if (b.open()) return true;
        }
        return false;
    }

    /** For log lines: the store, or a Cluster master of it ({@code master 10.0.0.5:6379 of redis://...}). */
    private String where(RedisClusterNode master) {
        return master == null ? describe()
                : "master " + master.getUri().getHost() + ":" + master.getUri().getPort() + " of " + describe();
    }

    /**
     * The Cluster master that serves {@code key}'s slot in the client's current topology (Lettuce's partitions,
     * refreshed on MOVED and periodically), else null: not a Cluster, or the slot is not served.
     */
    private static RedisClusterNode masterOf(Live l, String key) {
        if (!isCluster(l)) return null;
        return ((StatefulRedisClusterConnection<String, String>) l.connection()).getPartitions()
                .getMasterBySlot(SlotHash.getSlot(key));
    }

    private static boolean isCluster(Live l) {
        return l.connection() instanceof StatefulRedisClusterConnection;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** The root cause's class and message: Lettuce's messages name host and port, never the password. */
    private static String summary(Throwable error) {
        Throwable e = unwrap(error);
        while (e.getCause() != null && e.getCause() != e) e = e.getCause();
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Closes the connection and the client's threads; calls after this fail with {@link StoreUnavailableException}. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Live l = live;
        LoopConnections bound = lanes;
        lanes = null;
        try {
            if (bound != null) bound.close();
            if (l != null) l.connection().close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        } finally {
            timer.stop();
        }
    }
}
