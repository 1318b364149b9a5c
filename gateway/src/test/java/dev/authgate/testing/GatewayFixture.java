package dev.authgate.testing;

import dev.authgate.config.GatewayConfig;
import dev.authgate.http.Reason;
import dev.authgate.proxy.ForwardOutcome;
import dev.authgate.proxy.Forwarder;
import dev.authgate.replay.InMemoryReplayStore;
import dev.authgate.replay.ReplayStore;
import dev.authgate.server.GatewayServer;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A real {@link GatewayServer} on 127.0.0.1, port 0, with the access log captured. Use with try-with-resources or
 * close it in {@code @AfterEach}:
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
    /**
     * Until the proxy lands: a forwarder that never contacts anything and answers as an unreachable upstream would.
     */
    public static final Forwarder NO_FORWARDER = (client, request) -> {
        request.request().release();
        return CompletableFuture.completedFuture(new ForwardOutcome(false, 0, 0, 0, Reason.UPSTREAM_UNAVAILABLE,
                "connect", "this test fixture has no forwarder"));
    };

    private final GatewayServer server;
    private final AccessLogCapture accessLog;

    private GatewayFixture(GatewayServer server, AccessLogCapture accessLog) {
        this.server = server;
        this.accessLog = accessLog;
    }

    /** A gateway with no forwarder and an in-memory replay store, on the system clock. */
    public static GatewayFixture start(GatewayConfig config) {
        return start(config, NO_FORWARDER, new InMemoryReplayStore(10_000), Clock.systemUTC());
    }

    public static GatewayFixture start(GatewayConfig config, Forwarder forwarder, ReplayStore replayStore,
                                       Clock clock) {
        AccessLogCapture log = AccessLogCapture.attach();
        try {
            GatewayServer server = new GatewayServer(config, forwarder, replayStore, clock).start();
            return new GatewayFixture(server, log);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
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
        } finally {
            accessLog.close();
        }
    }
}
