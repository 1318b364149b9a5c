package dev.authgate.server;

import dev.authgate.testing.Await;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.authgate.testing.RawHttp.crlf;
import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow and greedy clients: a head trickled byte by byte, a stalled body, a client that sends and never reads, too many
 * connections, too many requests on one connection. Timeouts are short here and the idle timeout long, so that each
 * cut is the one under test.
 */
class SlowClientsEndToEndTest {
    private GatewayFixture gw;
    private TestUpstream backend;

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (backend != null) backend.close();
    }

    private static TestConfigs.Builder config() {
        return TestConfigs.gateway()
                .headerTimeout(Duration.ofMillis(800))
                .bodyTimeout(Duration.ofMillis(800))
                .idleTimeout(Duration.ofMinutes(5))
                .route(TestConfigs.respond("hook", "/hook", none(), "POST", "GET"));
    }

    /** A deliberate pause: these clients are slow on purpose (dribbled bytes); this is behaviour, not a race. */
    private static void pause(long millis) {
        Await.pause(millis);
    }

    @Test
    void aHeadTrickledOneByteAtATimeIsCutAtTheHeaderTimeoutWith408() {
        gw = GatewayFixture.start(config().build());
        byte[] head = crlf("POST /hook HTTP/1.1\nHost: localhost\nX-Slow: " + "s".repeat(200) + "\n\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (RawHttp c = gw.connect()) {
            // One byte every 20 ms: never idle, but the whole head would take about 5 s; stop after 2 s and read.
            for (int i = 0; i < 100; i++) {
                c.sendQuietly(new byte[] {head[i]});
                pause(20);
            }
            RawHttp.Response r = c.read();
            assertEquals(408, r.status());
            assertEquals("request_timeout", r.json().get("reason"));
            assertTrue(((String) r.json().get("detail")).contains("limits.header_timeout"), r.bodyText());
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void aStalledBodyIsCutAtTheBodyTimeoutWith408() {
        gw = GatewayFixture.start(config().build());
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(crlf("POST /hook HTTP/1.1\nHost: localhost\nContent-Length: 10\n\n") + "12345")
                    .read();
            assertEquals(408, r.status());
            assertEquals("request_timeout", r.json().get("reason"));
            assertEquals("no body bytes for limits.body_timeout (800 ms) after 5 bytes", r.json().get("detail"));
            assertEquals("close", r.header("Connection"));
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void aStalledChunkedBodyIsCutAtTheBodyTimeoutToo() {
        gw = GatewayFixture.start(config().build());
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(crlf("POST /hook HTTP/1.1\nHost: localhost\nTransfer-Encoding: chunked\n\n")
                    + "3\r\nabc\r\n").read();
            assertEquals(408, r.status());
            assertTrue(((String) r.json().get("detail")).endsWith("after 3 bytes"), r.bodyText());
        }
    }

    @Test
    void aSlowButSteadyBodyIsNotCutByTheBodyTimeout() {
        gw = GatewayFixture.start(config().bodyTimeout(Duration.ofSeconds(2)).build());
        try (RawHttp c = gw.connect()) {
            c.send(crlf("POST /hook HTTP/1.1\nHost: localhost\nContent-Length: 20\n\n"));
            // 20 bytes over ~3 s, one every 150 ms: longer than body_timeout in total, never silent that long.
            for (int i = 0; i < 20; i++) {
                pause(150);
                c.send("x");
            }
            assertEquals(204, c.read().status());
        }
    }

    @Test
    void connectionsOverMaxConnectionsAreClosedAtOnceWhileTheOthersKeepBeingServed() {
        gw = GatewayFixture.start(config().maxConnections(3).build());
        String get = crlf("GET /hook HTTP/1.1\nHost: localhost\n\n");
        List<RawHttp> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawHttp c = gw.connect();
                open.add(c);
                assertEquals(204, c.send(get).read().status());
            }
            try (RawHttp over = gw.connect()) {
                over.sendQuietly(get.getBytes(StandardCharsets.ISO_8859_1));
                assertTrue(over.isClosedByPeer(), "the fourth connection is closed");
            }
            for (RawHttp c : open) {
                assertEquals(204, c.send(get).read().status(), "the first three are still served");
            }
            open.remove(0).close();
            assertEquals(204, awaitAccepted(get).status(), "a freed slot is usable again");
        } finally {
            open.forEach(RawHttp::close);
        }
    }

    /** The gateway notices a closed connection asynchronously: retry a fresh connection for a while. */
    private RawHttp.Response awaitAccepted(String request) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (RawHttp c = gw.connect()) {
                return c.send(request).read();
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) throw e;
                pause(50);
            }
        }
    }

    @Test
    void theLastRequestAllowedOnAConnectionIsAnsweredWithConnectionClose() {
        backend = TestUpstream.start();
        gw = GatewayFixture.start(config().maxRequestsPerConnection(3)
                .upstream("app", backend.url())
                .route(TestConfigs.proxy("app", "/app/", "app", none()))
                .build());
        try (RawHttp c = gw.connect()) {
            RawHttp.Response first = c.send(crlf("GET /hook HTTP/1.1\nHost: localhost\n\n")).read();
            assertNull(first.header("Connection"));
            RawHttp.Response second = c.send(crlf("GET /app/x HTTP/1.1\nHost: localhost\n\n")).read();
            assertEquals(200, second.status());
            assertNull(second.header("Connection"));
            RawHttp.Response third = c.send(crlf("GET /app/y HTTP/1.1\nHost: localhost\n\n")).read();
            assertEquals(200, third.status());
            assertEquals("close", third.header("Connection"), "relayed responses carry the close too");
            assertTrue(c.isClosedByPeer());
        }
        try (RawHttp c = gw.connect()) {
            c.send(crlf("GET /hook HTTP/1.1\nHost: localhost\n\nGET /hook HTTP/1.1\nHost: localhost\n\n"
                    + "GET /hook HTTP/1.1\nHost: localhost\n\nGET /hook HTTP/1.1\nHost: localhost\n\n"));
            assertEquals(204, c.read().status());
            assertEquals(204, c.read().status());
            RawHttp.Response third = c.read();
            assertEquals("close", third.header("Connection"));
            assertTrue(c.isClosedByPeer(), "the fourth pipelined request is not answered");
        }
    }

    /**
     * A client that pipelines requests and never reads: the gateway reads the next request only once the previous
     * response has left, so what it holds stays bounded by the socket buffers, however much the client sends.
     */
    @Test
    void aClientThatNeverReadsStopsBeingReadFrom() throws Exception {
        byte[] big = new byte[64 * 1024];
        backend = TestUpstream.start().answer(r -> TestUpstream.Reply.of(200,
                Map.of("Content-Type", "application/octet-stream"), big));
        gw = GatewayFixture.start(config().upstream("app", backend.url())
                .route(TestConfigs.proxy("app", "/app/", "app", none())).build());
        int sent = 3000;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", gw.port()));
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    byte[] get = crlf("GET /app/x HTTP/1.1\nHost: localhost\n\n").getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < sent; i++) out.write(get);
                } catch (IOException ignored) {
                    // blocked until the socket closes, then fails: expected
                }
            });
            writer.setDaemon(true);
            writer.start();
            int seen = awaitPlateau();
            assertTrue(seen < sent / 5, "the gateway stopped forwarding after " + seen + " of " + sent
                    + " pipelined requests while nothing was read");
        }
    }

    /** The backend's request count once it stopped moving for a second. */
    private int awaitPlateau() {
        int last = -1;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            pause(1000);
            int now = backend.requestCount();
            if (now == last && now > 0) return now;
            last = now;
        }
        throw new AssertionError("the backend count kept moving: " + last);
    }
}
