package dev.authgate.testing;

import dev.authgate.config.GatewayConfig;
import dev.authgate.proxy.Forwarder;
import dev.authgate.proxy.UpstreamForwarder;
import dev.authgate.replay.InMemoryReplayStore;
import dev.authgate.replay.ReplayStore;
import dev.authgate.observe.Metrics;
import dev.authgate.server.GatewayServer;
import dev.authgate.state.SharedState;

import java.time.Clock;
import java.time.Duration;

/**
 * A real {@link GatewayServer} on 127.0.0.1, port 0, with the real {@link UpstreamForwarder}, an in-memory replay
 * store and the access log captured. Use with try-with-resources or close it in {@code @AfterEach}:
 *
 * <pre>{@code
 * try (GatewayFixture gw = GatewayFixture.start(TestConfigs.gateway().route(...).build())) {
 *     RawHttp.Response r = gw.send(RawHttp.crlf("""
 *             GET /x HTTP/1.1
 *             Host: localhost
 *
 *             """));
 * }
 * }</pre>
 */
public final class GatewayFixture implements AutoCloseable {
    private final GatewayServer server;
    private final AccessLogCapture accessLog;
    private final ReplayStore replayStore;
    private final AutoCloseable forwarder; // closed with the fixture when the fixture made it

    private GatewayFixture(GatewayServer server, AccessLogCapture accessLog, ReplayStore replayStore,
                           AutoCloseable forwarder) {
        this.server = server;
        this.accessLog = accessLog;
        this.replayStore = replayStore;
        this.forwarder = forwarder;
    }

    /** A gateway with the real forwarder and an in-memory replay store, on the system clock. */
    public static GatewayFixture start(GatewayConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** A gateway with the real forwarder and an in-memory replay store, on {@code clock} (HMAC timestamps). */
    public static GatewayFixture start(GatewayConfig config, Clock clock) {
        UpstreamForwarder forwarder = new UpstreamForwarder();
        try {
            return start(config, forwarder, new InMemoryReplayStore(10_000), clock, forwarder);
        } catch (RuntimeException e) {
            forwarder.close();
            throw e;
        }
    }

    /**
     * A gateway on {@code state}'s replay store and shared failure counter ({@code state.store: redis}), with the real
     * forwarder, recording into {@code metrics} (the ones {@code state} was opened with); the caller closes
     * {@code state} after the fixture.
     */
    public static GatewayFixture start(GatewayConfig config, SharedState state, Metrics metrics) {
        UpstreamForwarder forwarder = new UpstreamForwarder();
        AccessLogCapture log = AccessLogCapture.attach();
        try {
            GatewayServer server = new GatewayServer(config, forwarder, state.replayStore(), state.failureCounter(),
                    Clock.systemUTC(), metrics).start();
            return new GatewayFixture(server, log, state.replayStore(), forwarder);
        } catch (RuntimeException e) {
            log.close();
            forwarder.close();
            throw e;
        }
    }

    /** A gateway with the given forwarder and replay store (the caller closes them). */
    public static GatewayFixture start(GatewayConfig config, Forwarder forwarder, ReplayStore replayStore,
                                       Clock clock) {
        return start(config, forwarder, replayStore, clock, null);
    }

    private static GatewayFixture start(GatewayConfig config, Forwarder forwarder, ReplayStore replayStore,
                                        Clock clock, AutoCloseable owned) {
        AccessLogCapture log = AccessLogCapture.attach();
        try {
            GatewayServer server = new GatewayServer(config, forwarder, replayStore, clock).start();
            return new GatewayFixture(server, log, replayStore, owned);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /** The gateway's replay store. */
    public ReplayStore replayStore() {
        return replayStore;
    }

    public int port() {
        return server.port();
    }

    public GatewayServer server() {
        return server;
    }

    public AccessLogCapture accessLog() {
        return accessLog;
    }

    /** A new plain connection to the gateway. */
    public RawHttp connect() {
        return RawHttp.connect(port());
    }

    /** Sends {@code request} (bytes as given) on a new connection and reads one response. */
    public RawHttp.Response send(String request) {
        return RawHttp.exchange(port(), request);
    }

    @Override
    public void close() {
        try {
            server.stop(Duration.ofSeconds(2));
            if (forwarder != null) forwarder.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the forwarder", e);
        } finally {
            accessLog.close();
        }
    }
}
