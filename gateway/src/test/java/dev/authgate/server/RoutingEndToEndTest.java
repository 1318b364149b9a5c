package dev.authgate.server;

import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static dev.authgate.testing.RawHttp.crlf;
import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing on real sockets: 404, 405, traversal refused before any route, keep-alive and pipelining. */
class RoutingEndToEndTest {
    private static GatewayFixture gw;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.start(TestConfigs.gateway()
                .route(TestConfigs.respond("github", "/webhooks/github", none(), "POST"))
                .route(TestConfigs.respondPrefix("admin", "/admin/", none(), "GET"))
                .route(TestConfigs.respondPrefix("public", "/public/", none()))
                .build());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static String get(String target) {
        return crlf("GET " + target + " HTTP/1.1\nHost: localhost\n\n");
    }

    @Test
    void answersRouteNotFoundWith404() {
        RawHttp.Response r = gw.send(get("/webhooks/gitlab"));
        assertEquals(404, r.status());
        Map<String, Object> body = r.json();
        assertEquals("route_not_found", body.get("reason"));
        assertEquals("no route matches /webhooks/gitlab", body.get("detail"));
        assertEquals("route=-", routeField(gw.accessLog().await(r.header("X-Request-Id"))));
    }

    @Test
    void answersMethodNotAllowedWith405AndAllow() {
        RawHttp.Response r = gw.send(get("/webhooks/github"));
        assertEquals(405, r.status());
        assertEquals("POST", r.header("Allow"));
        Map<String, Object> body = r.json();
        assertEquals("method_not_allowed", body.get("reason"));
        assertEquals("github", body.get("route"));
        assertEquals("route github takes POST, not GET", body.get("detail"));
    }

    @Test
    void respondRouteAnswers204WithServerAndRequestId() {
        RawHttp.Response r = gw.send(crlf("POST /webhooks/github HTTP/1.1\nHost: localhost\nContent-Length: 2\n\n{}"));
        assertEquals(204, r.status());
        assertEquals("authgate", r.header("Server"));
        assertTrue(r.header("X-Request-Id").matches("[0-9A-Z]{26}"), r.header("X-Request-Id"));
        assertEquals(0, r.body().length);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/public/../admin/x", "/public/%2e%2e/admin/x", "/public/%2E%2E/admin/x", "/public/.%2e/admin/x",
            "/public/..;/admin/x", "/public%2F..%2Fadmin/x", "/public/a%2Fb", "/public/a%5Cb", "/public/a\\b",
            "/public/./x", "/public//x", "/public/a%00b", "/public/%252e%252e/admin/x", "/%2e%2e/admin/x",
    })
    void refusesTraversalWith400AndNeverRoutesIt(String target) {
        RawHttp.Response r = gw.send(get(target));
        assertEquals(400, r.status(), target);
        assertEquals("bad_request", r.json().get("reason"));
        assertEquals("close", r.header("Connection"), "a request that tried to traverse does not keep the connection");
        AccessLogEntry line = gw.accessLog().await(r.header("X-Request-Id"));
        assertNull(line.route(), "never matched against a route");
        assertEquals(400, line.status());
    }

    @Test
    void matrixParametersDoNotHideAPathFromItsRoute() {
        RawHttp.Response r = gw.send(crlf("DELETE /admin;x=1/users HTTP/1.1\nHost: localhost\n\n"));
        assertEquals(405, r.status());
        assertEquals("admin", r.json().get("route"));
    }

    @Test
    void keepsTheClientConnectionAliveAcrossRequests() {
        try (RawHttp c = gw.connect()) {
            RawHttp.Response first = c.send(get("/public/a")).read();
            RawHttp.Response second = c.send(get("/nowhere")).read();
            RawHttp.Response third = c.send(get("/public/b")).read();
            assertEquals(204, first.status());
            assertEquals(404, second.status());
            assertEquals(204, third.status());
            assertNull(second.header("Connection"));
            String client = "127.0.0.1:" + c.localPort();
            assertEquals(client, gw.accessLog().await(first.header("X-Request-Id")).client());
            assertEquals(client, gw.accessLog().await(third.header("X-Request-Id")).client());
            assertTrue(c.staysOpenFor(200));
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() {
        try (RawHttp c = gw.connect()) {
            c.send(get("/public/1") + get("/nowhere") + crlf("GET /public/3 HTTP/1.1\nHost: localhost\n"
                    + "X-Request-Id: third\n\n"));
            assertEquals(204, c.read().status());
            assertEquals(404, c.read().status());
            RawHttp.Response third = c.read();
            assertEquals(204, third.status());
            assertEquals("third", third.header("X-Request-Id"));
        }
    }

    @Test
    void closesAfterTheResponseWhenTheClientAsksTo() {
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(crlf("GET /public/x HTTP/1.1\nHost: localhost\nConnection: close\n\n"))
                    .read();
            assertEquals(204, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void closesHttp10ConnectionsAfterTheResponse() {
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(crlf("GET /nowhere HTTP/1.0\n\n")).read();
            assertEquals(404, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void routesAnAbsoluteFormTargetByItsPath() {
        RawHttp.Response r = gw.send(get("http://localhost/public/x"));
        assertEquals(204, r.status());
    }

    private static String routeField(AccessLogEntry e) {
        return "route=" + (e.route() == null ? "-" : e.route());
    }
}
