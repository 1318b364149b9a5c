package dev.authgate.server;

import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static dev.authgate.testing.RawHttp.crlf;
import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log (logger authgate.access): one line per request, its fields, no query values. */
class AccessLogEndToEndTest {
    private static GatewayFixture gw;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.start(TestConfigs.gateway()
                .maxBody(64)
                .route(TestConfigs.respond("canary", "/canary", none(), "POST"))
                .build());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void logsOneLineWithEveryFieldForAGatewayAnswer() {
        Instant before = Instant.now();
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(crlf("POST /canary?token=s3cr3t-value&x=1 HTTP/1.1\nHost: localhost\n"
                    + "X-Request-Id: trace-42\nContent-Length: 11\n\nhello world")).read();
            assertEquals(204, r.status());
            AccessLogEntry e = gw.accessLog().await("trace-42");
            assertFalse(e.time().isBefore(before.minusSeconds(1)));
            assertEquals("127.0.0.1:" + c.localPort(), e.client());
            assertNull(e.tls());
            assertEquals("POST", e.method());
            assertEquals("/canary?token=\u2026&x=\u2026", e.path());
            assertEquals("canary", e.route());
            assertEquals("none", e.scheme());
            assertNull(e.identity());
            assertEquals(204, e.status());
            assertEquals("gateway", e.source());
            assertNull(e.reason());
            assertNull(e.upstream());
            assertEquals(0, e.upstreamStatus());
            assertEquals(11, e.bytesIn());
            assertEquals(0, e.bytesOut());
            assertTrue(e.durationMs() >= 0);
            assertEquals(-1, e.upstreamMs());
            String line = e.toString();
            assertTrue(line.startsWith("time="), line);
            assertTrue(line.contains(" request_id=trace-42 client=127.0.0.1:" + c.localPort() + " tls=- method=POST"
                    + " path=\"/canary?token=\u2026&x=\u2026\" route=canary scheme=none identity=- status=204"
                    + " source=gateway reason=- detail=\"open route\" upstream=- upstream_status=- bytes_in=11"
                    + " bytes_out=0 duration_ms="), line);
            assertFalse(String.join("\n", gw.accessLog().lines()).contains("s3cr3t-value"));
        }
    }

    @Test
    void logsTheRejectionReasonDetailAndBytesOut() {
        RawHttp.Response r = gw.send(crlf("GET /nowhere HTTP/1.1\nHost: localhost\n\n"));
        AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
        assertEquals(404, e.status());
        assertEquals("gateway", e.source());
        assertEquals("route_not_found", e.reason());
        assertEquals("no route matches /nowhere", e.detail());
        assertEquals(r.body().length, e.bytesOut());
        assertEquals("GET", e.method());
        assertNull(e.scheme(), "auth did not run");
    }

    @Test
    void logsExactlyOneLinePerRequest() {
        int before = gw.accessLog().entries().size();
        try (RawHttp c = gw.connect()) {
            c.send(crlf("POST /canary HTTP/1.1\nHost: x\nContent-Length: 0\n\n")).read();
            c.send(crlf("GET /missing HTTP/1.1\nHost: x\n\n")).read();
            c.send(crlf("POST /canary HTTP/1.1\nHost: x\nContent-Length: 500\n\n")).read();
        }
        gw.accessLog().awaitCount(before + 3);
        assertEquals(before + 3, gw.accessLog().entries().size());
    }

    @Test
    void usesTheSameRequestIdInResponseBodyAndLog() {
        RawHttp.Response r = gw.send(crlf("GET /nowhere HTTP/1.1\nHost: x\nX-Request-Id: bad id with spaces\n\n"));
        String id = r.header("X-Request-Id");
        assertTrue(id.matches("[0-9A-Z]{26}"), id);
        assertEquals(id, r.json().get("request_id"));
        assertEquals(id, gw.accessLog().await(id).requestId());
    }

    @Test
    void logsAClientThatLeavesMidBodyAs499() {
        String id = "leaver-" + System.nanoTime();
        try (RawHttp c = gw.connect()) {
            // The interim 100 proves the head was parsed and the body is being read before the three bytes and
            // the close (which the gateway reads in order after them).
            assertEquals(100, c.send(crlf("POST /canary HTTP/1.1\nHost: x\nX-Request-Id: " + id
                    + "\nContent-Length: 50\nExpect: 100-continue\n\n")).read().status());
            c.send("abc");
        }
        AccessLogEntry e = gw.accessLog().await(id);
        assertEquals(499, e.status());
        assertEquals(3, e.bytesIn());
    }

    @Test
    void aSlowClientsLineRecordsTheTimeout() {
        try (GatewayFixture slow = GatewayFixture.start(TestConfigs.gateway().headerTimeout(Duration.ofMillis(300))
                .route(TestConfigs.respond("canary", "/canary", none())).build());
             RawHttp c = slow.connect()) {
            RawHttp.Response r = c.send("GET /canary?key=abc HTTP/1.1\r\n").read();
            AccessLogEntry e = slow.accessLog().await(r.header("X-Request-Id"));
            assertEquals(408, e.status());
            assertEquals("request_timeout", e.reason());
            assertNull(e.path(), "no request line was parsed");
        }
    }
}
