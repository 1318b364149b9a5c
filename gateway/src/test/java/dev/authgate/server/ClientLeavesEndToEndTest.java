package dev.authgate.server;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.authgate.auth.basic.BasicConfig;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.Await;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestConfigs;
import dev.authgate.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.authgate.testing.RawHttp.crlf;
import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that closes its connection while the gateway is still working for it, on real sockets: while bcrypt
 * runs, and while the upstream is answering. The access-log line says what happened, the upstream is spared or its
 * connection closed rather than pooled half-read, and nothing leaks (every test class runs under
 * {@code LeakFailingExtension}, which fails the class on a Netty leak report).
 */
class ClientLeavesEndToEndTest {
    private static final String PASSWORD = "correct horse";
    /** High enough that a hash takes a good fraction of a second: the close lands while it runs. */
    private static final int SLOW_COST = 12;

    private TestUpstream upstream;
    private GatewayFixture gw;

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (upstream != null) upstream.close();
    }

    @Test
    void aClientThatLeavesWhileBcryptRunsIsLogged499AndTheUpstreamGetsNothing() {
        String hash = BCrypt.withDefaults().hashToString(SLOW_COST, PASSWORD.toCharArray());
        upstream = TestUpstream.start();
        gw = GatewayFixture.start(TestConfigs.gateway().upstream("app", upstream.url())
                .route(TestConfigs.proxy("ops", "/ops/", "app", new BasicConfig("ops", Map.of("alice", hash),
                        null)))
                .build());
        String id = "leaves-during-bcrypt-" + System.nanoTime();
        String credentials = Base64.getEncoder().encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        try (RawHttp c = gw.connect()) {
            c.send(crlf("GET /ops/x HTTP/1.1\nHost: x\nX-Request-Id: " + id + "\nAuthorization: Basic " + credentials
                    + "\n\n"));
            Await.until("a hashing thread to be inside bcrypt", ClientLeavesEndToEndTest::bcryptRunning);
        } // the close lands while the hash is being computed

        AccessLogEntry e = gw.accessLog().await(id);
        assertEquals(499, e.status(), e.toString());
        assertEquals("gateway", e.source());
        assertEquals("client closed the connection before the response", e.detail());
        assertEquals("ops", e.route());
        assertEquals(0, e.bytesOut());
        assertEquals(0, upstream.requestCount(), "the request was never forwarded");
        assertEquals(0, upstream.connectionCount(), "nor was the upstream even connected to");
    }

    @Test
    void aClientThatLeavesMidResponseIsLoggedWithTheUpstreamStatusAndTheUpstreamConnectionIsClosedNotPooled()
            throws Exception {
        int total = 64 * 1024 * 1024;   // far more than the socket buffers hold: the relay is still under way
        CountDownLatch partSent = new CountDownLatch(1);
        CountDownLatch clientClosed = new CountDownLatch(1);
        CompletableFuture<Boolean> firstClosedByGateway = new CompletableFuture<>();
        AtomicInteger accepted = new AtomicInteger();
        upstream = TestUpstream.scripted(conn -> {
            if (accepted.incrementAndGet() > 1) {   // later connections answer normally
                for (String head = conn.readHead(); head != null; head = conn.readHead()) {
                    conn.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
                }
                return;
            }
            if (conn.readHead() == null) return;
            conn.write("HTTP/1.1 200 OK\r\nContent-Length: " + total + "\r\nContent-Type: application/octet-stream"
                    + "\r\n\r\n");
            byte[] block = new byte[16 * 1024];
            Arrays.fill(block, (byte) 'a');
            conn.write(block);
            partSent.countDown();
            try {
                clientClosed.await(15, TimeUnit.SECONDS);
                // Keep answering: the gateway learns that its client left when a relayed write fails.
                for (int sent = block.length; sent < total; sent += block.length) conn.write(block);
            } catch (IOException | InterruptedException e) {
                // the gateway closed this connection while we were still writing: what the test expects
            }
            firstClosedByGateway.complete(closedByPeer(conn.socket()));
        });
        gw = GatewayFixture.start(TestConfigs.gateway().upstream("app", upstream.url())
                .route(TestConfigs.proxy("app", "/app/", "app", none()))
                .build());

        String id;
        try (RawHttp c = gw.connect()) {
            RawHttp.Response head = c.send(crlf("GET /app/big HTTP/1.1\nHost: x\n\n")).readHead();
            assertEquals(200, head.status());
            id = head.header("X-Request-Id");
            assertTrue(partSent.await(15, TimeUnit.SECONDS), "the upstream sent part of its body");
        } // leave with the head and at most part of the body read
        clientClosed.countDown();

        AccessLogEntry e = gw.accessLog().await(id);
        assertEquals(200, e.status(), "the head went out with the upstream's status: " + e);
        assertEquals("upstream", e.source());
        assertEquals(200, e.upstreamStatus());
        assertEquals("client closed the connection during the response", e.detail());
        assertTrue(e.bytesOut() < total, "only part of the body was relayed: " + e.bytesOut());
        assertTrue(firstClosedByGateway.get(15, TimeUnit.SECONDS),
                "the gateway closed the half-read upstream connection instead of pooling it");

        RawHttp.Response next = gw.send(crlf("GET /app/again HTTP/1.1\nHost: x\n\n"));
        assertEquals(200, next.status());
        assertEquals("fresh", next.bodyText());
        assertEquals(2, upstream.connectionCount(), "the next request got a new upstream connection");
    }

    /** Whether a thread of a gateway's bcrypt pool is computing a hash right now. */
    private static boolean bcryptRunning() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(t -> t.getKey().getName().startsWith("authgate-bcrypt-"))
                .anyMatch(t -> Arrays.stream(t.getValue())
                        .anyMatch(f -> f.getClassName().startsWith("at.favre.lib.crypto.bcrypt.")));
    }

    /** Whether the peer closes {@code socket} (end of stream or reset) within 15 s, dropping what it still sends. */
    private static boolean closedByPeer(java.net.Socket socket) {
        try {
            socket.setSoTimeout(15_000);
            while (socket.getInputStream().read() >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;   // reset, or closed under us
        }
    }
}
