package dev.authgate.admin;

import dev.authgate.config.AdminConfig;
import dev.authgate.config.GatewayConfig;
import dev.authgate.observe.Metrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin listener: plain HTTP/1.1 on {@code admin.address} (default {@code 127.0.0.1:9901}), on its own
 * one-thread event loop so a slow scrape never touches client traffic.
 *
 * <pre>
 *   GET /healthz   200 "ok"                   the process is up
 *   GET /readyz    200 "ready" | 503 "not ready"   from the {@code ready} supplier (config loaded, listeners bound,
 *                                             not draining)
 *   GET /metrics   200 Prometheus text ({@link Metrics#CONTENT_TYPE})
 *   GET /rejections, /rejections.json, /rejections/groups.json, /rejections/status.json, /rejections/{id}/capture,
 *                  POST /rejections/{id}/verify
 *                  the rejections explorer ({@link RejectionsEndpoints})
 *   other path     404;  other method than GET/HEAD  405 with {@code Allow: GET, HEAD}
 * </pre>
 * With {@code admin.token} set, every path but {@code /healthz}, {@code /readyz} and the explorer page's data-free
 * assets answers 401 without {@code Authorization: Bearer <token>} ({@link AdminToken}).
 * Every response has {@code Server: authgate}, {@code Cache-Control: no-store} and a {@code Content-Length}; the
 * query string is ignored but by the explorer's JSON (its filters). Connections idle for 60 s are closed.
 *
 * <p>Port 0 binds an ephemeral port: read it with {@link #port()}. {@link #stop()} closes the listener and every
 * open admin connection; it is idempotent.
 */
public final class AdminServer implements AutoCloseable {
    static final int MAX_REQUEST_BYTES = 8192;
    static final int IDLE_SECONDS = 60;

    private final EventLoopGroup group;
    private final Channel listener;
    private final ChannelGroup channels;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private AdminServer(EventLoopGroup group, Channel listener, ChannelGroup channels) {
        this.group = group;
        this.listener = listener;
        this.channels = channels;
    }

    /**
     * Binds and starts serving. Blocks until bound (not on an event loop: call from {@code main} or the server's
     * start-up thread).
     *
     * @param ready asked on each {@code /readyz}, on the admin event loop; must be cheap and non-blocking
     * @throws IllegalStateException {@code "admin.address: cannot bind 127.0.0.1:9901: Address already in use"}
     *                               when the address is taken or invalid
     */
    public static AdminServer start(AdminConfig config, Metrics metrics, BooleanSupplier ready) {
        return start(config, metrics, ready, () -> "");
    }

    /**
     * As {@link #start(AdminConfig, Metrics, BooleanSupplier)}; a ready {@code /readyz} body adds {@code status}'s
     * lines (the shared state store's state: still 200 while it is down, since every route that does not need it
     * is served).
     */
    public static AdminServer start(AdminConfig config, Metrics metrics, BooleanSupplier ready,
                                    Supplier<String> status) {
        return start(config, metrics, ready, status, () -> null);
    }

    /**
     * As {@link #start(AdminConfig, Metrics, BooleanSupplier, Supplier)}; {@code current} gives the config in force
     * (after reloads), which {@code POST /rejections/{request_id}/verify} judges captures with.
     */
    public static AdminServer start(AdminConfig config, Metrics metrics, BooleanSupplier ready,
                                    Supplier<String> status, Supplier<GatewayConfig> current) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(ready, "ready");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("authgate-admin", true), NioIoHandler.newFactory());
        ChannelGroup channels = new DefaultChannelGroup("authgate-admin", GlobalEventExecutor.INSTANCE);
        AdminHandler handler = new AdminHandler(metrics, ready, Clock.systemUTC(), new AdminToken(config.token()),
                Objects.requireNonNull(status, "status"), Objects.requireNonNull(current, "current"));
        ChannelFuture bind = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast("http", new HttpServerCodec(4096, MAX_REQUEST_BYTES, MAX_REQUEST_BYTES))
                                .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast("admin", handler);
                    }
                })
                .bind(config.host(), config.port())
                .awaitUninterruptibly();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            Throwable cause = bind.cause();
            throw new IllegalStateException("admin.address: cannot bind " + config.host() + ":" + config.port()
                    + ": " + (cause == null ? "unknown error" : cause.getMessage()), cause);
        }
        return new AdminServer(group, bind.channel(), channels);
    }

    /** The bound address (with the real port when the config said 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The bound port. */
    public int port() {
        return address().getPort();
    }

    /** Stops accepting, closes open admin connections and the event loop; waits up to a few seconds. */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        listener.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Override
    public void close() {
        stop();
    }
}
