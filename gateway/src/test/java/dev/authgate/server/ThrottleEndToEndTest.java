package dev.authgate.server;

import dev.authgate.observe.AccessLogEntry;
import dev.authgate.observe.MetricsExposition;
import dev.authgate.testing.MutableClock;
import dev.authgate.testing.OpsGateway;
import dev.authgate.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static dev.authgate.testing.RawHttp.crlf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code limits.auth_failures} per client IP (docs/operations.md, "Metrics"): past {@code max} failed authentications within
 * {@code window}, 429 {@code too_many_failures} with {@code Retry-After} without running auth, until the window
 * closes. The gateway runs on a clock the test moves, so the window passes without sleeping.
 */
class ThrottleEndToEndTest {
    private static final String TOKEN = "throttle-token-0b7d93";
    private static final String ATTACKER = "203.0.113.7";
    private static final String NEIGHBOUR = "198.51.100.9";

    @TempDir
    Path dir;
    private OpsGateway gw;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
    }

    private void start(String trustedProxies) throws IOException {
        Files.writeString(dir.resolve("token"), TOKEN);
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                listen: { address: 127.0.0.1:0 }
                admin: { address: 127.0.0.1:0 }
                limits:
                  auth_failures: { max: 3, window: 1m }
                  trusted_proxies: %s
                routes:
                  - name: check
                    match: { path: /check }
                    respond: 204
                    auth: { bearer: { tokens: [ { id: ci, value: "${file:token}" } ] } }
                  - name: open
                    match: { path: /open }
                    respond: 204
                    auth: none
                """.formatted(trustedProxies));
        gw = OpsGateway.start(config, clock);
    }

    private RawHttp.Response check(String forwardedFor, String token) {
        return gw.send(crlf("GET /check HTTP/1.1\nHost: x\nX-Forwarded-For: " + forwardedFor
                + "\nAuthorization: Bearer " + token + "\n\n"));
    }

    @Test
    void throttlingStartsAtTheLimitAndEndsAfterTheWindow() throws IOException {
        start("[127.0.0.1/32]");
        for (int i = 0; i < 3; i++) {
            RawHttp.Response r = check(ATTACKER, "guess-" + i);
            assertEquals(401, r.status());
            assertNull(r.header("Retry-After"));
        }
        RawHttp.Response throttled = check(ATTACKER, TOKEN);   // the right token: auth is not even run
        assertEquals(429, throttled.status());
        assertEquals("too_many_failures", throttled.json().get("reason"));
        assertEquals("60", throttled.header("Retry-After"));
        assertEquals("authgate", throttled.header("Server"));
        AccessLogEntry line = gw.accessLog().await(throttled.header("X-Request-Id"));
        assertEquals(ATTACKER, line.client(), "the client IP from a trusted proxy's X-Forwarded-For");
        assertEquals("too_many_failures", line.reason());

        assertEquals(204, check(NEIGHBOUR, TOKEN).status(), "another client IP is not throttled");
        assertEquals(204, gw.send(crlf("GET /open HTTP/1.1\nHost: x\nX-Forwarded-For: " + ATTACKER + "\n\n"))
                .status(), "an open route has no credential to guess");

        clock.advance(Duration.ofSeconds(59));
        RawHttp.Response stillThrottled = check(ATTACKER, TOKEN);
        assertEquals(429, stillThrottled.status());
        assertEquals("1", stillThrottled.header("Retry-After"));

        clock.advance(Duration.ofSeconds(1));
        assertEquals(204, check(ATTACKER, TOKEN).status(), "the window closed");

        gw.accessLog().awaitCount(8);
        MetricsExposition m = gw.scrape();
        assertEquals(2.0, m.value("authgate_auth_throttled_total"));
        assertEquals(3.0, m.value("authgate_auth_rejections_total",
                "route", "check", "scheme", "bearer", "reason", "credentials_invalid"));
        assertEquals(2.0, m.value("authgate_requests_total", "route", "check", "status", "429", "source", "gateway"));
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() throws IOException {
        start("[]");
        for (int i = 0; i < 3; i++) {
            assertEquals(401, check("192.0.2." + (i + 1), "guess-" + i).status());
        }
        RawHttp.Response r = check(NEIGHBOUR, TOKEN);
        assertEquals(429, r.status(), "the socket peer is the client: a forged X-Forwarded-For changes nothing");
        AccessLogEntry line = gw.accessLog().await(r.header("X-Request-Id"));
        assertEquals(true, line.client().startsWith("127.0.0.1:"), line.client());
    }
}
