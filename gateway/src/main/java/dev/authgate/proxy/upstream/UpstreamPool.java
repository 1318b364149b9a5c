package dev.authgate.proxy.upstream;

import dev.authgate.config.UpstreamConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to upstreams, one pool per {@link EventLoop} keyed by {@code host:port} (Zuul's
 * {@code PerServerConnectionPool}): a client channel only ever uses connections of its own event loop, so there is
 * no cross-thread locking and no hop between threads on the data path.
 *
 * <p>Idle connections are reused most-recent first, checked with {@code isActive()} before reuse, dropped from the
 * pool as soon as they close (the upstream's own keep-alive timeout, a reset), and closed after {@code idleTimeout}
 * (default 30s) or when the upstream's cap ({@code upstreams.NAME.max_idle}) are already idle for that upstream on
 * that loop. The idle timeout is checked by one sweep per loop (every half timeout, at most every second) rather
 * than a timer per connection: a timer would be scheduled and cancelled on every request.
 * After {@link #close()} (draining, reload) idle connections are closed and released ones are not pooled.
 * Internal to the proxy.
 */
public final class UpstreamPool implements AutoCloseable {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_IDLE_PER_KEY = UpstreamConfig.DEFAULT_MAX_IDLE;
    private static final long MAX_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long idleTimeoutNanos;
    private final long sweepNanos;
    private final int maxIdlePerKey;
    private final ConcurrentMap<EventLoop, LoopPool> loops = new ConcurrentHashMap<>();
    private final EventExecutorGroup lookups;
    private final OffLoopResolverGroup resolver;
    private volatile boolean closed;

    public UpstreamPool() {
        this(DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_IDLE_PER_KEY);
    }

    /**
     * @param idleTimeout   how long a connection may idle in the pool before it is closed (&gt; 0)
     * @param maxIdlePerKey idle connections kept per upstream and event loop when {@link #connect} is not given a
     *                      cap (&ge; 0; 0 disables pooling)
     */
    public UpstreamPool(Duration idleTimeout, int maxIdlePerKey) {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > 0)");
        }
        if (maxIdlePerKey < 0) {
            throw new IllegalArgumentException("maxIdlePerKey: " + maxIdlePerKey + " (expected: >= 0)");
        }
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.sweepNanos = Math.max(1, Math.min(MAX_SWEEP_NANOS, idleTimeoutNanos / 2));
        this.maxIdlePerKey = maxIdlePerKey;
        // Threads start on first use: an upstream named by IP literal never needs them.
        this.lookups = new DefaultEventExecutorGroup(2, new DefaultThreadFactory("authgate-upstream-dns", true));
        this.resolver = new OffLoopResolverGroup(lookups);
    }

    /** An open idle connection to {@code host:port} owned by {@code loop}, or null. Call on {@code loop}. */
    public UpstreamConnection pollIdle(EventLoop loop, String host, int port) {
        LoopPool pool = loops.get(loop);
        return pool == null ? null : pool.poll(key(host, port));
    }

    /**
     * Opens a new connection on {@code loop}; the future fails with the connect error (refused, timeout after
     * {@code connectTimeout}, unknown host).
     *
     * @param channelClass the socket channel class matching {@code loop}'s transport (e.g. the client's own class)
     */
    public Future<UpstreamConnection> connect(EventLoop loop, Class<? extends Channel> channelClass, String host,
                                              int port, Duration connectTimeout) {
        return connect(loop, channelClass, host, port, connectTimeout, maxIdlePerKey);
    }

    /** As {@link #connect(EventLoop, Class, String, int, Duration)}, pooled under {@code maxIdle} once released. */
    public Future<UpstreamConnection> connect(EventLoop loop, Class<? extends Channel> channelClass, String host,
                                              int port, Duration connectTimeout, int maxIdle) {
        LoopPool pool = loops.computeIfAbsent(loop, LoopPool::new);
        String key = key(host, port);
        Promise<UpstreamConnection> promise = loop.newPromise();
        UpstreamHandler handler = new UpstreamHandler();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        Math.max(1, connectTimeout.toMillis())))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .resolver(resolver)
                .handler(new UpstreamChannelInitializer(handler));
        bootstrap.connect(InetSocketAddress.createUnresolved(unbracket(host), port))
                .addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        promise.setFailure(f.cause());
                        return;
                    }
                    UpstreamConnection connection = new UpstreamConnection(f.channel(), handler, pool, key, maxIdle);
                    f.channel().closeFuture().addListener(x -> pool.remove(connection));
                    if (!promise.trySuccess(connection)) f.channel().close();
                });
        return promise;
    }

    /** Closes idle connections and stops pooling; connections in use close when their exchange ends. */
    @Override
    public void close() {
        closed = true;
        for (Map.Entry<EventLoop, LoopPool> e : loops.entrySet()) {
            try {
                e.getKey().execute(e.getValue()::closeAll);
            } catch (RejectedExecutionException ignored) {
                // The loop is shut down: its channels are closed already.
            }
        }
        lookups.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static String key(String host, int port) {
        return host.toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The idle connections of one event loop; only ever touched on that loop. */
    final class LoopPool {
        private final EventLoop loop;
        private final Map<String, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
        private ScheduledFuture<?> sweeper;

        LoopPool(EventLoop loop) {
            this.loop = loop;
        }

        UpstreamConnection poll(String key) {
            ArrayDeque<UpstreamConnection> deque = idle.get(key);
            if (deque == null) return null;
            UpstreamConnection c;
            while ((c = deque.pollFirst()) != null) {
                c.inPool = false;
                if (c.channel().isActive()) return c;
                c.channel().close();
            }
            return null;
        }

        boolean offer(UpstreamConnection c) {
            if (closed) return false;
            ArrayDeque<UpstreamConnection> deque = idle.computeIfAbsent(c.key(), k -> new ArrayDeque<>());
            if (deque.size() >= c.maxIdle()) return false;
            c.markReused();
            c.inPool = true;
            c.idleSince = System.nanoTime();
            deque.addFirst(c);
            if (sweeper == null) {
                sweeper = loop.scheduleAtFixedRate(this::closeExpired, sweepNanos, sweepNanos, TimeUnit.NANOSECONDS);
            }
            return true;
        }

        /** Most recent first in each deque, so the expired ones are at the tail. */
        private void closeExpired() {
            long now = System.nanoTime();
            for (ArrayDeque<UpstreamConnection> deque : idle.values()) {
                UpstreamConnection c;
                while ((c = deque.peekLast()) != null && now - c.idleSince >= idleTimeoutNanos) {
                    deque.pollLast();
                    c.inPool = false;
                    c.channel().close();
                }
            }
        }

        void remove(UpstreamConnection c) {
            if (!c.inPool) return;
            c.inPool = false;
            ArrayDeque<UpstreamConnection> deque = idle.get(c.key());
            if (deque != null) deque.remove(c);
        }

        void closeAll() {
            if (sweeper != null) {
                sweeper.cancel(false);
                sweeper = null;
            }
            for (ArrayDeque<UpstreamConnection> deque : idle.values()) {
                UpstreamConnection c;
                while ((c = deque.pollFirst()) != null) {
                    c.inPool = false;
                    c.channel().close();
                }
            }
        }
    }
}
