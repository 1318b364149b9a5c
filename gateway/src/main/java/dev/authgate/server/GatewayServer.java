package dev.authgate.server;

import dev.authgate.auth.AuthServices;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.HashingExecutors;
import dev.authgate.config.GatewayConfig;
import dev.authgate.tls.TlsConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.proxy.Forwarder;
import dev.authgate.limits.SharedFailureCounter;
import dev.authgate.replay.ReplayGuard;
import dev.authgate.replay.ReplayStore;
import dev.authgate.tls.ServerTls;
import dev.authgate.tls.SslContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client-facing listener. Construct it with a validated config, the proxy's {@link Forwarder} and a
 * {@link ReplayStore}; {@link #start()} binds ({@code listen.port: 0} binds an ephemeral port, read it with
 * {@link #port()}); {@link #stop(Duration)} drains: it stops accepting, closes idle kept-alive connections, lets
 * in-flight requests finish up to the drain timeout, then closes what is left.
 *
 * <p>Everything derived from the config lives in one {@link GatewayRuntime} behind an atomic reference
 * ({@link #reload} swaps it; each request finishes on the runtime it started with). The TLS setup sits behind another
 * one: a reload swaps it too, new handshakes get the new certificate and open connections keep theirs. The listen
 * address is fixed at construction.
 *
 * <p>The server records into one {@link Metrics} for its whole life (requests, auth rejections, upstream outcomes,
 * TLS handshake failures, open connections, throttled requests) and reports the served certificate's expiry
 * ({@code listener="listen"}) and the replay store's size through it.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    /** The default drain timeout of {@link #stop()}. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);
    /** The {@code listener} label of the client CAs' soonest {@code notAfter} in {@code authgate_certificate_expiry_seconds}. */
    static final String CLIENT_CA = "client_ca";
    /** The {@code listener} label of the client CRL's soonest {@code nextUpdate}. */
    static final String CLIENT_CRL = "client_crl";
    /** The {@code listener} label of the gateway listener's {@code authgate_certificate_expiry_seconds}. */
    public static final String LISTENER = "listen";
    private static final long TLS_RELEASE_DELAY_SECONDS = 10;

    private final GatewayConfig initialConfig;
    private final AuthSupport authSupport;
    private final ExecutorService hashing;
    private final SharedFailureCounter failures;
    private final ServerContext context;
    private final ChannelGroup channels = new DefaultChannelGroup("authgate-clients", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private volatile Channel listener;
    /** The replay store's connections on {@link #ioGroup}'s loops (Redis), closed before the loops stop. */
    private AutoCloseable storeOnLoops = () -> { };
    private boolean stopped;

    /** A server on the system clock. */
    public GatewayServer(GatewayConfig config, Forwarder forwarder, ReplayStore replayStore) {
        this(config, forwarder, replayStore, Clock.systemUTC());
    }

    /**
     * Builds the runtime (one authenticator per route) and, when {@code listen.tls} is set, the TLS context. Binds
     * nothing yet.
     *
     * @throws IllegalArgumentException when the config cannot be served (an authenticator or the TLS context cannot
     *                                  be built); the message names the key
     */
    public GatewayServer(GatewayConfig config, Forwarder forwarder, ReplayStore replayStore, Clock clock) {
        this(config, forwarder, replayStore, clock, new Metrics());
    }

    /**
     * As {@link #GatewayServer(GatewayConfig, Forwarder, ReplayStore, Clock)}, recording into {@code metrics} (one per
     * process, shared with the admin listener and the reloader).
     */
    public GatewayServer(GatewayConfig config, Forwarder forwarder, ReplayStore replayStore, Clock clock,
                         Metrics metrics) {
        this(config, forwarder, replayStore, null, clock, metrics);
    }

    /** As the constructor above, with failed-auth counts shared through {@code failures} (null: this instance only). */
    public GatewayServer(GatewayConfig config, Forwarder forwarder, ReplayStore replayStore,
                         SharedFailureCounter failures, Clock clock, Metrics metrics) {
        this.initialConfig = Objects.requireNonNull(config, "config");
        this.failures = failures;
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(forwarder, "forwarder");
        Objects.requireNonNull(replayStore, "replayStore");
        this.hashing = HashingExecutors.bcrypt();
        this.authSupport = new AuthSupport(hashing, clock, new AuthServices(metrics));
        GatewayRuntime runtime;
        ServerTls tls;
        try {
            runtime = GatewayRuntime.create(config, authSupport, null, failures);
            tls = config.listen().tls() == null ? null : SslContexts.load(config.listen().tls());
        } catch (RuntimeException e) {
            hashing.shutdownNow();
            authSupport.services().close();
            throw e;
        }
        this.context = new ServerContext(new AtomicReference<>(runtime), forwarder,
                new ReplayGuard(replayStore, metrics), new AtomicReference<>(tls), new AtomicBoolean(), metrics);
        credentialsLoaded(runtime);
        metrics.certificateExpiry(LISTENER, () -> {
            ServerTls current = context.tls();
            return current == null ? null : current.notAfter();
        });
        // listen.tls.client_ca and client_crl: the soonest CA notAfter and CRL nextUpdate, following reloads
        metrics.certificateExpiry(CLIENT_CA, () -> {
            ServerTls current = context.tls();
            return current == null || current.clients() == null ? null : current.clients().caNotAfter();
        });
        metrics.certificateExpiry(CLIENT_CRL, () -> {
            ServerTls current = context.tls();
            return current == null || current.clients() == null ? null : current.clients().crlNextUpdate();
        });
    }

    /**
     * Binds the listener.
     *
     * @throws IllegalStateException when the address cannot be bound (in use, not local); the message names it
     */
    public synchronized GatewayServer start() {
        if (listener != null || stopped) throw new IllegalStateException("start: already started or stopped");
        acceptGroup = Transport.eventLoops(1, "authgate-accept");
        ioGroup = Transport.eventLoops(0, "authgate-io");
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(Transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new GatewayChannelInitializer(context, channels));
        String host = initialConfig.listen().host();
        int port = initialConfig.listen().port();
        ChannelFuture bound = b.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutdownGroups();
            hashing.shutdownNow();
            authSupport.services().close();
            stopped = true;
            Throwable cause = bound.cause();
            throw new IllegalStateException("listen.address: cannot bind " + host + ":" + port + ": "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), cause);
        }
        listener = bound.channel();
        storeOnLoops = context.replay().bindTo(ioGroup);
        Transport.logChoice();
        return this;
    }

    /** {@code epoll} or {@code nio}: see {@link Transport#name()}. */
    public static String transport() {
        return Transport.name();
    }

    /** The bound port (the ephemeral one when the config says 0). */
    public int port() {
        return address().getPort();
    }

    /** The bound address. */
    public InetSocketAddress address() {
        if (listener == null) throw new IllegalStateException("not started");
        return (InetSocketAddress) listener.localAddress();
    }

    /** The runtime new requests are decided with. */
    public GatewayRuntime runtime() {
        return context.runtime();
    }

    /** {@code OpenSSL} or {@code JDK} for a TLS listener, null for plain HTTP. */
    public String tlsProvider() {
        ServerTls tls = context.tls();
        return tls == null ? null : tls.provider();
    }

    /** The TLS setup new connections get (certificate, expiry, provider), or null for plain HTTP. */
    public ServerTls tls() {
        return context.tls();
    }

    /** The metrics this server records into. */
    public Metrics metrics() {
        return context.metrics();
    }

    /** Whether the listener is bound and accepting: started, and {@link #stop} not begun. */
    public boolean isAccepting() {
        Channel l = listener;
        return l != null && l.isActive() && !context.draining();
    }

    /**
     * Whether {@code /readyz} says ready: {@link #isAccepting()}, and every route's authenticator can decide (each
     * {@code jwt} issuer's JWKS loaded at least once).
     */
    public boolean isReady() {
        return isAccepting() && context.runtime().ready();
    }

    /** Whether {@link #stop} has begun. */
    public boolean isDraining() {
        return context.draining();
    }

    /** Client connections currently open. */
    public int openConnections() {
        return channels.size();
    }

    /**
     * Swaps in a runtime built from {@code next} and, when {@code listen.tls} is set, a TLS setup freshly loaded from
     * its files: new requests use the new runtime, requests in flight finish on the old one; new handshakes get the
     * new certificate, open connections keep the one they were accepted with. Nothing is swapped unless both could
     * be built. The failed-auth throttle is kept when {@code limits.auth_failures} did not change. The listen address
     * of {@code next} is not applied (the socket stays bound where it is).
     *
     * @throws IllegalArgumentException when {@code next} cannot be served (a route's auth, or the certificate and
     *                                  key, e.g. {@code listen.tls.key: FILE: does not match the certificate});
     *                                  the old runtime and certificate stay
     */
    public synchronized GatewayRuntime reload(GatewayConfig next) {
        if (!next.state().equals(initialConfig.state())) {
            LOG.warn("reload: state: changed; the shared state store is built once, restart to apply it");
            next = next.withState(initialConfig.state());
        }
        GatewayRuntime runtime = GatewayRuntime.create(next, authSupport, context.runtime(), failures);
        TlsConfig tlsConfig = next.listen().tls();
        ServerTls tls;
        try {
            tls = tlsConfig == null ? null : SslContexts.load(tlsConfig);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("listen.tls." + e.getMessage(), e);
        }
        ServerTls old = context.tlsRef().getAndSet(tls);
        context.runtimeRef().set(runtime);
        credentialsLoaded(runtime);
        if (old != null) releaseLater(old);
        return runtime;
    }

    /** Reports the runtime's expiring credentials ({@code authgate_credential_expiry_seconds}) and warns. */
    private void credentialsLoaded(GatewayRuntime runtime) {
        context.metrics().keys().credentialExpiry(runtime::credentialExpiries);
        for (String w : runtime.expiryWarnings()) LOG.warn("{}", w);
    }

    /**
     * Releases a replaced TLS context once no accept can still be holding it: an accept reads the current context and
     * creates its handler from it within microseconds, and open connections keep theirs through their engine.
     */
    private static void releaseLater(ServerTls old) {
        GlobalEventExecutor.INSTANCE.schedule(old::release, TLS_RELEASE_DELAY_SECONDS, TimeUnit.SECONDS)
                .addListener(f -> {
                    if (!f.isSuccess()) LOG.warn("releasing the replaced TLS context failed", f.cause());
                });
    }

    /** {@link #stop(Duration)} with {@link #DEFAULT_DRAIN}. */
    public void stop() {
        stop(DEFAULT_DRAIN);
    }

    /**
     * Stops accepting, closes idle connections, waits up to {@code drain} for in-flight requests (kept-alive
     * connections are closed after their current response; a new request on one gets 503 {@code shutting_down}),
     * then closes everything and releases the threads. Idempotent.
     */
    public void stop(Duration drain) {
        synchronized (this) {
            if (stopped) return;
            stopped = true;
        }
        context.drainingFlag().set(true);
        if (listener != null) listener.close().syncUninterruptibly();
        for (Channel ch : channels) {
            ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(ServerContext.DRAIN));
        }
        long deadline = System.nanoTime() + drain.toNanos();
        while (!channels.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!channels.isEmpty()) {
            LOG.warn("drain timeout ({} ms): closing {} connection(s) with requests in flight", drain.toMillis(),
                    channels.size());
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        Transport.awaitTeardown(ioGroup);
        unbindStore();
        shutdownGroups();
        hashing.shutdown();
        authSupport.services().close();
        ServerTls tls = context.tlsRef().getAndSet(null);
        if (tls != null) tls.release();
    }

    @Override
    public void close() {
        stop();
    }

    /** After the last response: settlements already sent on the loops' store connections complete, then they close. */
    private void unbindStore() {
        try {
            storeOnLoops.close();
        } catch (Exception e) {
            LOG.warn("closing the state store's connections on the event loops failed", e);
        }
    }

    private void shutdownGroups() {
        Transport.shutdown(acceptGroup, ioGroup);
    }
}
