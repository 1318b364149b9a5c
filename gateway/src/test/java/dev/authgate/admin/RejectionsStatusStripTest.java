package dev.authgate.admin;

import dev.authgate.auth.jwt.JwksServer;
import dev.authgate.auth.jwt.TestTokens;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigLoader;
import dev.authgate.observe.MetricsExposition;
import dev.authgate.testing.Await;
import dev.authgate.testing.Json;
import dev.authgate.testing.OpsGateway;
import dev.authgate.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The explorer's status strip data, {@code /rejections/status.json}, on real sockets (docs/operations.md,
 * "Rejections explorer"): a TLS gateway whose certificate and one bearer token expire within the warning window
 * shows both as warnings, beside the client CA and CRL, and the same seconds as {@code /metrics}; a refused reload
 * shows "refused" with its error's first line, and the next good one "ok"; each JWKS with its keys and last success.
 * No credential value in any answer.
 */
class RejectionsStatusStripTest {
    private static final String TOKEN = "strip-token-4be01c9d7a";
    private static final long DAY = 86_400;

    @TempDir
    Path dir;
    private ExplorerGateway ex;
    private OpsGateway ops;
    private TestUpstream app;
    private JwksServer good;
    private JwksServer down;

    @AfterEach
    void stop() {
        if (ex != null) ex.close();
        if (ops != null) ops.close();
        if (app != null) app.close();
        if (good != null) good.close();
        if (down != null) down.close();
    }

    private static Map<String, Object> status(OpsGateway gw) {
        HttpResponse<String> r = gw.admin("/rejections/status.json");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json; charset=utf-8", r.headers().firstValue("content-type").orElse(null));
        assertFalse(r.body().contains(TOKEN), "a credential leaked: " + r.body());
        return Json.object(r.body());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> json, String key) {
        return (List<Map<String, Object>>) json.get(key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> json, String key) {
        return (Map<String, Object>) json.get(key);
    }

    private static Map<String, Object> find(List<Map<String, Object>> items, String field, String value) {
        return items.stream().filter(i -> value.equals(i.get(field))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + field + "=" + value + " in " + items));
    }

    private static long seconds(Map<String, Object> item) {
        return ((Number) item.get("seconds_left")).longValue();
    }

    @Test
    void aCertificateAndACredentialWithinTheWindowAreWarningsWithTheSecondsOfTheMetrics() throws IOException {
        Instant now = Instant.now();
        ex = ExplorerGateway.startExpiring(dir, TOKEN, "", now.plus(Duration.ofDays(3)), now.plus(Duration.ofDays(5)),
                now.plus(Duration.ofDays(100)));
        assertEquals(401, ex.send("/api/a", "Authorization: Bearer wrong-" + TOKEN));
        assertEquals(200, ex.send("/api/b", "Authorization: Bearer " + TOKEN + "-deploy"));

        Map<String, Object> s = status(ex.gw);
        MetricsExposition m = ex.gw.scrape();
        assertEquals(List.of("api", "open"), s.get("routes"));

        List<Map<String, Object>> certs = list(s, "certificates");
        assertEquals(3, certs.size(), certs.toString());
        Map<String, Object> listen = find(certs, "name", "listen");
        assertEquals(true, listen.get("warn"), "3 days left, within expiry_warning: 14d");
        assertEquals(14 * DAY, ((Number) listen.get("warning_window_seconds")).longValue());
        assertTrue(seconds(listen) > 3 * DAY - 600 && seconds(listen) <= 3 * DAY, listen.toString());
        assertEquals(m.value("authgate_certificate_expiry_seconds", "listener", "listen"), seconds(listen), 60,
                "the page and the metric read the same certificate");
        Map<String, Object> ca = find(certs, "name", "client_ca");
        assertEquals(false, ca.get("warn"), "the client CA is valid for ten years");
        assertEquals(m.value("authgate_certificate_expiry_seconds", "listener", "client_ca"), seconds(ca), 60);
        Map<String, Object> crl = find(certs, "name", "client_crl");
        assertEquals(true, crl.get("warn"), "the CRL's next update is in 7 days");
        assertEquals(m.value("authgate_certificate_expiry_seconds", "listener", "client_crl"), seconds(crl), 60);

        List<Map<String, Object>> creds = list(s, "credentials");
        assertEquals(2, creds.size(), creds.toString());
        assertEquals(2L, s.get("credentials_expiring"));
        assertEquals("ci", creds.get(0).get("id"), "soonest first");
        assertEquals("api", creds.get(0).get("route"));
        assertEquals(true, creds.get(0).get("warn"));
        assertTrue(seconds(creds.get(0)) > 5 * DAY - 600 && seconds(creds.get(0)) <= 5 * DAY);
        assertEquals(m.value("authgate_credential_expiry_seconds", "route", "api", "id", "ci"),
                seconds(creds.get(0)), 60);
        assertEquals("deploy-bot", creds.get(1).get("id"));
        assertEquals(false, creds.get(1).get("warn"));
        assertFalse(creds.get(1).containsKey("value"), "ids and times, never a value");

        assertEquals(List.of(), s.get("jwks"));
        Map<String, Object> reload = object(s, "last_reload");
        assertEquals("ok", reload.get("result"));
        assertEquals(true, reload.get("at_start"));
        assertNull(reload.get("error"));
        assertTrue(ex.gw.accessLog().lines().stream().noneMatch(l -> l.contains(TOKEN)));
    }

    @Test
    void aRefusedReloadShowsItsErrorsFirstLineAndTheNextGoodOneShowsOk() throws Exception {
        ex = ExplorerGateway.start(dir, TOKEN, "");
        Map<String, Object> atStart = object(status(ex.gw), "last_reload");
        assertEquals("ok", atStart.get("result"));
        assertEquals(true, atStart.get("at_start"));
        assertEquals(List.of(), list(status(ex.gw), "certificates"), "plain HTTP: no certificate");
        assertEquals(List.of(), list(status(ex.gw), "credentials"), "no token has expires:");

        // a config the loader refuses: the strip shows the first line of the error the log has
        Files.writeString(ex.config, ex.configText.replace("auth: none", "auth: none\n    nonsense: [1"));
        String expected;
        try {
            ConfigLoader.load(ex.config, AuthSchemes.standard());
            throw new AssertionError("the broken config loaded");
        } catch (ConfigException e) {
            expected = e.getMessage().strip().lines().findFirst().orElseThrow().strip();
        }
        assertFalse(ex.gw.reloader().reload());
        Map<String, Object> refused = object(status(ex.gw), "last_reload");
        assertEquals("refused", refused.get("result"));
        assertEquals(false, refused.get("at_start"));
        assertEquals(expected, refused.get("error"));
        assertFalse(((String) refused.get("error")).contains("\n"));
        assertNotEquals(atStart.get("at"), refused.get("at"));

        // fixed again: ok, with no error
        Files.writeString(ex.config, ex.configText);
        assertTrue(ex.gw.reloader().reload());
        Map<String, Object> ok = object(status(ex.gw), "last_reload");
        assertEquals("ok", ok.get("result"));
        assertEquals(false, ok.get("at_start"));
        assertNull(ok.get("error"));
        assertFalse(Instant.parse((String) ok.get("at")).isBefore(Instant.parse((String) refused.get("at"))));
        MetricsExposition m = ex.gw.scrape();
        assertEquals(1.0, m.value("authgate_config_reloads_total", "result", "failure"));
        assertEquals(1.0, m.value("authgate_config_reloads_total", "result", "success"));
    }

    @Test
    void eachJwksShowsItsKeysAndLastSuccessOrThatItNeverLoaded() throws IOException {
        good = JwksServer.start(TestTokens.jwks(TestTokens.jwk(TestTokens.keys("ec256").getPublic(), "k1")));
        down = JwksServer.start(TestTokens.jwks(TestTokens.jwk(TestTokens.keys("ec256").getPublic(), "k9")));
        down.status(503);
        app = TestUpstream.start();
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                listen: { address: 127.0.0.1:0 }
                admin: { address: 127.0.0.1:0 }
                upstreams:
                  app: { url: "%s" }
                routes:
                  - name: orders
                    match: { path_prefix: /orders }
                    upstream: app
                    auth:
                      jwt:
                        issuers:
                          - { issuer: "https://good.example", jwks_url: "%s", audiences: [orders] }
                          - { issuer: "https://down.example", jwks_url: "%s", audiences: [orders] }
                """.formatted(app.url(), good.url(), down.url()));
        ops = OpsGateway.start(config);
        List<Map<String, Object>> jwks = Await.value("both issuers reported", () -> {
            List<Map<String, Object>> j = list(status(ops), "jwks");
            return j.size() == 2 && find(j, "issuer", "https://good.example").get("last_success") != null
                    && down.hits() > 0 ? j : null;
        });
        Map<String, Object> ok = find(jwks, "issuer", "https://good.example");
        assertEquals(1L, ok.get("keys"));
        assertNotNull(Instant.parse((String) ok.get("last_success")));
        Map<String, Object> never = find(jwks, "issuer", "https://down.example");
        assertEquals(0L, never.get("keys"));
        assertNull(never.get("last_success"));
    }
}
