package dev.authgate.server;

import dev.authgate.auth.hmac.HmacConfig;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.Secret;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.authgate.testing.RawHttp.crlf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replay protection on the request path (docs/configuration.md): a delivery id is claimed after the signature verifies,
 * committed when the upstream answers below 500, released when it fails, so the sender's retry passes.
 */
class ReplayEndToEndTest {
    private static final String SECRET = "whsec-" + UUID.randomUUID();
    private TestUpstream backend;
    private GatewayFixture gw;

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (backend != null) backend.close();
    }

    private static AuthConfig github(String onDuplicate) {
        return new HmacConfig("github", null, null, null, null, null, null, null, null,
                List.of(new Secret(SECRET, "inline")), new HmacConfig.ReplayConfig("id", Duration.ofMinutes(10),
                onDuplicate), null);
    }

    private static GatewayConfig config(String upstreamUrl, Duration responseTimeout, String onDuplicate) {
        return TestConfigs.gateway()
                .upstream("app", upstreamUrl, responseTimeout)
                .route(TestConfigs.proxy("github", "/webhooks/github", "app", github(onDuplicate), "POST"))
                .route(TestConfigs.respond("canary", "/canary/github", github(onDuplicate), "POST"))
                .build();
    }

    /** A GitHub delivery: body, X-Hub-Signature-256 over it, X-GitHub-Delivery. */
    private static String delivery(String path, String id, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String sig = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
            return crlf("POST " + path + " HTTP/1.1\nHost: x\nX-GitHub-Delivery: " + id
                    + "\nX-Hub-Signature-256: sha256=" + sig + "\nContent-Type: application/json\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\n\n") + body;
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void rejectsADuplicateOfACommittedDeliveryWithoutForwardingIt() {
        backend = TestUpstream.start();
        gw = GatewayFixture.start(config(backend.url(), Duration.ofSeconds(30), "reject"));
        String d = delivery("/webhooks/github", "d-1", "{\"action\":\"opened\"}");
        assertEquals(200, gw.send(d).status());
        assertEquals("d-1", backend.takeRequest().header("X-GitHub-Delivery"));

        RawHttp.Response again = gw.send(d);
        assertEquals(401, again.status());
        assertEquals("replayed", again.json().get("reason"));
        assertEquals("this delivery was already accepted", again.json().get("detail"));
        assertEquals("authgate", again.header("Server"));
        assertTrue(again.headers("WWW-Authenticate").size() >= 1);
        assertEquals(0, backend.pendingRequests(), "the duplicate never reached the upstream");
        AccessLogEntry e = gw.accessLog().await(again.header("X-Request-Id"));
        assertEquals("replayed", e.reason());
        assertEquals("hmac", e.scheme());
    }

    @Test
    void acknowledgesADuplicateWith200WithoutForwarding() {
        backend = TestUpstream.start();
        gw = GatewayFixture.start(config(backend.url(), Duration.ofSeconds(30), "acknowledge"));
        String d = delivery("/webhooks/github", "d-ack", "{}");
        assertEquals(200, gw.send(d).status());
        backend.takeRequest();

        RawHttp.Response ack = gw.send(d);
        assertEquals(200, ack.status());
        assertEquals("authgate", ack.header("Server"), "the gateway answered, not the upstream");
        assertNull(ack.header("Via"));
        assertEquals(0, ack.body().length);
        assertEquals(0, backend.pendingRequests());
        AccessLogEntry e = gw.accessLog().await(ack.header("X-Request-Id"));
        assertEquals("gateway", e.source());
        assertEquals("replayed", e.reason());
    }

    @Test
    void releasesTheKeyWhenTheUpstreamFailsSoTheRetryPasses() {
        backend = TestUpstream.start().answer(r -> TestUpstream.Reply.json(503, "{\"busy\":true}"));
        gw = GatewayFixture.start(config(backend.url(), Duration.ofSeconds(30), "reject"));
        String d = delivery("/webhooks/github", "d-retry", "{\"n\":1}");
        assertEquals(503, gw.send(d).status(), "the upstream's own 503 is relayed");
        backend.answer(r -> TestUpstream.Reply.json(200, "{}"));
        assertEquals(200, gw.send(d).status(), "a 5xx released the key: the retry passes");
        assertEquals(401, gw.send(d).status(), "the 200 committed it");
        assertEquals(2, backend.pendingRequests());
    }

    @Test
    void releasesTheKeyWhenTheUpstreamIsDownSoTheRetryPassesOnceItIsBack() {
        TestUpstream down = TestUpstream.start();
        String deadUrl = down.url();
        down.close();
        gw = GatewayFixture.start(config(deadUrl, Duration.ofSeconds(30), "reject"));
        String d = delivery("/webhooks/github", "d-down", "{}");
        assertEquals(502, gw.send(d).status());

        backend = TestUpstream.start();
        gw.server().reload(config(backend.url(), Duration.ofSeconds(30), "reject"));
        assertEquals(200, gw.send(d).status(), "the failed delivery's key was released");
        assertEquals("d-down", backend.takeRequest().header("X-GitHub-Delivery"));
    }

    @Test
    void rejectsADuplicateWhileTheFirstIsInFlightThenLetsTheRetryPassAfterATimeout() throws Exception {
        backend = TestUpstream.start().answer(r -> TestUpstream.Reply.hanging());
        gw = GatewayFixture.start(config(backend.url(), Duration.ofSeconds(2), "reject"));
        String d = delivery("/webhooks/github", "d-flight", "{}");
        CompletableFuture<RawHttp.Response> first = CompletableFuture.supplyAsync(() -> gw.send(d));
        backend.takeRequest(); // the first is at the upstream now, its key claimed

        RawHttp.Response second = gw.send(d);
        assertEquals(401, second.status());
        assertEquals("replayed", second.json().get("reason"));
        assertTrue(((String) second.json().get("detail")).contains("in flight"));

        assertEquals(504, first.get(15, TimeUnit.SECONDS).status());
        backend.answer(r -> TestUpstream.Reply.json(200, "{}"));
        assertEquals(200, gw.send(d).status(), "a timeout released the key");
    }

    @Test
    void respondRouteCommitsTheKeyWithoutAnUpstream() {
        backend = TestUpstream.start();
        gw = GatewayFixture.start(config(backend.url(), Duration.ofSeconds(30), "reject"));
        String d = delivery("/canary/github", "d-canary", "{}");
        assertEquals(204, gw.send(d).status());
        RawHttp.Response again = gw.send(d);
        assertEquals(401, again.status());
        assertEquals("replayed", again.json().get("reason"));
    }

    @Test
    void aBadSignatureClaimsNothing() {
        backend = TestUpstream.start();
        gw = GatewayFixture.start(config(backend.url(), Duration.ofSeconds(30), "reject"));
        String good = delivery("/webhooks/github", "d-sig", "{\"a\":1}");
        String tampered = good.replace("{\"a\":1}", "{\"a\":2}");
        RawHttp.Response bad = gw.send(tampered);
        assertEquals(401, bad.status());
        assertEquals("signature_mismatch", bad.json().get("reason"));
        assertEquals(200, gw.send(good).status(), "the rejected forgery did not burn the delivery id");
    }

    @Test
    void keysAreKeptPerRouteSoOneRoutesDeliveryIdsCannotBeClaimedThroughAnother() {
        backend = TestUpstream.start();
        gw = GatewayFixture.start(config(backend.url(), Duration.ofSeconds(30), "reject"));
        assertEquals(204, gw.send(delivery("/canary/github", "d-shared", "{}")).status());
        assertEquals(200, gw.send(delivery("/webhooks/github", "d-shared", "{}")).status(),
                "the same preset on another route has its own key space");
        assertEquals(401, gw.send(delivery("/webhooks/github", "d-shared", "{}")).status());
    }
}
