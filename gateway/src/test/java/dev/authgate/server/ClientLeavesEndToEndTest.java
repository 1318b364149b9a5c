package dev.authgate.server;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.authgate.auth.basic.BasicConfig;
import dev.authgate.auth.hmac.HmacConfig;
import dev.authgate.config.Secret;
import dev.authgate.proxy.UpstreamForwarder;
import dev.authgate.replay.InMemoryReplayStore;
import dev.authgate.replay.ReplayStore;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.Await;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestConfigs;
import dev.authgate.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.authgate.testing.RawHttp.crlf;
import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that closes its connection while the gateway is still working for it, on real sockets: while bcrypt
 * runs, while its replay claim is pending in a slow store, and while the upstream is answering. The access-log line says what happened, the upstream is spared or its
 * connection closed rather than pooled half-read, and nothing leaks (every test class runs under
 * {@code LeakFailingExtension}, which fails the class on a Netty leak report).
 */
class ClientLeavesEndToEndTest {
    private static final String PASSWORD = "correct horse";
    /** High enough that a hash takes a good fraction of a second: the close lands while it runs. */
    private static final int SLOW_COST = 12;
    private static final String HMAC_SECRET = "whsec-" + UUID.randomUUID();

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

    @Test
    void aClientThatLeavesWhileItsReplayClaimIsPendingHasTheClaimReleasedAndIsLogged499() throws Exception {
        upstream = TestUpstream.start();
        HeldClaims store = new HeldClaims();
        UpstreamForwarder forwarder = new UpstreamForwarder();
        try {
            gw = GatewayFixture.start(TestConfigs.gateway().upstream("app", upstream.url())
                    .route(TestConfigs.proxy("github", "/webhooks/github", "app", new HmacConfig("github", null, null,
                            null, null, null, null, null, null, List.of(new Secret(HMAC_SECRET, "inline")),
                            new HmacConfig.ReplayConfig("id", Duration.ofMinutes(10), "reject"), null), "POST"))
                    .build(), forwarder, store, Clock.systemUTC());
            String id = "leaves-during-claim-" + System.nanoTime();
            String delivery = githubDelivery("d-77", "{\"zen\":\"x\"}", id);
            try (RawHttp c = gw.connect()) {
                c.send(delivery);
                Await.until("the gateway to ask the store for a claim", () -> store.pending.get() != null);
            }
            Await.until("the gateway to see the client's connection closed",
                    () -> gw.server().metrics().scrape().contains("authgate_connections_open 0.0"));
            store.pending.get().complete(null); // the store answers only now: the claim is held by nobody

            AccessLogEntry e = gw.accessLog().await(id);
            assertEquals(499, e.status(), e.toString());
            assertEquals("client closed the connection before the response", e.detail());
            assertEquals(0, upstream.requestCount(), "a delivery whose sender left is not forwarded");
            assertEquals(1, store.releases.get(), "the claim the gateway got was released");
            RawHttp.Response retry = gw.send(delivery.replace(id, id + "-retry"));
            assertEquals(200, retry.status(), "the sender's retry of the same delivery passes");
            assertEquals("d-77", upstream.takeRequest().header("X-GitHub-Delivery"));
        } finally {
            if (gw != null) gw.close();
            gw = null;
            forwarder.close();
            store.close();
        }
    }

    /** A GitHub delivery signed with {@link #HMAC_SECRET}. */
    private static String githubDelivery(String deliveryId, String body, String requestId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HMAC_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String sig = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
            return crlf("POST /webhooks/github HTTP/1.1\nHost: x\nX-Request-Id: " + requestId
                    + "\nX-GitHub-Delivery: " + deliveryId + "\nX-Hub-Signature-256: sha256=" + sig
                    + "\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\n\n") + body;
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The in-memory store, except that the first claim's answer is held until the test completes
     * {@link #pending}: a remote store that is slow to answer. Counts releases.
     */
    private static final class HeldClaims implements ReplayStore {
        final InMemoryReplayStore real = new InMemoryReplayStore(1_000);
        final AtomicReference<CompletableFuture<Void>> pending = new AtomicReference<>();
        final AtomicInteger releases = new AtomicInteger();

        @Override
        public CompletionStage<Claim> claim(String key, Duration inFlightTtl) {
            CompletionStage<Claim> claim = real.claim(key, inFlightTtl);
            CompletableFuture<Void> gate = new CompletableFuture<>();
            if (!pending.compareAndSet(null, gate)) return claim;
            return gate.thenCompose(v -> claim);
        }

        @Override
        public CompletionStage<Void> commit(Claim claim, Duration ttl) {
            return real.commit(claim, ttl);
        }

        @Override
        public CompletionStage<Void> release(Claim claim) {
            releases.incrementAndGet();
            return real.release(claim);
        }

        @Override
        public OptionalLong entries() {
            return real.entries();
        }

        @Override
        public void close() {
            real.close();
        }
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
