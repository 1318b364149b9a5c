package dev.authgate.proxy;

import dev.authgate.auth.AuthResult;
import dev.authgate.http.Reason;
import dev.authgate.proxy.upstream.UpstreamPool;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
    /** Completes when the last {@code pattern:N} response was wholly handed to the kernel. */
    private volatile CompletableFuture<Void> lastResponseFlushed = new CompletableFuture<>();
    private UpstreamForwarder forwarder;
    private ForwardingHarness gateway;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @BeforeEach
    void start() throws Exception {
        upstream = TestUpstream.start().answer(this::byTestMode);
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
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("""
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
        TestUpstream.Recorded r = upstream.takeRequest();
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
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("""
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
        TestUpstream.Recorded r = upstream.takeRequest();
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
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("GET /k HTTP/1.1\nHost: gw\nX-API-Key: k3y\nAuthorization: Bearer other");
            assertEquals(200, client.read().status());
        }
        TestUpstream.Recorded r = upstream.takeRequest();
        assertFalse(r.headers().contains("x-api-key"));
        assertEquals("Bearer other", r.headers().get("authorization"));
        assertEquals("api_key", r.headers().get("x-auth-scheme"));
        assertEquals("billing", r.headers().get("x-auth-identity"));
    }

    @Test
    void sendsNoAuthIdentityForAnOpenRoute() throws Exception {
        gateway.auth = AuthResult.Accepted.of("none", null, "open route");
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("GET /open HTTP/1.1\nHost: gw\nX-Auth-Identity: forged\nX-Auth-Scheme: bearer");
            assertEquals(200, client.read().status());
        }
        TestUpstream.Recorded r = upstream.takeRequest();
        assertEquals("none", r.headers().get("x-auth-scheme"));
        assertFalse(r.headers().contains("x-auth-identity"));
    }

    @Test
    void forwardsAOneMebibyteRandomBodyByteIdentical() throws Exception {
        byte[] body = TestUpstream.randomBytes(1024 * 1024, 1);
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(gateway.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        TestUpstream.Recorded r = upstream.takeRequest();
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
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("POST /bin HTTP/1.1\nHost: gw\nTransfer-Encoding: chunked\nContent-Type: application/json",
                    chunked);
            assertEquals(200, client.read().status());
        }
        TestUpstream.Recorded r = upstream.takeRequest();
        assertEquals(TestUpstream.sha256(body), r.sha256());
        assertEquals("16", r.headers().get("content-length"));
        assertFalse(r.headers().contains("transfer-encoding"));
    }

    @Test
    void prefixesTheUpstreamBasePathAndKeepsThePathAndQueryByteForByte() throws Exception {
        gateway.upstream = ForwardingHarness.upstream(upstream.port(), "/base/", RESPONSE_TIMEOUT);
        String raw = "/hooks/caf%C3%A9;v=1/%7Euser?q=a+b&r=%2f&empty=&x=%20";
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("GET " + raw + " HTTP/1.1\nHost: gw");
            assertEquals(200, client.read().status());
        }
        assertEquals("/base" + raw, upstream.takeRequest().uri());
    }

    // ---- connection reuse -----------------------------------------------------------------------------------------

    @Test
    void reusesOneUpstreamConnectionForSequentialRequests() throws Exception {
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            for (int i = 0; i < 3; i++) {
                client.request("POST /r" + i + " HTTP/1.1\nHost: gw\nContent-Length: 1", new byte[]{'x'});
                RawHttp.Response res = client.read();
                assertEquals(200, res.status());
                assertEquals("ok", res.bodyText());
            }
        }
        assertEquals(3, upstream.requestCount());
        assertEquals(1, upstream.connectionCount());
    }

    @Test
    void sharesPooledUpstreamConnectionsAcrossClientConnectionsOfOneEventLoop() throws Exception {
        gateway.close();
        gateway = new ForwardingHarness(forwarder, 1);
        gateway.upstream = ForwardingHarness.upstream(upstream.port(), "", RESPONSE_TIMEOUT);
        for (int i = 0; i < 3; i++) {
            try (RawHttp client = RawHttp.connect(gateway.port())) {
                client.request("GET /c" + i + " HTTP/1.1\nHost: gw");
                assertEquals(200, client.read().status());
            }
        }
        assertEquals(3, upstream.requestCount());
        assertEquals(1, upstream.connectionCount());
    }

    @Test
    void opensANewUpstreamConnectionAfterAResponseWithConnectionClose() throws Exception {
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("GET /a HTTP/1.1\nHost: gw\nX-Test-Mode: conn-close");
            RawHttp.Response first = client.read();
            assertEquals(200, first.status());
            assertNull(first.header("connection"), "the upstream's Connection: close is about its own hop");
            client.request("GET /b HTTP/1.1\nHost: gw");
            assertEquals(200, client.read().status());
        }
        assertEquals(2, upstream.connectionCount());
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
        upstream = TestUpstream.start().answer(this::byTestMode); // for stop()
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
        assertEquals(1, upstream.requestCount());
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
        assertEquals(2, upstream.requestCount(), "each request reached the upstream exactly once");
    }

    @Test
    void closesTheClientConnectionWhenTheUpstreamClosesMidBody() throws Exception {
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("GET /cut HTTP/1.1\nHost: gw\nX-Test-Mode: mid-body");
            UncheckedIOException e = assertThrows(UncheckedIOException.class, client::read);
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
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("GET /stall HTTP/1.1\nHost: gw\nX-Test-Mode: stall");
            UncheckedIOException e = assertThrows(UncheckedIOException.class, client::read);
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
        assertEquals(1, upstream.requestCount());
        assertNull(gateway.takeOutcome().failure());
    }

    @Test
    void givesUpWith502AfterTheRetriedConnectFailsToo() throws Exception {
        useFlakyConnects(2);
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(gateway.uri("/retry")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, res.statusCode());
        assertEquals(2, FlakyConnectChannel.attempts.get());
        assertEquals(0, upstream.requestCount());
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
        assertEquals(1, upstream.requestCount());
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
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("GET /stream HTTP/1.1\nHost: gw\nX-Test-Mode: close-delimited:300000");
            RawHttp.Response res = client.read();
            assertEquals("chunked", res.header("transfer-encoding"));
            assertNull(res.header("connection"));
            assertEquals(300_000, res.body().length);
            assertEquals(res.header("x-body-sha256"), TestUpstream.sha256(res.body()));
            client.request("GET /next HTTP/1.1\nHost: gw");
            assertEquals("ok", client.read().bodyText());
        }
    }

    @Test
    void endsAnUnframedOrChunkedBodyForAnHttp10ClientByClosing() throws Exception {
        for (String mode : new String[]{"close-delimited:5000", "chunked:70000"}) {
            try (RawHttp client = RawHttp.connect(gateway.port())) {
                client.request("GET /stream HTTP/1.0\nHost: gw\nConnection: keep-alive\nX-Test-Mode: " + mode);
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
        try (RawHttp client = RawHttp.connect(gateway.port(), 32 * 1024)) {
            client.request("GET /huge HTTP/1.1\nHost: gw\nX-Test-Mode: pattern:" + size);
            upstream.takeRequest();
            // Without backpressure the gateway would buffer the whole body and the upstream would finish writing.
            assertThrows(TimeoutException.class, () -> lastResponseFlushed.get(2, TimeUnit.SECONDS));
            RawHttp.Response res = client.read();
            assertEquals(size, res.body().length);
        }
        lastResponseFlushed.get(10, TimeUnit.SECONDS);
        assertEquals(size, gateway.takeOutcome().bytesOut());
    }

    @Test
    void responseCarriesViaAndRequestIdButNoHopByHopHeaders() throws Exception {
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("GET /h HTTP/1.1\nHost: gw\nX-Test-Mode: headers");
            RawHttp.Response res = client.read();
            assertEquals(201, res.status());
            assertEquals("ok", res.bodyText());
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
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("HEAD /h HTTP/1.1\nHost: gw\nX-Test-Mode: head");
            RawHttp.Response head = client.readHead();
            assertEquals(200, head.status());
            assertEquals("1234", head.header("content-length"));
            client.request("GET /after HTTP/1.1\nHost: gw");
            RawHttp.Response next = client.read();
            assertEquals("ok", next.bodyText(), "no body bytes of the HEAD response were left on the connection");
        }
        assertEquals(1, upstream.connectionCount());
    }

    @Test
    void skipsInterimResponses() throws Exception {
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("GET /hints HTTP/1.1\nHost: gw\nX-Test-Mode: early-hints");
            RawHttp.Response res = client.read();
            assertEquals(200, res.status());
            assertEquals("final", res.bodyText());
        }
    }

    @Test
    void sendsConnectionCloseWhenTheClientConnectionClosesAfterTheResponse() throws Exception {
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.request("GET /bye HTTP/1.1\nHost: gw\nConnection: close");
            RawHttp.Response res = client.read();
            assertEquals(200, res.status());
            assertEquals("close", res.header("connection"));
            assertTrue(client.isClosedByPeer(10_000));
        }
        TestUpstream.Recorded r = upstream.takeRequest();
        assertFalse(r.headers().contains("connection"), "the client's Connection: close is about its own hop");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private void useFlakyConnects(int failures) throws Exception {
        try (TestUpstream dead = TestUpstream.start()) {
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

    /**
     * The upstream's answer per the request's {@code X-Test-Mode} header, bytes written raw so that the test controls
     * framing exactly:
     * <ul>
     *   <li>(none): 200 {@code ok} with Content-Length and {@code X-Upstream-Connection}
     *   <li>{@code hang}: never answers; {@code close}: closes without answering; {@code reset}: RST without answering
     *   <li>{@code mid-body}: 200 with Content-Length 100000, 1000 bytes, then close
     *   <li>{@code stall}: 200 with Content-Length 100, 10 bytes, then silence
     *   <li>{@code chunked:N}: N pseudo-random bytes in 32 KiB chunks, {@code X-Body-Sha256} header
     *   <li>{@code close-delimited:N}: N pseudo-random bytes without length, then close
     *   <li>{@code pattern:N}: N bytes with Content-Length (a repeated block; {@link #lastResponseFlushed} completes
     *       when the whole response was handed to the kernel)
     *   <li>{@code head}: a HEAD answer with Content-Length 1234; {@code early-hints}: 103 then 200
     *   <li>{@code headers}: a response with hop-by-hop headers, Via and an X-Request-Id of its own
     *   <li>{@code conn-close}: 200 with {@code Connection: close}, then close
     * </ul>
     */
    private TestUpstream.Reply byTestMode(TestUpstream.Recorded req) {
        String mode = req.headers().get("x-test-mode", "");
        String arg = mode.contains(":") ? mode.substring(mode.indexOf(':') + 1) : "";
        switch (mode.contains(":") ? mode.substring(0, mode.indexOf(':')) : mode) {
            case "hang":
                return TestUpstream.Reply.hanging();
            case "close":
                return TestUpstream.Reply.closing();
            case "reset":
                return TestUpstream.Reply.raw(TestUpstream.Raw::reset);
            case "mid-body":
                return TestUpstream.Reply.raw(c -> {
                    c.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
                    c.write(Unpooled.wrappedBuffer(new byte[1000])).addListener(f -> c.close());
                });
            case "stall":
                return TestUpstream.Reply.raw(c -> c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"));
            case "chunked":
                return TestUpstream.Reply.raw(c -> {
                    byte[] data = TestUpstream.randomBytes(Integer.parseInt(arg), 42);
                    c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Body-Sha256: "
                            + TestUpstream.sha256(data) + "\r\n\r\n");
                    for (int off = 0; off < data.length; off += 32 * 1024) {
                        int len = Math.min(32 * 1024, data.length - off);
                        c.write(Integer.toHexString(len) + "\r\n");
                        c.write(Unpooled.wrappedBuffer(data, off, len));
                        c.write("\r\n");
                    }
                    c.write("0\r\n\r\n");
                });
            case "close-delimited":
                return TestUpstream.Reply.raw(c -> {
                    byte[] data = TestUpstream.randomBytes(Integer.parseInt(arg), 7);
                    c.write("HTTP/1.1 200 OK\r\nConnection: close\r\nX-Body-Sha256: " + TestUpstream.sha256(data)
                            + "\r\n\r\n");
                    c.write(Unpooled.wrappedBuffer(data)).addListener(f -> c.close());
                });
            case "pattern": {
                // Replaced before the request is visible to takeRequest, so a test that took it sees this one.
                CompletableFuture<Void> flushed = new CompletableFuture<>();
                lastResponseFlushed = flushed;
                return TestUpstream.Reply.raw(c -> {
                    int n = Integer.parseInt(arg);
                    c.write("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n");
                    ByteBuf block = Unpooled.wrappedBuffer(TestUpstream.randomBytes(64 * 1024, 3));
                    for (int off = 0; off < n; off += block.capacity()) {
                        c.queue(block.retainedSlice(0, Math.min(block.capacity(), n - off)));
                    }
                    block.release();
                    c.flush().addListener(f -> flushed.complete(null));
                });
            }
            case "head":
                return TestUpstream.Reply.raw(c -> c.write(
                        "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: text/plain\r\n\r\n"));
            case "early-hints":
                return TestUpstream.Reply.raw(c -> c.write("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"));
            case "headers":
                return TestUpstream.Reply.raw(c -> c.write("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n"
                        + "Connection: X-Hop-Secret\r\nX-Hop-Secret: s3cr3t\r\nKeep-Alive: timeout=5\r\n"
                        + "Proxy-Authenticate: Basic realm=x\r\nUpgrade: h2c\r\nVia: 1.0 upstream-cache\r\n"
                        + "X-Request-Id: upstream-made\r\nX-App: kept\r\n\r\nok"));
            case "conn-close":
                return TestUpstream.Reply.raw(c -> c.write(
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                        .addListener(f -> c.close()));
            default:
                return TestUpstream.Reply.raw(c -> c.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: 2\r\nX-Upstream-Connection: " + req.connection() + "\r\n\r\nok"));
        }
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
