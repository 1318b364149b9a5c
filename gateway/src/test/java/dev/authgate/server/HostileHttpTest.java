package dev.authgate.server;

import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static dev.authgate.testing.RawHttp.crlf;
import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Smuggling and malformed HTTP written as raw bytes on a socket, against an open route forwarded to a real upstream:
 * each gets 400 {@code bad_request}, the connection is closed, and the upstream sees nothing. The route is open
 * ({@code auth: none}) so that anything the gateway wrongly accepted would be forwarded and counted.
 */
class HostileHttpTest {
    private static TestUpstream backend;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() {
        backend = TestUpstream.start();
        gw = GatewayFixture.start(TestConfigs.gateway()
                .upstream("app", backend.url())
                .route(TestConfigs.proxy("open", "/hook/", "app", none()))
                .build());
    }

    @BeforeEach
    void forgetEarlierRequests() {
        while (backend.pendingRequests() > 0) backend.takeRequest();
    }

    @AfterAll
    static void stop() {
        gw.close();
        backend.close();
    }

    /** A POST head to the open route; {@code headers} end with a line feed each. */
    private static String post(String headers) {
        return crlf("POST /hook/x HTTP/1.1\nHost: localhost\n" + headers + "\n");
    }

    /** Sends {@code raw} on a new connection; asserts 400 bad_request, a close, and no upstream request. */
    private static RawHttp.Response assertRefused(String raw) {
        return assertRefused(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static RawHttp.Response assertRefused(byte[] raw) {
        int before = backend.requestCount();
        try (RawHttp c = gw.connect()) {
            RawHttp.Response r = c.sendQuietly(raw).read();
            String shown = new String(raw, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n")
                    .replace("\0", "\\0").replace("\t", "\\t");
            assertEquals(400, r.status(), shown + " -> " + r.bodyText());
            assertEquals("bad_request", r.json().get("reason"), shown);
            assertEquals("close", r.header("Connection"), shown);
            assertEquals("authgate", r.header("Server"), shown);
            assertTrue(c.isClosedByPeer(), "closed after " + shown);
            assertEquals(before, backend.requestCount(), "nothing reached the upstream for " + shown);
            return r;
        }
    }

    // ---- framing: Content-Length and Transfer-Encoding ------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "Content-Length: 4\nTransfer-Encoding: chunked\n",
            "Transfer-Encoding: chunked\nContent-Length: 4\n",
            "Content-Length: 4\nTransfer-Encoding: identity\n",
    })
    void refusesContentLengthTogetherWithTransferEncoding(String headers) {
        assertRefused(post(headers) + "0\r\n\r\nGET /hook/smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Content-Length: 6\nContent-Length: 6\n",
            "Content-Length: 6\nContent-Length: 7\n",
            "Content-Length: 6, 6\n",
            "Content-Length: 6,7\n",
    })
    void refusesDuplicateOrConflictingContentLength(String headers) {
        assertRefused(post(headers) + "hello!x");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "+6", "-6", "6 0", "6a", "0x6", "6.0", "1e1", "abc", "", "\u00b3", "6\u000b",
    })
    void refusesAContentLengthThatIsNotPlainDigits(String value) {
        assertRefused(post("Content-Length: " + value + "\n") + "hello!");
    }

    @Test
    void refusesAContentLengthTooLargeForAnyNumber() {
        int before = backend.requestCount();
        RawHttp.Response r = gw.send(post("Content-Length: 99999999999999999999999999\n") + "hello!");
        assertTrue(r.status() == 400 || r.status() == 413, r.toString());
        assertEquals(before, backend.requestCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Transfer-Encoding: xchunked\n",
            "Transfer-Encoding: chunkedx\n",
            "Transfer-Encoding: chunked, identity\n",
            "Transfer-Encoding: chunked, xchunked\n", // CVE-2026-89044: chunked not the final coding
            "Transfer-Encoding: chunked,\n",
            "Transfer-Encoding: identity\n",
            "Transfer-Encoding: gzip, chunked\n",
            "Transfer-Encoding: chunked, chunked\n",
            "Transfer-Encoding: chunked\nTransfer-Encoding: identity\n",
            "Transfer-Encoding: chunked\nTransfer-Encoding: chunked\n",
            "Transfer-Encoding : chunked\n",
            "Transfer-Encoding\t: chunked\n",
            " Transfer-Encoding: chunked\n",
            "Transfer-Encoding: \u000bchunked\n",
            "Transfer-Encoding: \"chunked\"\n",
            "Transfer_Encoding: chunked\n",
    })
    void refusesObfuscatedTransferEncoding(String headers) {
        assertRefused(post(headers) + "5\r\nhello\r\n0\r\n\r\n");
    }

    @Test
    void refusesTransferEncodingFoldedOntoAContinuationLine() {
        assertRefused(post("Transfer-Encoding:\n chunked\n") + "5\r\nhello\r\n0\r\n\r\n");
    }

    // ---- header syntax --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "X-Folded: a\n b\n",
            "X-Folded: a\n\tb\n",
            "X-Folded: a\n  \n",
    })
    void refusesObsFoldContinuationLines(String headers) {
        assertRefused(post(headers + "Content-Length: 0\n"));
    }

    @Test
    void refusesAFoldedHeaderInASecondPipelinedRequestAfterAnsweringTheFirst() {
        int before = backend.requestCount();
        try (RawHttp c = gw.connect()) {
            c.send(crlf("GET /hook/1 HTTP/1.1\nHost: localhost\n\nGET /hook/2 HTTP/1.1\nHost: localhost\n"
                    + "X-A: 1\n Transfer-Encoding: chunked\n\n"));
            assertEquals(200, c.read().status());
            RawHttp.Response second = c.read();
            assertEquals(400, second.status());
            assertTrue(((String) second.json().get("detail")).contains("obs-fold"), second.bodyText());
            assertTrue(c.isClosedByPeer());
        }
        assertEquals(before + 1, backend.requestCount());
    }

    @Test
    void forwardsABodyWhoseLinesStartWithWhitespace() {
        String json = "{\r\n  \"a\": 1,\r\n\t\"b\": 2\r\n}\r\n";
        RawHttp.Response r = gw.send(post("Content-Length: " + json.length() + "\n") + json);
        assertEquals(200, r.status());
        assertEquals(json, backend.takeRequest().bodyText());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "X-Nul: a\u0000b\n",
            "X-Cr: a\rb\n",
            "X-Ctl: a\u0001b\n",
            "X-Del: a\u007fb\n",
            "X-Lf: a\nb\n",
    })
    void refusesControlCharactersInHeaderValues(String headers) {
        // Not through crlf(): the bare CR and LF must stay bare.
        assertRefused("POST /hook/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"
                + headers.replace("\n", "\r\n").replace("\r\r\n", "\r\n") + "\r\n");
    }

    @Test
    void refusesABareCarriageReturnInsideAValue() {
        assertRefused("POST /hook/x HTTP/1.1\r\nHost: localhost\r\nX-Cr: one\rX-Injected: two\r\n"
                + "Content-Length: 0\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "X Space: a\n",
            "X\"Quote: a\n",
            "X(Paren): a\n",
            "X/Slash: a\n",
            "X@At: a\n",
            ": no-name\n",
            "X-No-Colon\n",
            "X\u00e9: a\n",
            "X\u0000Nul: a\n",
            "X\tTab: a\n",
            "X{Brace}: a\n",
    })
    void refusesInvalidHeaderNames(String headers) {
        assertRefused(post(headers + "Content-Length: 0\n"));
    }

    // ---- chunked bodies -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "zz\r\nhello\r\n0\r\n\r\n",
            "-5\r\nhello\r\n0\r\n\r\n",
            "+5\r\nhello\r\n0\r\n\r\n",
            "0x5\r\nhello\r\n0\r\n\r\n",
            "5 5\r\nhello\r\n0\r\n\r\n",
            "\r\nhello\r\n0\r\n\r\n",
            "fffffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
            "5\r\nhelloXX\r\n0\r\n\r\n",
            "5\nhello\n0\n\n",
    })
    void refusesBadChunkSizesAndFraming(String body) {
        assertRefused(post("Transfer-Encoding: chunked\n") + body);
    }

    /**
     * CVE-2026-33870 (quoted strings in chunk extensions): a quote that a front proxy reads as ending the line and the
     * gateway as running on must not hide a second request. Whatever the gateway answers, no request but the first
     * (if any) reaches the upstream.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "5;a=\"x\r\nhello\r\n0\r\n\r\n",
            "5;a=\"x\\\"\r\nhello\r\n0\r\n\r\n",
            "1;a=\"\r\nX\r\n0\r\n\r\nPOST /hook/smuggled HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n\"\r\n",
    })
    void doesNotLetAQuotedChunkExtensionHideASecondRequest(String body) {
        int before = backend.requestCount();
        try (RawHttp c = gw.connect()) {
            c.send(post("Transfer-Encoding: chunked\n") + body);
            RawHttp.Response r = c.read();
            assertTrue(r.status() == 400 || r.status() == 200, r.toString());
            assertTrue(c.isClosedByPeer() || r.status() == 200, "a refused framing closes the connection");
        }
        assertTrue(backend.requestCount() <= before + 1, "at most the one request was forwarded");
        for (int i = before; i < backend.requestCount(); i++) {
            assertFalse(backend.takeRequest().uri().contains("smuggled"), "a smuggled request reached the upstream");
        }
    }

    // ---- request line, Host, absolute form --------------------------------------------------------------------------

    @Test
    void refusesAnHttp11RequestWithoutHost() {
        RawHttp.Response r = assertRefused(crlf("POST /hook/x HTTP/1.1\nContent-Length: 0\n\n"));
        assertEquals("missing Host header (required in HTTP/1.1)", r.json().get("detail"));
    }

    @Test
    void refusesTwoHostHeaders() {
        assertRefused(crlf("POST /hook/x HTTP/1.1\nHost: localhost\nHost: evil.example\nContent-Length: 0\n\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "evil.example/x", "user@evil.example", "a,b"})
    void refusesAnInvalidHostValue(String host) {
        assertRefused(crlf("POST /hook/x HTTP/1.1\nHost: " + host + "\nContent-Length: 0\n\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://evil.example/hook/x",
            "http://localhost:81/hook/x",
            "https://evil.example/hook/x",
            "http://localhost@evil.example/hook/x",
            "http:///hook/x",
    })
    void refusesAnAbsoluteFormTargetWhoseHostDiffersFromHost(String target) {
        assertRefused(crlf("POST " + target + " HTTP/1.1\nHost: localhost\nContent-Length: 0\n\n"));
    }

    @Test
    void forwardsAnAbsoluteFormTargetWhoseHostMatchesHost() {
        int before = backend.requestCount();
        RawHttp.Response r = gw.send(crlf("GET HTTP://LocalHost/hook/x?q=1 HTTP/1.1\nHost: localhost\n\n"));
        assertEquals(200, r.status(), r.bodyText());
        assertEquals(before + 1, backend.requestCount());
        assertEquals("/hook/x?q=1", backend.takeRequest().uri());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "POST /hook/x HTTP/2.0\r\n",
            "POST /hook/x HTTP/3.0\r\n",
            "POST /hook/x HTTP/1.10\r\n",
            "POST /hook/x HTTP/1.1\n",
            "POST /hook/x\u0000 HTTP/1.1\r\n",
            "PO ST /hook/x HTTP/1.1\r\n",
            "POST /hook/x HTTP/1.1 extra\r\n",
            "POST /hook/x\r\n",
            "POST /hook/x FTP/1.1\r\n",
    })
    void refusesMalformedRequestLinesAndOtherVersions(String line) {
        assertRefused(line + "Host: localhost\r\nContent-Length: 0\r\n\r\n");
    }

    /**
     * RFC 9112 §3 lets a recipient split the request line on any whitespace and §2.2 replace a bare CR with a space;
     * what goes upstream is a request line the gateway wrote, so the leniency cannot be smuggled further.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "POST  /hook/x HTTP/1.1\r\n",
            "POST /hook/x  HTTP/1.1\r\n",
            "POST\t/hook/x HTTP/1.1\r\n",
            "POST /hook/x\rHTTP/1.1\r\n",
    })
    void normalizesAToleratedRequestLineBeforeForwarding(String line) {
        int before = backend.requestCount();
        RawHttp.Response r = gw.send(line + "Host: localhost\r\nContent-Length: 0\r\n\r\n");
        assertEquals(200, r.status(), line);
        assertEquals(before + 1, backend.requestCount());
        TestUpstream.Recorded seen = backend.takeRequest();
        assertEquals("POST", seen.method());
        assertEquals("/hook/x", seen.uri());
    }

    // ---- what reaches the upstream ----------------------------------------------------------------------------------

    @Test
    void noCarriageReturnOrLineFeedReachesAnUpstreamHeaderValue() {
        RawHttp.Response r = gw.send(crlf("GET /hook/x HTTP/1.1\nHost: localhost\nX-Request-Id: a%0d%0aX-Evil:%201\n"
                + "X-Forwarded-For: 10.0.0.1\nVia: 1.0 proxy\n\n"));
        assertEquals(200, r.status());
        TestUpstream.Recorded seen = backend.takeRequest();
        seen.headers().forEach(h -> {
            assertFalse(h.getValue().contains("\r") || h.getValue().contains("\n"), h.toString());
            assertFalse(h.getKey().toLowerCase().startsWith("x-evil"), h.toString());
        });
        assertNull(seen.header("X-Evil"));
        assertFalse(seen.header("X-Request-Id").contains("%"), "an invalid X-Request-Id is replaced");
    }

    @Test
    void aClientCannotForgeTheIdentityHeadersWithUnderscoreLookAlikes() {
        RawHttp.Response r = gw.send(crlf("GET /hook/x HTTP/1.1\nHost: localhost\nX-Auth-Identity: admin\n"
                + "X_Auth_Identity: admin\nX_Auth_Scheme: basic\nProxy: http://evil.example:3128\n\n"));
        assertEquals(200, r.status());
        TestUpstream.Recorded seen = backend.takeRequest();
        assertEquals("none", seen.header("X-Auth-Scheme"));
        assertNull(seen.header("X-Auth-Identity"));
        assertNull(seen.header("X_Auth_Identity"));
        assertNull(seen.header("X_Auth_Scheme"));
        assertNull(seen.header("Proxy"));
    }

    @Test
    void answersPipelinedRequestsInOrderAndStopsAtTheFirstMalformedOne() {
        int before = backend.requestCount();
        try (RawHttp c = gw.connect()) {
            c.send(crlf("POST /hook/1 HTTP/1.1\nHost: localhost\nContent-Length: 3\n\nonePOST /hook/2 HTTP/1.1\n"
                    + "Host: localhost\nTransfer-Encoding: chunked\n\n3\ntwo\n0\n\n"
                    + "POST /hook/3 HTTP/1.1\nHost: localhost\nContent-Length: 1\nContent-Length: 2\n\nab"
                    + "GET /hook/4 HTTP/1.1\nHost: localhost\n\n"));
            assertEquals("{\"method\":\"POST\",\"uri\":\"/hook/1\"}", c.read().bodyText());
            assertEquals("{\"method\":\"POST\",\"uri\":\"/hook/2\"}", c.read().bodyText());
            RawHttp.Response third = c.read();
            assertEquals(400, third.status());
            assertEquals("close", third.header("Connection"));
            assertTrue(c.isClosedByPeer(), "the fourth request is never answered");
        }
        assertEquals(before + 2, backend.requestCount());
        assertEquals("one", backend.takeRequest().bodyText());
        assertEquals("two", backend.takeRequest().bodyText());
    }

    @Test
    void aSmuggledRequestInsideABodyIsForwardedAsBodyBytesOnly() {
        int before = backend.requestCount();
        String inner = "GET /hook/smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n";
        RawHttp.Response r = gw.send(post("Content-Length: " + inner.length() + "\n") + inner);
        assertEquals(200, r.status());
        assertEquals(before + 1, backend.requestCount());
        TestUpstream.Recorded seen = backend.takeRequest();
        assertEquals("/hook/x", seen.uri());
        assertEquals(inner, seen.bodyText());
    }
}
