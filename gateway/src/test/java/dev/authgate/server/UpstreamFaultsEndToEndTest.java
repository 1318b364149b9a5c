package dev.authgate.server;

import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.Await;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static dev.authgate.testing.RawHttp.crlf;
import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstreams that break the protocol, through the whole gateway, bytes as a real client sees them: a response cut
 * mid-body must never look complete, a head that is too big or unreadable is a 502, an early answer is relayed and the
 * half-written upstream connection is not reused.
 */
class UpstreamFaultsEndToEndTest {
    private TestUpstream upstream;
    private GatewayFixture gw;

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (upstream != null) upstream.close();
    }

    /** A body far larger than loopback socket buffers, so that writing it upstream takes a while. */
    private static final int BIG = 32 * 1024 * 1024;

    /** A deliberate pause: an upstream slow to read its request body is behaviour under test, not a race. */
    private static void pause(int millis) {
        Await.pause(millis);
    }

    private void start(TestUpstream.Script script) {
        upstream = TestUpstream.scripted(script);
        gw = GatewayFixture.start(TestConfigs.gateway().maxBody(BIG)
                .upstream("app", upstream.url())
                .route(TestConfigs.proxy("open", "/", "app", none()))
                .build());
    }

    /** Reads the head, answers {@code response}, then closes. */
    private static TestUpstream.Script answer(String response) {
        return c -> {
            String head = c.readHead();
            if (head == null) return;
            c.skipBody(c.contentLength(head));
            c.write(response);
        };
    }

    private static final String GET = crlf("GET /x HTTP/1.1\nHost: localhost\n\n");

    @Test
    void aContentLengthBodyCutMidwayReachesTheClientShortAndTheConnectionCloses() {
        start(answer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "a".repeat(40)));
        try (RawHttp c = gw.connect()) {
            RawHttp.Response head = c.send(GET).readHead();
            assertEquals(200, head.status());
            assertEquals("100", head.header("Content-Length"));
            byte[] rest = c.readToEnd();
            assertEquals(40, rest.length, "the client sees fewer bytes than announced, then the close");
            AccessLogEntry e = gw.accessLog().await(head.header("X-Request-Id"));
            assertEquals("upstream_unavailable", e.reason());
            assertEquals(40, e.bytesOut());
        }
    }

    @Test
    void aChunkedBodyCutMidwayNeverGetsItsLastChunk() {
        start(answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
        try (RawHttp c = gw.connect()) {
            RawHttp.Response head = c.send(GET).readHead();
            assertEquals(200, head.status());
            assertEquals("chunked", head.header("Transfer-Encoding"));
            String rest = new String(c.readToEnd(), StandardCharsets.ISO_8859_1);
            assertTrue(rest.startsWith("5\r\nhello\r\n"), rest);
            assertFalse(rest.contains("0\r\n\r\n"), "no terminating chunk after a cut: " + rest);
        }
    }

    @Test
    void aCloseDelimitedBodyEndsCleanlyWithItsClose() {
        start(answer("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it"));
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.send(GET).read();
            assertEquals(200, r.status());
            assertEquals("all of it", r.bodyText());
            assertEquals(200, c.send(GET).read().status(), "the client connection stays usable");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "garbage\r\n\r\n",
            "HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello",
            "HTTP/1.1 200 OK\r\nX-Bad: a\u0000b\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX Bad: a\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX\u00e9: a\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\n: a\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nBad Header\r\nContent-Length: 0\r\n\r\n",
    })
    void anUnparseableResponseIs502(String response) {
        start(answer(response));
        RawHttp.Response r = gw.send(GET);
        String shown = response.replace("\r\n", "\\r\\n").replace("\0", "\\0");
        assertEquals(502, r.status(), shown + " -> " + r);
        assertEquals("upstream_unavailable", r.json().get("reason"), shown);
        assertEquals("authgate", r.header("Server"));
    }

    @Test
    void aBadChunkAfterAGoodHeadCutsTheResponseWithoutItsLastChunk() {
        start(answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n"));
        try (RawHttp c = gw.connect()) {
            assertEquals(200, c.send(GET).readHead().status());
            String rest = new String(c.readToEnd(), StandardCharsets.ISO_8859_1);
            assertFalse(rest.contains("0\r\n\r\n"), rest);
        }
    }

    @Test
    void foldedAndSpacedResponseHeadersAreRepairedAsRfc9112Allows() {
        start(answer("HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nX-Spaced : c\r\nContent-Length: 2\r\n\r\nok"));
        RawHttp.Response r = gw.send(GET);
        assertEquals(200, r.status());
        assertEquals("a b", r.header("X-Folded"));
        assertEquals("c", r.header("X-Spaced"));
    }

    @Test
    void aResponseHeadOverTheLimitIs502() {
        start(answer("HTTP/1.1 200 OK\r\nX-Huge: " + "h".repeat(70 * 1024) + "\r\nContent-Length: 0\r\n\r\n"));
        RawHttp.Response r = gw.send(GET);
        assertEquals(502, r.status());
        assertTrue(((String) r.json().get("detail")).contains("invalid response"), r.bodyText());
    }

    @Test
    void aStatusLineOverTheLimitIs502() {
        start(answer("HTTP/1.1 200 " + "O".repeat(9 * 1024) + "\r\nContent-Length: 0\r\n\r\n"));
        assertEquals(502, gw.send(GET).status());
    }

    @Test
    void aResponseWithBothContentLengthAndChunkedIs502LikeNginx() {
        start(answer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n"));
        RawHttp.Response r = gw.send(GET);
        assertEquals(502, r.status());
        assertEquals("upstream_unavailable", r.json().get("reason"));
    }

    @Test
    void anUpstreamThatAnswersBeforeReadingTheBodyIsRelayedAndItsConnectionNotReused() {
        // Answers from the head alone, then reads and drops the body so that nothing is reset.
        start(c -> {
            String head;
            while ((head = c.readHead()) != null) {
                int length = c.contentLength(head);
                c.write("HTTP/1.1 202 Accepted\r\nContent-Length: 5\r\n\r\nearly");
                if (length > 1024) pause(500); // the gateway is still writing: far more than the socket buffers
                c.skipBody(length);
            }
        });
        byte[] body = new byte[BIG];
        new Random(3).nextBytes(body);
        try (RawHttp c = gw.connect()) {
            c.send(crlf("POST /big HTTP/1.1\nHost: localhost\nContent-Length: " + body.length + "\n\n"));
            c.send(body);
            RawHttp.Response r = c.read();
            assertEquals(202, r.status());
            assertEquals("early", r.bodyText());
            RawHttp.Response next = c.send(crlf("POST /small HTTP/1.1\nHost: localhost\nContent-Length: 2\n\nhi"))
                    .read();
            assertEquals(202, next.status());
            assertEquals("early", next.bodyText());
        }
        assertTrue(upstream.heads().get(1).startsWith("POST /small HTTP/1.1\r\n"),
                "the second request is framed on its own: " + upstream.heads());
        assertNotEquals(1, upstream.connectionCount(), "a connection whose request was still being written is not "
                + "reused");
    }

    @Test
    void anUpstreamThatAnswersEarlyAndClosesGivesTheClientAWholeAnswer() {
        start(c -> {
            if (c.readHead() == null) return;
            c.write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbig!");
            c.socket().shutdownOutput();
            c.awaitClose(5_000);
        });
        byte[] body = new byte[1024 * 1024];
        try (RawHttp c = gw.connect()) {
            c.send(crlf("POST /big HTTP/1.1\nHost: localhost\nContent-Length: " + body.length + "\n\n"));
            c.sendQuietly(body);
            RawHttp.Response r = c.read();
            assertTrue(r.status() == 413 || r.status() == 502, r.toString());
            if (r.status() == 413) assertEquals("big!", r.bodyText());
            assertEquals(413, gw.send(crlf("GET /again HTTP/1.1\nHost: localhost\n\n")).status(),
                    "the next request gets a fresh upstream connection");
        }
    }
}
