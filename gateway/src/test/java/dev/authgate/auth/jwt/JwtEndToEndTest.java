package dev.authgate.auth.jwt;

import dev.authgate.config.GatewayConfig;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.Await;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.MutableClock;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestConfigs;
import dev.authgate.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.authgate.auth.jwt.TestTokens.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code jwt} scheme over real sockets: a gateway, a recording upstream and a real JWKS server on loopback that
 * counts its hits, rotates keys and fails. Tokens are minted with the JDK ({@link TestTokens}).
 */
class JwtEndToEndTest {
    static final String ISS = "https://login.example.com/";

    @TempDir
    Path dir;
    private TestUpstream upstream;
    private JwksServer jwks;
    private GatewayFixture gw;

    @BeforeEach
    void start() {
        upstream = TestUpstream.start();
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (jwks != null) jwks.close();
        upstream.close();
    }

    private GatewayConfig config(String jwksUrl, String issuer) {
        return TestConfigs.load(dir, """
                listen: { address: 127.0.0.1:0 }
                upstreams:
                  app: { url: "%s" }
                routes:
                  - name: orders
                    match: { path_prefix: /orders }
                    upstream: app
                    auth:
                      jwt:
                        issuers:
                          - { issuer: "%s", jwks_url: "%s", audiences: [orders-api] }
                        scopes: [orders:write]
                        forward_claims: { X-Auth-Tenant: tenant_id }
                """.formatted(upstream.url(), issuer, jwksUrl));
    }

    private void startGateway(Clock clock) {
        gw = GatewayFixture.start(config(jwks.url(), ISS), clock);
    }

    static String token(String kid, KeyPair keys, Instant now, String scope) {
        return TestTokens.sign(header("ES256", kid, null), TestTokens.claims().iss(ISS).sub("svc-orders")
                .aud("orders-api").set("scope", scope).set("tenant_id", "acme").iat(now).exp(now.plusSeconds(600))
                .json(), keys.getPrivate(), "ES256");
    }

    private RawHttp.Response get(String token, String... extra) {
        return gw.send(RawHttp.crlf("GET /orders/1 HTTP/1.1\nHost: gw\nAuthorization: Bearer " + token + "\n"
                + String.join("", java.util.Arrays.stream(extra).map(h -> h + "\n").toList()) + "\n"));
    }

    private static String k1() {
        return TestTokens.jwks(TestTokens.jwk(TestTokens.keys("ec256").getPublic(), "k1"));
    }

    @Test
    void passesWithIdentityAndForwardedClaimAndLogsTheTokenFactsNotTheToken() {
        jwks = JwksServer.start(k1());
        startGateway(Clock.systemUTC());
        Await.until("jwks loaded", () -> gw.server().isReady());
        String token = token("k1", TestTokens.keys("ec256"), Instant.now(), "orders:write");
        RawHttp.Response r = get(token, "X-Auth-Tenant: forged", "X_Auth_Tenant: forged", "X-Auth-Identity: root");
        assertEquals(200, r.status(), r.bodyText());
        TestUpstream.Recorded got = upstream.takeRequest();
        assertEquals("jwt", got.header("X-Auth-Scheme"));
        assertEquals("svc-orders", got.header("X-Auth-Identity"));
        assertEquals(List.of("acme"), got.headers().getAll("X-Auth-Tenant"));
        assertNull(got.header("X_Auth_Tenant"));
        AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
        assertEquals("jwt", e.scheme());
        assertTrue(e.detail().contains("iss=" + ISS + " aud=[orders-api] kid=k1 alg=ES256 exp="), e.detail());
        assertTrue(e.detail().contains("(in 10m)") || e.detail().contains("(in 9m"), e.detail());
        for (String line : gw.accessLog().lines()) {
            assertFalse(line.contains(token.substring(token.lastIndexOf('.') + 1)), "signature in the log");
            assertFalse(line.contains(token.substring(0, token.indexOf('.') + 10)), "token in the log");
        }
        String metrics = gw.server().metrics().scrape();
        assertTrue(metrics.contains("authgate_jwks_fetches_total{issuer=\"" + ISS + "\",result=\"success\"} 1.0"),
                metrics);
        assertTrue(metrics.contains("authgate_jwks_keys{issuer=\"" + ISS + "\"} 1.0"), metrics);
        assertTrue(metrics.contains("authgate_jwks_last_success_timestamp_seconds{issuer=\"" + ISS + "\"}"));
    }

    @Test
    void answersEachReasonWithItsStatusChallengeAndBody() {
        jwks = JwksServer.start(k1());
        startGateway(Clock.systemUTC());
        Await.until("jwks loaded", () -> gw.server().isReady());
        Instant old = Instant.now().minus(Duration.ofHours(3));
        RawHttp.Response expired = get(token("k1", TestTokens.keys("ec256"), old, "orders:write"));
        assertEquals(401, expired.status());
        assertEquals("Bearer realm=\"authgate\", error=\"invalid_token\"", expired.header("WWW-Authenticate"));
        assertTrue(expired.bodyText().contains("\"reason\":\"token_expired\""), expired.bodyText());
        assertTrue(expired.bodyText().contains("\"detail\":\"expired 2h50m ago at "), expired.bodyText());
        RawHttp.Response scope = get(token("k1", TestTokens.keys("ec256"), Instant.now(), "orders:read"));
        assertEquals(403, scope.status());
        assertEquals("Bearer realm=\"authgate\", error=\"insufficient_scope\", scope=\"orders:write\"",
                scope.header("WWW-Authenticate"));
        assertTrue(scope.bodyText().contains("\"reason\":\"scope_insufficient\""));
        RawHttp.Response missing = gw.send(RawHttp.crlf("GET /orders/1 HTTP/1.1\nHost: gw\n\n"));
        assertEquals(401, missing.status());
        assertEquals("Bearer realm=\"authgate\"", missing.header("WWW-Authenticate"));
        String metrics = gw.server().metrics().scrape();
        assertTrue(metrics.contains("authgate_auth_rejections_total{reason=\"token_expired\",route=\"orders\","
                + "scheme=\"jwt\"} 1.0"), metrics);
    }

    @Test
    void aRotatedKeyPassesAfterOneRefetch() {
        jwks = JwksServer.start(k1());
        startGateway(Clock.systemUTC());
        Await.until("jwks loaded", () -> gw.server().isReady());
        assertEquals(1, jwks.hits());
        jwks.rotate(TestTokens.jwks(TestTokens.jwk(TestTokens.keys("ec256").getPublic(), "k1"),
                TestTokens.jwk(TestTokens.keys("ec256-b").getPublic(), "k2")));
        RawHttp.Response r = get(token("k2", TestTokens.keys("ec256-b"), Instant.now(), "orders:write"));
        assertEquals(200, r.status(), r.bodyText());
        assertEquals(2, jwks.hits(), "one refetch for the new kid");
        assertEquals(200, get(token("k2", TestTokens.keys("ec256-b"), Instant.now(), "orders:write")).status());
        assertEquals(2, jwks.hits(), "a known kid does not refetch");
    }

    @Test
    void fiftyRandomKidsWithinASecondCauseAtMostOneExtraFetch() throws Exception {
        jwks = JwksServer.start(k1());
        startGateway(Clock.systemUTC());
        Await.until("jwks loaded", () -> gw.server().isReady());
        int before = jwks.hits();
        List<Thread> senders = new ArrayList<>();
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 50; i++) {
            String t = token(UUID.randomUUID().toString(), TestTokens.keys("ec256"), Instant.now(), "orders:write");
            Thread th = new Thread(() -> statuses.add(get(t).status()));
            senders.add(th);
            th.start();
        }
        for (Thread th : senders) th.join(20_000);
        assertEquals(50, statuses.size());
        assertTrue(statuses.stream().allMatch(s -> s == 401), statuses.toString());
        assertTrue(jwks.hits() - before <= 1, "extra fetches: " + (jwks.hits() - before));
        RawHttp.Response r = get(token("nope", TestTokens.keys("ec256"), Instant.now(), "orders:write"));
        assertTrue(r.bodyText().contains("\"reason\":\"token_key_unknown\""), r.bodyText());
        assertTrue(r.bodyText().contains("kid nope unknown for " + ISS + " (keys: k1; refetched "), r.bodyText());
    }

    @Test
    void jwksDownAtStartIsNotReadyAndKeysUnavailableThenRecovers() {
        jwks = JwksServer.start(k1());
        jwks.status(500);
        startGateway(Clock.systemUTC());
        Await.until("a failed fetch", () -> jwks.hits() >= 1);
        try (dev.authgate.admin.AdminServer admin = dev.authgate.admin.AdminServer.start(
                new dev.authgate.config.AdminConfig("127.0.0.1", 0), gw.server().metrics(), gw.server()::isReady)) {
            RawHttp.Response readyz = RawHttp.exchange(admin.port(), "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(503, readyz.status(), "/readyz is 503 until the JWKS loaded once");
        }
        RawHttp.Response r = get(token("k1", TestTokens.keys("ec256"), Instant.now(), "orders:write"));
        assertEquals(503, r.status());
        assertNotNull(r.header("Retry-After"));
        assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1);
        assertTrue(r.bodyText().contains("\"reason\":\"keys_unavailable\""), r.bodyText());
        assertTrue(r.bodyText().contains("not loaded yet from " + jwks.url()), r.bodyText());
        jwks.status(200);
        Await.until("the JWKS loaded after the retry", () -> gw.server().isReady());
        try (dev.authgate.admin.AdminServer admin = dev.authgate.admin.AdminServer.start(
                new dev.authgate.config.AdminConfig("127.0.0.1", 0), gw.server().metrics(), gw.server()::isReady)) {
            assertEquals(200, RawHttp.exchange(admin.port(), "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n").status());
        }
        assertEquals(200, get(token("k1", TestTokens.keys("ec256"), Instant.now(), "orders:write")).status());
        String metrics = gw.server().metrics().scrape();
        assertTrue(metrics.contains("authgate_jwks_fetches_total{issuer=\"" + ISS + "\",result=\"failure\"}"));
    }

    @Test
    void lastGoodKeysServeThroughAnOutageForUpTo24Hours() {
        jwks = JwksServer.start(k1());
        MutableClock clock = new MutableClock(Instant.now());
        startGateway(clock);
        Await.until("jwks loaded", () -> gw.server().isReady());
        jwks.status(500);
        RawHttp.Response unknown = get(token("k9", TestTokens.keys("ec256"), clock.instant(), "orders:write"));
        assertTrue(unknown.bodyText().contains("token_key_unknown"), unknown.bodyText());
        assertEquals(2, jwks.hits(), "the refetch failed");
        clock.advance(Duration.ofHours(23));
        assertEquals(200, get(token("k1", TestTokens.keys("ec256"), clock.instant(), "orders:write")).status(),
                "last good keys after 23h of outage");
        clock.advance(Duration.ofHours(2));
        RawHttp.Response stale = get(token("k1", TestTokens.keys("ec256"), clock.instant(), "orders:write"));
        assertEquals(503, stale.status());
        assertTrue(stale.bodyText().contains("are 1d1h old (kept up to 24h)"), stale.bodyText());
    }

    @Test
    void reloadSwapsIssuersAtOnceAndKeepsLoadedKeys() {
        jwks = JwksServer.start(k1());
        startGateway(Clock.systemUTC());
        Await.until("jwks loaded", () -> gw.server().isReady());
        String other = "https://other.example.com/";
        gw.server().reload(config(jwks.url(), other));
        assertFalse(gw.server().isReady(), "a new issuer is fetched before it is ready");
        Await.until("the new issuer's jwks loaded", () -> gw.server().isReady());
        RawHttp.Response old = get(token("k1", TestTokens.keys("ec256"), Instant.now(), "orders:write"));
        assertTrue(old.bodyText().contains("\"reason\":\"token_issuer_unknown\""), old.bodyText());
        String t = TestTokens.sign(header("ES256", "k1", null), TestTokens.claims().iss(other).sub("svc")
                .aud("orders-api").set("scope", "orders:write").exp(Instant.now().plusSeconds(60)).json(),
                TestTokens.keys("ec256").getPrivate(), "ES256");
        assertEquals(200, get(t).status());
        int hits = jwks.hits();
        gw.server().reload(config(jwks.url(), other));
        assertTrue(gw.server().isReady(), "the same issuer and URL keep their keys over a reload");
        assertEquals(hits, jwks.hits());
    }
}
