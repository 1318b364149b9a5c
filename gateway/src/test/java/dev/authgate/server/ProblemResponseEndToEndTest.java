package dev.authgate.server;

import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.authgate.testing.RawHttp.crlf;
import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a refused sender sees (docs/troubleshooting.md): the headers and problem body of gateway-made responses. */
class ProblemResponseEndToEndTest {

    private static GatewayFixture start(boolean exposeReason) {
        return GatewayFixture.start(TestConfigs.gateway().name("authgate-1").exposeReason(exposeReason)
                .route(TestConfigs.respond("canary", "/canary", none(), "POST", "PUT"))
                .build());
    }

    @Test
    void gatewayMadeErrorHasServerRequestIdProblemJsonAndContentLength() {
        try (GatewayFixture gw = start(true)) {
            RawHttp.Response r = gw.send(crlf("DELETE /canary HTTP/1.1\nHost: x\nX-Request-Id: abc-123\n\n"));
            assertEquals("HTTP/1.1 405 Method Not Allowed", r.statusLine());
            assertEquals("authgate", r.header("Server"));
            assertEquals("abc-123", r.header("X-Request-Id"));
            assertEquals("application/problem+json", r.header("Content-Type"));
            assertEquals(String.valueOf(r.body().length), r.header("Content-Length"));
            assertEquals("POST, PUT", r.header("Allow"));
            assertNull(r.header("Via"), "Via marks upstream answers; this one is the gateway's");
            Map<String, Object> body = r.json();
            assertEquals(List.of("type", "title", "status", "detail", "reason", "route", "request_id", "trace_id", "gateway"),
                    List.copyOf(body.keySet()));
            assertEquals("urn:authgate:reason:method_not_allowed", body.get("type"));
            assertEquals("Method Not Allowed", body.get("title"));
            assertEquals(405L, body.get("status"));
            assertEquals("method_not_allowed", body.get("reason"));
            assertEquals("canary", body.get("route"));
            assertEquals("abc-123", body.get("request_id"));
            assertEquals("authgate-1", body.get("gateway"));
        }
    }

    @Test
    void withExposeReasonFalseTheReasonAppearsNowhereInTheBody() {
        try (GatewayFixture gw = start(false)) {
            RawHttp.Response r = gw.send(crlf("DELETE /canary HTTP/1.1\nHost: x\n\n"));
            assertEquals(405, r.status());
            String text = r.bodyText();
            assertFalse(text.contains("method_not_allowed"), text);
            assertFalse(text.contains("canary"), text);
            Map<String, Object> body = r.json();
            assertEquals(List.of("type", "title", "status", "detail", "request_id", "trace_id", "gateway"),
                    List.copyOf(body.keySet()));
            assertEquals(405L, body.get("status"));
            assertEquals(r.header("X-Request-Id"), body.get("request_id"));
            assertEquals("authgate-1", body.get("gateway"));
            assertEquals("POST, PUT", r.header("Allow"), "the Allow header stays: clients need it");
            assertEquals("method_not_allowed", gw.accessLog().await(r.header("X-Request-Id")).reason(),
                    "the log keeps the reason");
        }
    }

    @Test
    void keepsAValidIncomingRequestIdAndReplacesAnInvalidOne() {
        try (GatewayFixture gw = start(true)) {
            RawHttp.Response kept = gw.send(crlf("POST /canary HTTP/1.1\nHost: x\nContent-Length: 0\n"
                    + "X-Request-Id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7\n\n"));
            assertEquals(204, kept.status());
            assertEquals("4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7", kept.header("X-Request-Id"));

            RawHttp.Response replaced = gw.send(crlf("POST /canary HTTP/1.1\nHost: x\nContent-Length: 0\n"
                    + "X-Request-Id: <script>\n\n"));
            assertTrue(replaced.header("X-Request-Id").matches("[0-9A-Z]{26}"), replaced.header("X-Request-Id"));

            RawHttp.Response tooLong = gw.send(crlf("GET /x HTTP/1.1\nHost: x\nX-Request-Id: " + "a".repeat(129)
                    + "\n\n"));
            assertEquals(26, tooLong.header("X-Request-Id").length());
            assertEquals(tooLong.header("X-Request-Id"), tooLong.json().get("request_id"));
        }
    }

    @Test
    void headRequestGetsTheHeadersWithoutTheBody() {
        try (GatewayFixture gw = start(true); RawHttp c = gw.connect()) {
            c.send(crlf("HEAD /nowhere HTTP/1.1\nHost: x\n\n"));
            RawHttp.Response head = c.readHead();
            assertEquals(404, head.status());
            assertTrue(Integer.parseInt(head.header("Content-Length")) > 0);
            // the next response on the connection starts right after the head: no body bytes in between
            RawHttp.Response next = c.send(crlf("GET /nowhere HTTP/1.1\nHost: x\n\n")).read();
            assertEquals(404, next.status());
        }
    }
}
