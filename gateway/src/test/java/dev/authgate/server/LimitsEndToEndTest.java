package dev.authgate.server;

import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.Await;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.authgate.testing.RawHttp.crlf;
import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** limits.* on real sockets: body size, header size, header and idle timeouts, and ambiguous framing. */
class LimitsEndToEndTest {
    private static final int MAX_BODY = 1024;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.start(TestConfigs.gateway()
                .maxBody(MAX_BODY)
                .maxHeaderBytes(2048)
                .headerTimeout(Duration.ofMillis(500))
                .idleTimeout(Duration.ofMillis(700))
                .bodyTimeout(Duration.ofMillis(700))
                .route(TestConfigs.respond("hook", "/hook", none(), "POST"))
                .build());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static String post(String headers) {
        return crlf("POST /hook HTTP/1.1\nHost: localhost\n" + headers + "\n");
    }

    @Test
    void acceptsABodyOfExactlyMaxBody() {
        RawHttp.Response r = gw.send(post("Content-Length: " + MAX_BODY + "\n") + "x".repeat(MAX_BODY));
        assertEquals(204, r.status());
        assertEquals(MAX_BODY, gw.accessLog().await(r.header("X-Request-Id")).bytesIn());
    }

    @Test
    void refusesAnOversizedContentLengthBeforeReadingTheBody() {
        try (RawHttp c = gw.connect()) {
            // The head alone: the answer must come without a single body byte sent.
            RawHttp.Response r = c.send(post("Content-Length: 10485760\n")).read();
            assertEquals(413, r.status());
            assertEquals("body_too_large", r.json().get("reason"));
            assertEquals("Content-Length 10485760 exceeds limits.max_body (1024 bytes)", r.json().get("detail"));
            assertEquals("hook", r.json().get("route"));
            assertEquals("close", r.header("Connection"));
            assertTrue(c.isClosedByPeer());
            assertEquals(0, gw.accessLog().await(r.header("X-Request-Id")).bytesIn());
        }
    }

    @Test
    void refusedBodyIsDeliveredEvenWhenTheClientKeepsSending() {
        try (RawHttp c = gw.connect()) {
            c.send(post("Content-Length: 65536\n"));
            c.sendQuietly(new byte[65536]);
            RawHttp.Response r = c.read();
            assertEquals(413, r.status());
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void answers100ContinueOnlyOnceTheSizeIsAccepted() {
        try (RawHttp c = gw.connect()) {
            c.send(post("Content-Length: 5\nExpect: 100-continue\n"));
            RawHttp.Response interim = c.read();
            assertEquals(100, interim.status());
            RawHttp.Response r = c.send("hello").read();
            assertEquals(204, r.status());
        }
    }

    @Test
    void refusesAnOversizedExpect100ContinueWithoutA100() {
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(post("Content-Length: 4096\nExpect: 100-continue\n")).read();
            assertEquals(413, r.status());
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void refusesAnExpect100ContinueForAnUnknownRouteWithoutA100() {
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(crlf("POST /elsewhere HTTP/1.1\nHost: x\nContent-Length: 5\n"
                    + "Expect: 100-continue\n\n")).read();
            assertEquals(404, r.status());
        }
    }

    @Test
    void refusesAChunkedBodyThatGrowsPastMaxBody() {
        try (RawHttp c = gw.connect()) {
            c.send(post("Transfer-Encoding: chunked\n"));
            String chunk = "200\r\n" + "y".repeat(0x200) + "\r\n";
            c.sendQuietly((chunk + chunk + chunk).getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Response r = c.read();
            assertEquals(413, r.status());
            assertEquals("body_too_large", r.json().get("reason"));
            assertTrue(((String) r.json().get("detail")).startsWith("chunked body reached 1536 bytes"),
                    (String) r.json().get("detail"));
            assertEquals("close", r.header("Connection"));
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void acceptsAChunkedBodyWithinMaxBody() {
        RawHttp.Response r = gw.send(post("Transfer-Encoding: chunked\n") + "5\r\nhello\r\n3\r\n!!!\r\n0\r\n\r\n");
        assertEquals(204, r.status());
        assertEquals(8, gw.accessLog().await(r.header("X-Request-Id")).bytesIn());
    }

    @Test
    void refusesAnOversizedHeaderWith431() {
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(post("X-Big: " + "b".repeat(3000) + "\nContent-Length: 0\n")).read();
            assertEquals(431, r.status());
            assertEquals("headers_too_large", r.json().get("reason"));
            assertEquals("close", r.header("Connection"));
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void refusesAnOversizedRequestLineWith431() {
        RawHttp.Response r = gw.send(crlf("GET /" + "a".repeat(3000) + " HTTP/1.1\nHost: x\n\n"));
        assertEquals(431, r.status());
    }

    @Test
    void refusesALineAndHeadersThatFitAloneButNotTogetherWith431() {
        RawHttp.Response r = gw.send(crlf("GET /" + "a".repeat(1500) + " HTTP/1.1\nHost: x\nX-Pad: "
                + "p".repeat(1500) + "\n\n"));
        assertEquals(431, r.status());
    }

    @Test
    void answers408WhenTheHeadDoesNotCompleteInTime() {
        try (RawHttp c = gw.connect()) {
            c.send("POST /hook HTTP/1.1\r\nHost: local");
            RawHttp.Response r = c.read();
            assertEquals(408, r.status());
            assertEquals("request_timeout", r.json().get("reason"));
            assertEquals("close", r.header("Connection"));
            assertTrue(c.isClosedByPeer());
            AccessLogEntry line = gw.accessLog().await(r.header("X-Request-Id"));
            assertEquals(408, line.status());
            assertNull(line.method());
        }
    }

    @Test
    void slowlorisTricklingTheHeadIsStillCutAtTheHeaderTimeout() throws InterruptedException {
        try (RawHttp c = gw.connect()) {
            c.send("POST /hook HTTP/1.1\r\n");
            // A header line every 100 ms for 1.5 s: never idle, but the head is not done after 500 ms. The pause is
            // the slow client under test (behaviour), not a wait for a condition.
            for (int i = 0; i < 15; i++) {
                Await.pause(100);
                c.sendQuietly(("X-" + i + ": v\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            RawHttp.Response r = c.read();
            assertEquals(408, r.status());
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void closesAnIdleKeptAliveConnectionWithoutAResponse() {
        try (RawHttp c = gw.connect()) {
            assertEquals(204, c.send(post("Content-Length: 0\n")).read().status());
            assertTrue(c.isClosedByPeer(), "idle_timeout closes the kept-alive connection");
        }
    }

    @Test
    void closesAConnectionThatNeverSendsAByte() {
        try (RawHttp c = gw.connect()) {
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void answers408WhenTheBodyStalls() {
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(post("Content-Length: 10\n") + "12345").read();
            assertEquals(408, r.status());
            assertTrue(((String) r.json().get("detail")).contains("after 5 bytes"));
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void refusesContentLengthWithTransferEncodingWith400AndCloses() {
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(post("Content-Length: 4\nTransfer-Encoding: chunked\n")
                    + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(400, r.status());
            assertEquals("bad_request", r.json().get("reason"));
            assertEquals("both Content-Length and Transfer-Encoding", r.json().get("detail"));
            assertEquals("close", r.header("Connection"));
            assertTrue(c.isClosedByPeer(), "the smuggled request is never answered");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Content-Length: 5\nContent-Length: 6\n",
            "Content-Length: abc\n",
            "Content-Length: -1\n",
            "Transfer-Encoding: gzip\n",
            "Transfer-Encoding: chunked, identity\n",
    })
    void refusesAmbiguousFramingWith400(String headers) {
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(post(headers) + "hello!").read();
            assertEquals(400, r.status(), headers);
            assertEquals("bad_request", r.json().get("reason"));
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void refusesTransferEncodingOnHttp10With400() {
        RawHttp.Response r = gw.send(crlf("POST /hook HTTP/1.0\nTransfer-Encoding: chunked\n\n0\n\n"));
        assertEquals(400, r.status());
    }

    @Test
    void refusesBareLineFeedsWith400() {
        RawHttp.Response r = gw.send("POST /hook HTTP/1.1\nHost: x\nContent-Length: 0\n\n");
        assertEquals(400, r.status());
    }

    @Test
    void refusesGarbageWith400() {
        RawHttp.Response r = gw.send("\u0001\u0002 nonsense\r\n\r\n");
        assertEquals(400, r.status());
        assertFalse(r.json().containsKey("route"));
    }
}
