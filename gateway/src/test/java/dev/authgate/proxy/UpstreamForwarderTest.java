package dev.authgate.proxy;

import dev.authgate.auth.AuthResult;
import dev.authgate.http.Reason;
import dev.authgate.proxy.upstream.UpstreamPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forwarder between a real client socket and a real upstream socket. */
class UpstreamForwarderTest {

    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

    private TestUpstream upstream;
    private UpstreamForwarder forwarder;
    private ForwardingHarness gateway;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @BeforeEach
    void start() throws Exception {
        upstream = new TestUpstream();
        forwarder = new UpstreamForwarder();
        gateway = new ForwardingHarness(forwarder, 2);
        gateway.upstream = ForwardingHarness.upstream(upstream.port(), "", RESPONSE_TIMEOUT);
    }

    @AfterEach
    void stop() {
        gateway.close();
        forwarder.close();
        upstream.close();
    }

    // ---- request rewriting ----------------------------------------------------------------------------------------

    @Test
    void forwardsGatewayHeadersToTheUpstream() throws Exception {
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("""
                    GET /hooks/a HTTP/1.1
                    Host: public.example:8443
                    Via: 1.0 corp-proxy
                    X-Forwarded-For: 203.0.113.7
                    X-Forwarded-Proto: ftp
                    X-Forwarded-Host: spoofed.example
                    X-Auth-Scheme: basic
                    X-Auth-Identity: admin
                    X-Request-Id: client-chosen
                    Authorization: Bearer t0ken
                    """);
            assertEquals(200, client.read().status());
        }
        TestUpstream.Received r = upstream.take();
        assertEquals("1.0 corp-proxy, 1.1 authgate-test", String.join(", ", r.headers().getAll("via")));
        assertEquals(gateway.requestIds.poll(), r.headers().get("x-request-id"));
        assertEquals(1, r.headers().getAll("x-request-id").size());
        assertEquals("203.0.113.7, 127.0.0.1", r.headers().get("x-forwarded-for"));
        assertEquals("http", r.headers().get("x-forwarded-proto"));
        assertEquals("public.example:8443", r.headers().get("x-forwarded-host"));
        assertEquals("bearer", r.headers().get("x-auth-scheme"));
        assertEquals("ci-bot", r.headers().get("x-auth-identity"));
        assertEquals(1, r.headers().getAll("x-auth-identity").size());
        assertEquals("127.0.0.1:" + upstream.port(), r.headers().get("host"));
        assertEquals("Bearer t0ken", r.headers().get("authorization"));
        assertEquals("/hooks/a", r.uri());
    }

    @Test
    void stripsHopByHopHeadersBeforeForwarding() throws Exception {
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("""
                    POST /h HTTP/1.1
                    Host: gw
                    Connection: keep-alive, X-Hop-Secret
                    X-Hop-Secret: not-for-upstream
                    Keep-Alive: timeout=5
                    Proxy-Authorization: Basic cHJveHk6cHc=
                    Proxy-Connection: keep-alive
                    TE: trailers
                    Trailer: X-Checksum
                    Upgrade: websocket
                    Expect: 100-continue
                    Content-Length: 4
                    X-End-To-End: stays
                    """, "body".getBytes(StandardCharsets.US_ASCII));
            assertEquals(100, client.read().status(), "the client side's own 100 Continue");
            assertEquals(200, client.read().status());
        }
        TestUpstream.Received r = upstream.take();
        for (String name : new String[]{"connection", "x-hop-secret", "keep-alive", "proxy-authorization",
                "proxy-connection", "te", "trailer", "upgrade", "transfer-encoding", "expect"}) {
            assertFalse(r.headers().contains(name), name + " reached the upstream");
        }
        assertEquals("stays", r.headers().get("x-end-to-end"));
    }

    @Test
    void removesTheCredentialHeaderWithHideCredentials() throws Exception {
        gateway.hideCredentials = true;
        gateway.auth = AuthResult.Accepted.of("api_key", "billing", "key matched", "X-API-Key");
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("GET /k HTTP/1.1\nHost: gw\nX-API-Key: k3y\nAuthorization: Bearer other");
            assertEquals(200, client.read().status());
        }
        TestUpstream.Received r = upstream.take();
        assertFalse(r.headers().contains("x-api-key"));
        assertEquals("Bearer other", r.headers().get("authorization"));
        assertEquals("api_key", r.headers().get("x-auth-scheme"));
        assertEquals("billing", r.headers().get("x-auth-identity"));
    }

    @Test
    void sendsNoAuthIdentityForAnOpenRoute() throws Exception {
        gateway.auth = AuthResult.Accepted.of("none", null, "open route");
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("GET /open HTTP/1.1\nHost: gw\nX-Auth-Identity: forged\nX-Auth-Scheme: bearer");
            assertEquals(200, client.read().status());
        }
        TestUpstream.Received r = upstream.take();
        assertEquals("none", r.headers().get("x-auth-scheme"));
        assertFalse(r.headers().contains("x-auth-identity"));
    }

    @Test
    void forwardsAOneMebibyteRandomBodyByteIdentical() throws Exception {
        byte[] body = TestUpstream.randomBytes(1024 * 1024, 1);
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(gateway.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        TestUpstream.Received r = upstream.take();
        assertEquals(body.length, r.length());
        assertEquals(TestUpstream.sha256(body), r.sha256());
        assertEquals(String.valueOf(body.length), r.headers().get("content-length"));
    }

    @Test
    void forwardsAChunkedNonUtf8BodyByteIdenticalWithContentLength() throws Exception {
        byte[] body = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28, '\r', '\n', (byte) 0xa0, (byte) 0xe2,
                (byte) 0x82, 0x0a, '{', '"', (byte) 0x80, '"', '}'};
        byte[] chunked = concat(("10\r\n").getBytes(StandardCharsets.ISO_8859_1), body,
                "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(16, body.length);
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("POST /bin HTTP/1.1\nHost: gw\nTransfer-Encoding: chunked\nContent-Type: application/json",
                    chunked);
            assertEquals(200, client.read().status());
        }
        TestUpstream.Received r = upstream.take();
        assertEquals(TestUpstream.sha256(body), r.sha256());
        assertEquals("16", r.headers().get("content-length"));
        assertFalse(r.headers().contains("transfer-encoding"));
    }

    @Test
    void prefixesTheUpstreamBasePathAndKeepsThePathAndQueryByteForByte() throws Exception {
        gateway.upstream = ForwardingHarness.upstream(upstream.port(), "/base/", RESPONSE_TIMEOUT);
        String raw = "/hooks/caf%C3%A9;v=1/%7Euser?q=a+b&r=%2f&empty=&x=%20";
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("GET " + raw + " HTTP/1.1\nHost: gw");
            assertEquals(200, client.read().status());
        }
        assertEquals("/base" + raw, upstream.take().uri());
    }

    // ---- connection reuse -----------------------------------------------------------------------------------------

    @Test
    void reusesOneUpstreamConnectionForSequentialRequests() throws Exception {
        try (RawHttp client = new RawHttp(gateway.port())) {
            for (int i = 0; i < 3; i++) {
                client.send("POST /r" + i + " HTTP/1.1\nHost: gw\nContent-Length: 1", new byte[]{'x'});
                RawHttp.Response res = client.read();
                assertEquals(200, res.status());
                assertEquals("ok", res.text());
            }
        }
        assertEquals(3, upstream.requests.get());
        assertEquals(1, upstream.connections.get());
    }

    @Test
    void sharesPooledUpstreamConnectionsAcrossClientConnectionsOfOneEventLoop() throws Exception {
        gateway.close();
        gateway = new ForwardingHarness(forwarder, 1);
        gateway.upstream = ForwardingHarness.upstream(upstream.port(), "", RESPONSE_TIMEOUT);
        for (int i = 0; i < 3; i++) {
            try (RawHttp client = new RawHttp(gateway.port())) {
                client.send("GET /c" + i + " HTTP/1.1\nHost: gw");
                assertEquals(200, client.read().status());
            }
        }
        assertEquals(3, upstream.requests.get());
        assertEquals(1, upstream.connections.get());
    }

    @Test
    void opensANewUpstreamConnectionAfterAResponseWithConnectionClose() throws Exception {
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("GET /a HTTP/1.1\nHost: gw\nX-Test-Mode: conn-close");
            RawHttp.Response first = client.read();
            assertEquals(200, first.status());
            assertNull(first.header("connection"), "the upstream's Connection: close is about its own hop");
            client.send("GET /b HTTP/1.1\nHost: gw");
            assertEquals(200, client.read().status());
        }
        assertEquals(2, upstream.connections.get());
    }

    // ---- failures -------------------------------------------------------------------------------------------------

    @Test
    void answers502WithKindConnectWhenTheUpstreamIsStopped() throws Exception {
        int deadPort = upstream.port();
        upstream.close();
        gateway.upstream = ForwardingHarness.upstream(deadPort, "", RESPONSE_TIMEOUT);
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(gateway.uri("/x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, res.statusCode());
        assertEquals("upstream_unavailable\n", res.body());
        ForwardOutcome o = gateway.takeOutcome();
        assertFalse(o.responseWritten());
        assertEquals(Reason.UPSTREAM_UNAVAILABLE, o.reason());
        assertEquals(UpstreamFailure.CONNECT, o.failure());
        assertEquals(0, o.upstreamStatus());
        assertEquals("connection refused by 127.0.0.1:" + deadPort + " (tried twice)", o.detail());
        upstream = new TestUpstream(); // for stop()
    }

    @Test
    void answers504WhenTheUpstreamNeverAnswers() throws Exception {
        gateway.upstream = ForwardingHarness.upstream(upstream.port(), "", Duration.ofMillis(300));
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(gateway.uri("/slow"))
                .header("X-Test-Mode", "hang").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(504, res.statusCode());
        assertEquals("upstream_timeout\n", res.body());
        ForwardOutcome o = gateway.takeOutcome();
        assertEquals(Reason.UPSTREAM_TIMEOUT, o.reason());
        assertEquals(UpstreamFailure.TIMEOUT, o.failure());
        assertFalse(o.responseWritten());
        assertEquals(1, upstream.requests.get());
    }

    @Test
    void answers502WithKindResetAndNeverResendsWhenTheUpstreamClosesBeforeAnswering() throws Exception {
        for (String mode : new String[]{"close", "reset"}) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(gateway.uri("/once"))
                    .header("X-Test-Mode", mode).POST(HttpRequest.BodyPublishers.ofString("payload")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(502, res.statusCode(), mode);
            ForwardOutcome o = gateway.takeOutcome();
            assertEquals(Reason.UPSTREAM_UNAVAILABLE, o.reason(), mode);
            assertEquals(UpstreamFailure.RESET, o.failure(), mode);
            assertFalse(o.responseWritten(), mode);
        }
        assertEquals(2, upstream.requests.get(), "each request reached the upstream exactly once");
    }

    @Test
    void closesTheClientConnectionWhenTheUpstreamClosesMidBody() throws Exception {
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("GET /cut HTTP/1.1\nHost: gw\nX-Test-Mode: mid-body");
            IOException e = assertThrows(IOException.class, client::read);
            assertTrue(e.getMessage().contains("body cut after 1000 of 100000 bytes"), e.getMessage());
        }
        ForwardOutcome o = gateway.takeOutcome();
        assertTrue(o.responseWritten());
        assertEquals(200, o.upstreamStatus());
        assertEquals(Reason.UPSTREAM_UNAVAILABLE, o.reason());
        assertEquals(UpstreamFailure.RESET, o.failure());
    }

    @Test
    void cutsTheResponseWhenTheUpstreamStallsMidBodyLongerThanTheResponseTimeout() throws Exception {
        gateway.upstream = ForwardingHarness.upstream(upstream.port(), "", Duration.ofMillis(300));
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("GET /stall HTTP/1.1\nHost: gw\nX-Test-Mode: stall");
            IOException e = assertThrows(IOException.class, client::read);
            assertTrue(e.getMessage().contains("body cut after 10 of 100 bytes"), e.getMessage());
        }
        ForwardOutcome o = gateway.takeOutcome();
        assertTrue(o.responseWritten());
        assertEquals(Reason.UPSTREAM_TIMEOUT, o.reason());
        assertEquals(UpstreamFailure.TIMEOUT, o.failure());
    }

    @Test
    void retriesAFailedConnectOnceOnAFreshConnection() throws Exception {
        useFlakyConnects(1);
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(gateway.uri("/retry"))
                .POST(HttpRequest.BodyPublishers.ofString("once")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        assertEquals(2, FlakyConnectChannel.attempts.get());
        assertEquals(1, upstream.requests.get());
        assertNull(gateway.takeOutcome().failure());
    }

    @Test
    void givesUpWith502AfterTheRetriedConnectFailsToo() throws Exception {
        useFlakyConnects(2);
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(gateway.uri("/retry")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, res.statusCode());
        assertEquals(2, FlakyConnectChannel.attempts.get());
        assertEquals(0, upstream.requests.get());
        assertEquals(UpstreamFailure.CONNECT, gateway.takeOutcome().failure());
    }

    @Test
    void neverRetriesARequestThatReachedTheUpstream() throws Exception {
        useFlakyConnects(0);
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(gateway.uri("/charge"))
                .header("X-Test-Mode", "reset").POST(HttpRequest.BodyPublishers.ofString("$100")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, res.statusCode());
        assertEquals(1, FlakyConnectChannel.attempts.get());
        assertEquals(1, upstream.requests.get());
    }

    // ---- response relay -------------------------------------------------------------------------------------------

    @Test
    void relaysAnEightMebibyteChunkedResponseIntact() throws Exception {
        int size = 8 * 1024 * 1024;
        HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(gateway.uri("/big"))
                .header("X-Test-Mode", "chunked:" + size).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, res.statusCode());
        assertEquals(size, res.body().length);
        assertEquals(res.headers().firstValue("x-body-sha256").orElseThrow(), TestUpstream.sha256(res.body()));
        ForwardOutcome o = gateway.takeOutcome();
        assertEquals(size, o.bytesOut());
        assertEquals(200, o.upstreamStatus());
        assertTrue(o.upstreamNanos() > 0);
    }

    @Test
    void reframesACloseDelimitedResponseAsChunkedAndKeepsTheClientConnection() throws Exception {
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("GET /stream HTTP/1.1\nHost: gw\nX-Test-Mode: close-delimited:300000");
            RawHttp.Response res = client.read();
            assertEquals("chunked", res.header("transfer-encoding"));
            assertNull(res.header("connection"));
            assertEquals(300_000, res.body().length);
            assertEquals(res.header("x-body-sha256"), TestUpstream.sha256(res.body()));
            client.send("GET /next HTTP/1.1\nHost: gw");
            assertEquals("ok", client.read().text());
        }
    }

    @Test
    void endsAnUnframedOrChunkedBodyForAnHttp10ClientByClosing() throws Exception {
        for (String mode : new String[]{"close-delimited:5000", "chunked:70000"}) {
            try (RawHttp client = new RawHttp(gateway.port())) {
                client.send("GET /stream HTTP/1.0\nHost: gw\nConnection: keep-alive\nX-Test-Mode: " + mode);
                RawHttp.Response res = client.read();
                assertEquals("close", res.header("connection"), mode);
                assertNull(res.header("transfer-encoding"), mode);
                assertEquals(res.header("x-body-sha256"), TestUpstream.sha256(res.body()), mode);
            }
        }
    }

    @Test
    void stopsReadingTheUpstreamWhileTheClientDoesNotRead() throws Exception {
        // Shorter than the client's pause below: waiting for the client must not count as upstream silence.
        gateway.upstream = ForwardingHarness.upstream(upstream.port(), "", Duration.ofSeconds(1));
        int size = 32 * 1024 * 1024;
        try (RawHttp client = new RawHttp(gateway.port(), 32 * 1024)) {
            client.send("GET /huge HTTP/1.1\nHost: gw\nX-Test-Mode: pattern:" + size);
            upstream.take();
            // Without backpressure the gateway would buffer the whole body and the upstream would finish writing.
            assertThrows(TimeoutException.class, () -> upstream.lastResponseFlushed.get(2, TimeUnit.SECONDS));
            RawHttp.Response res = client.read();
            assertEquals(size, res.body().length);
        }
        upstream.lastResponseFlushed.get(10, TimeUnit.SECONDS);
        assertEquals(size, gateway.takeOutcome().bytesOut());
    }

    @Test
    void responseCarriesViaAndRequestIdButNoHopByHopHeaders() throws Exception {
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("GET /h HTTP/1.1\nHost: gw\nX-Test-Mode: headers");
            RawHttp.Response res = client.read();
            assertEquals(201, res.status());
            assertEquals("ok", res.text());
            assertEquals("1.0 upstream-cache, 1.1 authgate-test", res.header("via"));
            assertEquals(gateway.requestIds.poll(), res.header("x-request-id"));
            assertEquals("kept", res.header("x-app"));
            assertNull(res.header("server"), "Server: authgate marks gateway-made responses only");
            for (String name : new String[]{"connection", "x-hop-secret", "keep-alive", "proxy-authenticate",
                    "upgrade"}) {
                assertNull(res.header(name), name + " reached the client");
            }
        }
    }

    @Test
    void relaysAHeadResponseWithoutABody() throws Exception {
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("HEAD /h HTTP/1.1\nHost: gw\nX-Test-Mode: head");
            RawHttp.Response head = client.read(true);
            assertEquals(200, head.status());
            assertEquals("1234", head.header("content-length"));
            client.send("GET /after HTTP/1.1\nHost: gw");
            RawHttp.Response next = client.read();
            assertEquals("ok", next.text(), "no body bytes of the HEAD response were left on the connection");
        }
        assertEquals(1, upstream.connections.get());
    }

    @Test
    void skipsInterimResponses() throws Exception {
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("GET /hints HTTP/1.1\nHost: gw\nX-Test-Mode: early-hints");
            RawHttp.Response res = client.read();
            assertEquals(200, res.status());
            assertEquals("final", res.text());
        }
    }

    @Test
    void sendsConnectionCloseWhenTheClientConnectionClosesAfterTheResponse() throws Exception {
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("GET /bye HTTP/1.1\nHost: gw\nConnection: close");
            RawHttp.Response res = client.read();
            assertEquals(200, res.status());
            assertEquals("close", res.header("connection"));
            assertTrue(client.closedByPeer(10_000));
        }
        TestUpstream.Received r = upstream.take();
        assertFalse(r.headers().contains("connection"), "the client's Connection: close is about its own hop");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private void useFlakyConnects(int failures) throws Exception {
        try (TestUpstream dead = new TestUpstream()) {
            FlakyConnectChannel.deadPort = dead.port();
        }
        FlakyConnectChannel.failuresLeft.set(failures);
        FlakyConnectChannel.attempts.set(0);
        gateway.close();
        forwarder.close();
        forwarder = new UpstreamForwarder(new UpstreamPool(), FlakyConnectChannel.class);
        gateway = new ForwardingHarness(forwarder, 2);
        gateway.upstream = ForwardingHarness.upstream(upstream.port(), "", RESPONSE_TIMEOUT);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    /** A real NIO socket whose first {@code failuresLeft} connects go to a port where nothing listens. */
    public static final class FlakyConnectChannel extends NioSocketChannel {
        static final AtomicInteger failuresLeft = new AtomicInteger();
        static final AtomicInteger attempts = new AtomicInteger();
        static volatile int deadPort;

        @Override
        protected boolean doConnect(SocketAddress remote, SocketAddress local) throws Exception {
            attempts.incrementAndGet();
            SocketAddress target = failuresLeft.getAndDecrement() > 0
                    ? new InetSocketAddress("127.0.0.1", deadPort) : remote;
            return super.doConnect(target, local);
        }
    }
}
