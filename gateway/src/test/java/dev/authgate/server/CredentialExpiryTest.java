package dev.authgate.server;

import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.LogCapture;
import dev.authgate.testing.MutableClock;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code expires:} on bearer tokens and API keys: 401 credentials_expired, the gauge, the start/reload warnings. */
class CredentialExpiryTest {
    static final String SOON = "tok-soon-31d8a0c4";
    static final String LATER = "tok-later-9be2f170";
    static final String KEY = "key-gone-5a0e7c11";

    @TempDir
    Path dir;

    private String yaml(String soonExpires) throws Exception {
        Files.writeString(dir.resolve("soon"), SOON);
        Files.writeString(dir.resolve("later"), LATER);
        Files.writeString(dir.resolve("key"), KEY);
        return """
                listen: { address: 127.0.0.1:0 }
                routes:
                  - name: api
                    match: { path: /api }
                    respond: 204
                    auth: { bearer: { tokens: [ { id: ci-bot, value: "${file:soon}", expires: %s },
                                                { id: deploy, value: "${file:later}", expires: 2027-06-01T00:00:00Z } ] } }
                  - name: reports
                    match: { path: /reports }
                    respond: 204
                    auth: { api_key: { keys: [ { id: billing, value: "${file:key}", expires: 2026-11-29T12:00:00Z } ] } }
                """.formatted(soonExpires);
    }

    @Test
    void expiredCredentialsAre401WithTheirIdAndTheGaugeAndWarningsShowWhatIsComing() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
        try (LogCapture log = LogCapture.attach(GatewayServer.class);
             GatewayFixture gw = GatewayFixture.start(TestConfigs.load(dir, yaml("2026-12-04T12:00:00Z")), clock)) {
            List<String> warnings = log.lines(ch.qos.logback.classic.Level.WARN);
            assertTrue(warnings.contains("routes[0] api: token ci-bot expires at 2026-12-04T12:00:00Z, in 3d "
                    + "(within 14 days); issue a new one and add it next to the old"), warnings.toString());
            assertTrue(warnings.contains("routes[1] reports: key billing EXPIRED at 2026-11-29T12:00:00Z, 2d ago: it "
                    + "answers 401 credentials_expired; replace it"), warnings.toString());
            assertFalse(warnings.toString().contains("deploy"), "not within 14 days");

            assertEquals(204, gw.send(RawHttp.crlf("GET /api HTTP/1.1\nHost: x\nAuthorization: Bearer " + SOON
                    + "\n\n")).status());
            RawHttp.Response r = gw.send(RawHttp.crlf("GET /reports HTTP/1.1\nHost: x\nX-API-Key: " + KEY + "\n\n"));
            assertEquals(401, r.status());
            assertTrue(r.bodyText().contains("\"reason\":\"credentials_expired\""), r.bodyText());
            AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
            assertEquals("key billing expired 2d ago (expires: 2026-11-29T12:00:00Z)", e.detail());

            String metrics = gw.server().metrics().scrape();
            // The gauge runs on the metrics' (system) clock, not the test clock: check the series and their sign.
            assertTrue(metrics.contains("authgate_credential_expiry_seconds{id=\"deploy\",route=\"api\"} "),
                    metrics);
            assertTrue(metrics.contains("authgate_credential_expiry_seconds{id=\"billing\",route=\"reports\"} -"),
                    metrics);

            clock.advance(java.time.Duration.ofDays(4));
            RawHttp.Response later = gw.send(RawHttp.crlf("GET /api HTTP/1.1\nHost: x\nAuthorization: Bearer " + SOON
                    + "\n\n"));
            assertTrue(later.bodyText().contains("token ci-bot expired 1d ago"), later.bodyText());

            gw.server().reload(TestConfigs.load(dir, yaml("2026-12-15T00:00:00Z")));
            assertTrue(log.lines(ch.qos.logback.classic.Level.WARN).stream().anyMatch(l -> l.startsWith(
                    "routes[0] api: token ci-bot expires at 2026-12-15T00:00:00Z, in 9d12h")),
                    log.lines().toString());
            assertEquals(204, gw.send(RawHttp.crlf("GET /api HTTP/1.1\nHost: x\nAuthorization: Bearer " + SOON
                    + "\n\n")).status());
            for (String line : log.lines()) {
                assertFalse(line.contains(SOON) || line.contains(KEY) || line.contains(LATER), line);
            }
        }
    }
}
