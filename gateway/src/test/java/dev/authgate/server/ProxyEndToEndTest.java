package dev.authgate.server;

import dev.authgate.auth.Credential;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.Secret;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import dev.authgate.testing.TestConfigs;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static dev.authgate.testing.RawHttp.crlf;
import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole request path through the real forwarder to a real upstream. */
class ProxyEndToEndTest {
    private static final String TOKEN = "tok-" + UUID.randomUUID();
    private TestUpstream backend;
    private GatewayFixture gw;

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (backend != null) backend.close();
    }

    private static AuthConfig bearer() {
        return new BearerConfig(null, List.of(new Credential("ci-bot", new Secret(TOKEN, "inline"))));
    }

    private GatewayFixture gateway(String upstreamUrl, Duration responseTimeout) {
        gw = GatewayFixture.start(TestConfigs.gateway().name("authgate-1")
                .upstream("app", upstreamUrl, responseTimeout)
                .route(TestConfigs.proxy("api", "/api/", "app", bearer()))
                .route(TestConfigs.proxy("open", "/open/", "app", none()))
                .build());
        return gw;
    }

    @Test
    void forwardsAnAuthenticatedBinaryBodyByteForByteAndRelaysTheAnswer() {
        backend = TestUpstream.start();
        gateway(backend.url(), Duration.ofSeconds(30));
        byte[] body = new byte[1024 * 1024];
        new Random(7).nextBytes(body);
        try (RawHttp c = gw.connect()) {
            c.send(crlf("POST /api/items?x=1&y=%2F HTTP/1.1\nHost: gw.example\nAuthorization: Bearer " + TOKEN
                    + "\nContent-Type: application/octet-stream\nX-Request-Id: e2e-1\nContent-Length: " + body.length
                    + "\n\n"));
            c.send(body);
            RawHttp.Response r = c.read();
            assertEquals(200, r.status());
            assertEquals("{\"method\":\"POST\",\"uri\":\"/api/items?x=1&y=%2F\"}", r.bodyText());
            assertEquals("e2e-1", r.header("X-Request-Id"));
            assertEquals("1.1 authgate-1", r.header("Via"));
            assertNull(r.header("Server"), "Server: authgate marks gateway-made answers only");

            TestUpstream.Recorded seen = backend.takeRequest();
            assertArrayEquals(body, seen.body());
            assertEquals("/api/items?x=1&y=%2F", seen.uri());
            assertEquals("e2e-1", seen.header("X-Request-Id"));
            assertEquals("bearer", seen.header("X-Auth-Scheme"));
            assertEquals("ci-bot", seen.header("X-Auth-Identity"));

            AccessLogEntry e = gw.accessLog().await("e2e-1");
            assertEquals(200, e.status());
            assertEquals("upstream", e.source());
            assertEquals("app", e.upstream());
            assertEquals(200, e.upstreamStatus());
            assertEquals(body.length, e.bytesIn());
            assertEquals(r.body().length, e.bytesOut());
            assertEquals("ci-bot", e.identity());
            assertTrue(e.upstreamMs() >= 0);
        }
    }

    @Test
    void forwardsOverNativeEpollOnLinuxWithUpstreamConnectionsOnTheSameTransport() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (os.startsWith("Linux") && (arch.equals("amd64") || arch.equals("aarch64"))) {
            assertTrue(Epoll.isAvailable(), "native epoll should load here: " + Epoll.unavailabilityCause());
        }
        assertEquals(Epoll.isAvailable() ? "epoll" : "nio", GatewayServer.transport());
        backend = TestUpstream.start();
        gateway(backend.url(), Duration.ofSeconds(30));
        try (RawHttp c = gw.connect()) {
            for (int i = 0; i < 3; i++) { // the first opens an upstream connection, the next ones reuse it
                c.send(crlf("POST /open/t HTTP/1.1\nHost: x\nX-Request-Id: epoll-" + i + "\nContent-Length: 2\n\nhi"));
                RawHttp.Response r = c.read();
                assertEquals(200, r.status());
                assertEquals("{\"method\":\"POST\",\"uri\":\"/open/t\"}", r.bodyText());
                assertEquals("hi", new String(backend.takeRequest().body(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void sendsANonUtf8BodyUnchanged() {
        backend = TestUpstream.start();
        gateway(backend.url(), Duration.ofSeconds(30));
        byte[] latin1 = "caf\u00e9 \u00ff\u00fe".getBytes(StandardCharsets.ISO_8859_1);
        gw.send(crlf("PUT /open/x HTTP/1.1\nHost: x\nContent-Length: " + latin1.length + "\n\n")
                + new String(latin1, StandardCharsets.ISO_8859_1));
        assertArrayEquals(latin1, backend.takeRequest().body());
    }

    @Test
    void keepsTheClientConnectionAliveAcrossForwardedRequests() {
        backend = TestUpstream.start();
        gateway(backend.url(), Duration.ofSeconds(30));
        try (RawHttp c = gw.connect()) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response r = c.send(crlf("GET /open/" + i + " HTTP/1.1\nHost: x\n\n")).read();
                assertEquals(200, r.status());
                assertEquals("{\"method\":\"GET\",\"uri\":\"/open/" + i + "\"}", r.bodyText());
            }
            RawHttp.Response refused = c.send(crlf("GET /api/x HTTP/1.1\nHost: x\n\n")).read();
            assertEquals(401, refused.status());
            assertEquals(200, c.send(crlf("GET /open/again HTTP/1.1\nHost: x\n\n")).read().status());
            assertEquals(1, backend.connectionCount(), "the upstream connection was pooled and reused");
        }
    }

    @Test
    void answersPipelinedForwardedRequestsInOrder() {
        backend = TestUpstream.start();
        gateway(backend.url(), Duration.ofSeconds(30));
        try (RawHttp c = gw.connect()) {
            c.send(crlf("GET /open/1 HTTP/1.1\nHost: x\n\nGET /nowhere HTTP/1.1\nHost: x\n\n"
                    + "GET /open/3 HTTP/1.1\nHost: x\n\n"));
            assertEquals("{\"method\":\"GET\",\"uri\":\"/open/1\"}", c.read().bodyText());
            assertEquals(404, c.read().status());
            assertEquals("{\"method\":\"GET\",\"uri\":\"/open/3\"}", c.read().bodyText());
        }
    }

    @Test
    void closesAfterTheRelayedResponseWhenTheClientAsksTo() {
        backend = TestUpstream.start();
        gateway(backend.url(), Duration.ofSeconds(30));
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(crlf("GET /open/x HTTP/1.1\nHost: x\nConnection: close\n\n")).read();
            assertEquals(200, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void answers502WhenTheUpstreamIsDown() {
        TestUpstream stopped = TestUpstream.start();
        String url = stopped.url();
        stopped.close();
        gateway(url, Duration.ofSeconds(30));
        RawHttp.Response r = gw.send(crlf("GET /open/x HTTP/1.1\nHost: x\n\n"));
        assertEquals(502, r.status());
        assertEquals("authgate", r.header("Server"));
        Map<String, Object> body = r.json();
        assertEquals("upstream_unavailable", body.get("reason"));
        assertEquals("open", body.get("route"));
        AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
        assertEquals("gateway", e.source());
        assertEquals("app", e.upstream());
        assertEquals(0, e.upstreamStatus());
        assertEquals("upstream_unavailable", e.reason());
    }

    @Test
    void answers504WhenTheUpstreamNeverAnswers() {
        backend = TestUpstream.start().answer(r -> TestUpstream.Reply.hanging());
        gateway(backend.url(), Duration.ofMillis(500));
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(crlf("GET /open/slow HTTP/1.1\nHost: x\n\n")).read();
            assertEquals(504, r.status());
            assertEquals("upstream_timeout", r.json().get("reason"));
            backend.answer(req -> TestUpstream.Reply.json(200, "{}"));
            assertEquals(200, c.send(crlf("GET /open/next HTTP/1.1\nHost: x\n\n")).read().status(),
                    "the client connection survives a 504");
        }
    }

    @Test
    void answers502WhenTheUpstreamClosesWithoutAnswering() {
        backend = TestUpstream.start().answer(r -> TestUpstream.Reply.closing());
        gateway(backend.url(), Duration.ofSeconds(30));
        RawHttp.Response r = gw.send(crlf("GET /open/x HTTP/1.1\nHost: x\n\n"));
        assertEquals(502, r.status());
        assertEquals("upstream_unavailable", r.json().get("reason"));
    }

    @Test
    void logsAnUpstream401AsTheUpstreamsAnswer() {
        backend = TestUpstream.start().answer(r -> TestUpstream.Reply.of(401,
                Map.of("WWW-Authenticate", "Bearer realm=\"app\""), "nope".getBytes(StandardCharsets.UTF_8)));
        gateway(backend.url(), Duration.ofSeconds(30));
        RawHttp.Response r = gw.send(crlf("GET /api/me HTTP/1.1\nHost: x\nAuthorization: Bearer " + TOKEN
                + "\n\n"));
        assertEquals(401, r.status());
        assertEquals("nope", r.bodyText());
        assertNull(r.header("Server"));
        assertEquals("1.1 authgate-1", r.header("Via"));
        AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
        assertEquals("upstream", e.source());
        assertEquals(401, e.status());
        assertEquals(401, e.upstreamStatus());
        assertNull(e.reason());
        assertTrue(e.toString().contains(" status=401 source=upstream "), e.toString());
    }

    @Test
    void answers100ContinueBeforeForwarding() {
        backend = TestUpstream.start();
        gateway(backend.url(), Duration.ofSeconds(30));
        try (RawHttp c = gw.connect()) {
            assertEquals(100, c.send(crlf("POST /open/x HTTP/1.1\nHost: x\nExpect: 100-continue\n"
                    + "Content-Length: 4\n\n")).read().status());
            assertEquals(200, c.send("ping").read().status());
            TestUpstream.Recorded seen = backend.takeRequest();
            assertEquals("ping", seen.bodyText());
            assertNull(seen.header("Expect"), "the expectation was met by the gateway");
        }
    }
}
