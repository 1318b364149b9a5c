package dev.authgate.server;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.authgate.auth.AnyConfig;
import dev.authgate.auth.Credential;
import dev.authgate.auth.apikey.ApiKeyConfig;
import dev.authgate.auth.basic.BasicConfig;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.Secret;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.authgate.testing.RawHttp.crlf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Credentials on the request path: 401 with a challenge per scheme, identity in the log, no secret anywhere. */
class AuthEndToEndTest {
    private static final String TOKEN = "tok-" + UUID.randomUUID();
    private static final String KEY = "key-" + UUID.randomUUID();
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static GatewayFixture gw;
    private static GatewayFixture hidden;

    private static AuthConfig bearer() {
        return new BearerConfig("ci", List.of(new Credential("ci-bot", new Secret(TOKEN, "inline"))));
    }

    private static AuthConfig apiKey() {
        return new ApiKeyConfig(null, List.of(new Credential("billing", new Secret(KEY, "inline"))));
    }

    private static AuthConfig basic() {
        String hash = BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray());
        return new BasicConfig("ops", Map.of("alice", hash), null);
    }

    private static TestConfigs.Builder routes() {
        return TestConfigs.gateway()
                .route(TestConfigs.respond("bearer", "/bearer", bearer()))
                .route(TestConfigs.respond("apikey", "/apikey", apiKey()))
                .route(TestConfigs.respond("basic", "/basic", basic()))
                .route(TestConfigs.respond("either", "/either", new AnyConfig(List.of(bearer(), apiKey()))));
    }

    @BeforeAll
    static void start() {
        gw = GatewayFixture.start(routes().build());
        hidden = GatewayFixture.start(routes().exposeReason(false).build());
    }

    @AfterAll
    static void stop() {
        gw.close();
        hidden.close();
    }

    private static RawHttp.Response get(GatewayFixture g, String path, String... headerLines) {
        return g.send(crlf("GET " + path + " HTTP/1.1\nHost: localhost\n" + String.join("", List.of(headerLines))
                + "\n"));
    }

    @Test
    void bearerRouteChallengesAMissingToken() {
        RawHttp.Response r = get(gw, "/bearer");
        assertEquals(401, r.status());
        assertEquals(List.of("Bearer realm=\"ci\""), r.headers("WWW-Authenticate"));
        assertEquals("credentials_missing", r.json().get("reason"));
        assertEquals("bearer", r.json().get("route"));
        AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
        assertEquals("bearer", e.scheme());
        assertEquals("credentials_missing", e.reason());
        assertNull(e.identity());
    }

    @Test
    void bearerRoutePassesAValidTokenAndLogsItsId() {
        RawHttp.Response r = get(gw, "/bearer", "Authorization: Bearer " + TOKEN + "\n");
        assertEquals(204, r.status());
        AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
        assertEquals("bearer", e.scheme());
        assertEquals("ci-bot", e.identity());
        assertEquals("gateway", e.source());
    }

    @Test
    void apiKeyRouteNamesItsHeaderInTheChallenge() {
        RawHttp.Response r = get(gw, "/apikey", "Authorization: Bearer " + KEY + "\n");
        assertEquals(401, r.status());
        assertEquals(List.of("ApiKey realm=\"authgate\", header=\"X-API-Key\""), r.headers("WWW-Authenticate"));
        assertEquals("credentials_in_wrong_header", r.json().get("reason"));
        assertEquals(204, get(gw, "/apikey", "X-API-Key: " + KEY + "\n").status());
    }

    @Test
    void basicRouteVerifiesOffTheEventLoopAndAnswersOnIt() {
        RawHttp.Response missing = get(gw, "/basic");
        assertEquals(List.of("Basic realm=\"ops\", charset=\"UTF-8\""), missing.headers("WWW-Authenticate"));
        String good = Base64.getEncoder().encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        String bad = Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8));
        try (RawHttp c = gw.connect()) {
            RawHttp.Response wrong = c.send(crlf("GET /basic HTTP/1.1\nHost: x\nAuthorization: Basic " + bad
                    + "\n\n")).read();
            assertEquals(401, wrong.status());
            assertEquals("credentials_invalid", wrong.json().get("reason"));
            RawHttp.Response right = c.send(crlf("GET /basic HTTP/1.1\nHost: x\nAuthorization: Basic " + good
                    + "\n\n")).read();
            assertEquals(204, right.status(), "same kept-alive connection after an asynchronous verdict");
            assertEquals("alice", gw.accessLog().await(right.header("X-Request-Id")).identity());
        }
    }

    @Test
    void anyRouteSendsOneChallengePerScheme() {
        RawHttp.Response r = get(gw, "/either");
        assertEquals(401, r.status());
        assertEquals(List.of("Bearer realm=\"ci\"", "ApiKey realm=\"authgate\", header=\"X-API-Key\""),
                r.headers("WWW-Authenticate"));
        assertEquals(204, get(gw, "/either", "X-API-Key: " + KEY + "\n").status());
    }

    @Test
    void hiddenReasonStillChallengesButNamesNoReason() {
        RawHttp.Response r = get(hidden, "/bearer", "Authorization: Bearer nope\n");
        assertEquals(401, r.status());
        assertEquals(List.of("Bearer realm=\"ci\""), r.headers("WWW-Authenticate"));
        assertFalse(r.bodyText().contains("credentials_invalid"), r.bodyText());
        assertFalse(r.json().containsKey("reason"));
        assertEquals("credentials_invalid", hidden.accessLog().await(r.header("X-Request-Id")).reason());
    }

    @Test
    void noCredentialValueReachesTheAccessLog() {
        get(gw, "/bearer", "Authorization: Bearer " + TOKEN + "\n");
        get(gw, "/bearer", "Authorization: " + TOKEN + "\n");
        get(gw, "/apikey", "X-API-Key: " + KEY + "x\n");
        get(gw, "/apikey?api_key=" + KEY);
        RawHttp.Response last = get(gw, "/basic", "Authorization: Basic " + Base64.getEncoder().encodeToString(
                ("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\n");
        gw.accessLog().await(last.header("X-Request-Id"));
        String all = String.join("\n", gw.accessLog().lines());
        assertFalse(all.contains(TOKEN), all);
        assertFalse(all.contains(KEY), all);
        assertFalse(all.contains(PASSWORD), all);
    }
}
