package dev.authgate.server;

import dev.authgate.config.GatewayConfig;
import dev.authgate.proxy.UpstreamForwarder;
import dev.authgate.replay.InMemoryReplayStore;
import dev.authgate.testing.Await;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.authgate.testing.RawHttp.crlf;
import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The listener's life: ephemeral bind, bind failure, reload, graceful stop. */
class GatewayServerTest {

    private static GatewayConfig canary() {
        return TestConfigs.gateway().route(TestConfigs.respond("canary", "/canary", none())).build();
    }

    private static String canaryRequest() {
        return crlf("POST /canary HTTP/1.1\nHost: x\nContent-Length: 0\n\n");
    }

    @Test
    void bindsAnEphemeralPortAndReportsIt() {
        try (GatewayFixture gw = GatewayFixture.start(canary())) {
            assertNotEquals(0, gw.port());
            assertEquals("127.0.0.1", gw.server().address().getAddress().getHostAddress());
            assertEquals(204, gw.send(canaryRequest()).status());
        }
    }

    @Test
    void refusesToBindATakenPortNamingTheAddress() {
        try (GatewayFixture gw = GatewayFixture.start(canary())) {
            GatewayConfig c = canary();
            GatewayConfig same = new GatewayConfig(c.name(), new dev.authgate.config.ListenConfig("127.0.0.1",
                    gw.port(), null), c.limits(), c.admin(), c.errors(), c.upstreams(), c.routes(), null, null);
            GatewayServer second = new GatewayServer(same, new UpstreamForwarder(), new InMemoryReplayStore(10));
            IllegalStateException e = assertThrows(IllegalStateException.class, second::start);
            assertTrue(e.getMessage().startsWith("listen.address: cannot bind 127.0.0.1:" + gw.port()),
                    e.getMessage());
        }
    }

    @Test
    void refusesARouteWithAnUnknownUpstreamNamingIt() {
        GatewayConfig c = TestConfigs.gateway().route(TestConfigs.proxy("api", "/api/", "nowhere", none())).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GatewayServer(c, new UpstreamForwarder(), new InMemoryReplayStore(10)));
        assertTrue(e.getMessage().startsWith("routes[0].upstream: unknown upstream 'nowhere'"), e.getMessage());
    }

    @Test
    void reloadSwapsTheRoutesForNewRequests() {
        try (GatewayFixture gw = GatewayFixture.start(canary())) {
            assertEquals(404, gw.send(crlf("GET /ping HTTP/1.1\nHost: x\n\n")).status());
            GatewayRuntime before = gw.server().runtime();
            GatewayRuntime after = gw.server().reload(TestConfigs.gateway().name("gw-reloaded")
                    .route(TestConfigs.respond("ping", "/ping", none())).build());
            assertNotEquals(before, after);
            RawHttp.Response r = gw.send(crlf("GET /ping HTTP/1.1\nHost: x\n\n"));
            assertEquals(204, r.status());
            assertEquals("gw-reloaded", gw.send(crlf("GET /canary HTTP/1.1\nHost: x\n\n")).json().get("gateway"));
        }
    }

    @Test
    void stopClosesIdleConnectionsAndStopsAccepting() {
        GatewayFixture gw = GatewayFixture.start(canary());
        int port = gw.port();
        try (RawHttp idle = gw.connect()) {
            assertEquals(204, idle.send(canaryRequest()).read().status());
            gw.close();
            assertTrue(idle.isClosedByPeer());
        }
        assertThrows(java.io.UncheckedIOException.class, () -> RawHttp.connect(port));
    }

    @Test
    void stopLetsARequestInFlightFinishAndClosesAfterIt() throws Exception {
        GatewayFixture gw = GatewayFixture.start(canary());
        try (RawHttp c = gw.connect()) {
            // The interim 100 proves the head was parsed and the body is being read: the connection is busy.
            RawHttp.Response interim = c.send(crlf("POST /canary HTTP/1.1\nHost: x\nContent-Length: 5\n"
                    + "Expect: 100-continue\n\n")).read();
            assertEquals(100, interim.status());
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> gw.server().stop(Duration.ofSeconds(10)));
            Await.until("the gateway to start draining", () -> gw.server().isDraining());
            RawHttp.Response r = c.send("hello").read();
            assertEquals(204, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.isClosedByPeer());
            stopping.get(15, TimeUnit.SECONDS);
        } finally {
            gw.close();
        }
    }

    @Test
    void aRequestArrivingWhileDrainingGets503ShuttingDown() throws Exception {
        GatewayFixture gw = GatewayFixture.start(canary());
        try (RawHttp c = gw.connect()) {
            // A first exchange proves the connection is registered and read by its loop. The half head below is
            // then in the gateway's socket buffer (loopback) before stop() queues the drain event, and the loop
            // reads before it runs queued tasks: a head in progress is not idle, so the drain waits for it.
            assertEquals(204, c.send(canaryRequest()).read().status());
            c.send("POST /canary HTTP/1.1\r\n");
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> gw.server().stop(Duration.ofSeconds(10)));
            // The flag, set before any drain event is queued, is what answers 503 when the head completes.
            Await.until("the gateway to start draining", () -> gw.server().isDraining());
            RawHttp.Response r = c.send("Host: x\r\nContent-Length: 0\r\n\r\n").read();
            assertEquals(503, r.status());
            assertEquals("shutting_down", r.json().get("reason"));
            assertEquals("close", r.header("Connection"));
            assertTrue(c.isClosedByPeer());
            stopping.get(15, TimeUnit.SECONDS);
        } finally {
            gw.close();
        }
    }
}
