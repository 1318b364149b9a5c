package dev.authgate.proxy;

import dev.authgate.auth.AuthResult;
import dev.authgate.config.UpstreamConfig;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rewriting rules on plain message objects (the socket tests cover them end to end). */
class ForwardedHeadersTest {

    private static final UpstreamConfig UPSTREAM = new UpstreamConfig("orders",
            URI.create("http://user:pw@10.0.0.5:3000/api"), Duration.ofSeconds(2), Duration.ofSeconds(30));

    @Test
    void removesExpectTransferEncodingAndEveryHeaderNamedByConnection() {
        FullHttpRequest req = request("/x", "body");
        req.headers().set("Expect", "100-continue").set("Transfer-Encoding", "chunked")
                .add("Connection", "X-A, x-b").add("Connection", "close").set("X-A", "1").set("X-B", "2")
                .set("X-C", "3");
        try {
            ForwardedHeaders.rewriteRequest(forward(req, false));
            HttpHeaders h = req.headers();
            assertFalse(h.contains("expect"));
            assertFalse(h.contains("transfer-encoding"));
            assertFalse(h.contains("connection"));
            assertFalse(h.contains("x-a"));
            assertFalse(h.contains("x-b"));
            assertEquals("3", h.get("x-c"));
            assertEquals("4", h.get("content-length"));
        } finally {
            req.release();
        }
    }

    @Test
    void removesUnderscoreLookAlikesOfGatewayHeadersAndTheHttpoxyProxyHeader() {
        FullHttpRequest req = request("/x", "");
        req.headers().set("X_Auth_Identity", "admin").set("x_auth_scheme", "basic").set("X-Forwarded_For", "1.2.3.4")
                .set("X_Request_Id", "forged").set("Proxy", "http://evil.example:3128").set("X_Custom_Thing", "kept");
        try {
            ForwardedHeaders.rewriteRequest(forward(req, false));
            HttpHeaders h = req.headers();
            assertFalse(h.contains("X_Auth_Identity"));
            assertFalse(h.contains("x_auth_scheme"));
            assertFalse(h.contains("X-Forwarded_For"));
            assertFalse(h.contains("X_Request_Id"));
            assertFalse(h.contains("Proxy"));
            assertEquals("kept", h.get("X_Custom_Thing"));
        } finally {
            req.release();
        }
    }

    @Test
    void setsHostFromTheUpstreamWithoutUserInfoAndMovesTheClientsHostToXForwardedHost() {
        FullHttpRequest req = request("/x", "");
        req.headers().set("Host", "hooks.example.com");
        try {
            ForwardedHeaders.rewriteRequest(forward(req, false));
            assertEquals("10.0.0.5:3000", req.headers().get("host"));
            assertEquals("hooks.example.com", req.headers().get("x-forwarded-host"));
            assertEquals("/api/x", req.uri());
            assertFalse(req.headers().contains("content-length"), "no body, no framing invented");
        } finally {
            req.release();
        }
    }

    @Test
    void dropsAClientSentXForwardedHostWhenTheClientSentNoHost() {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/x");
        req.headers().set("X-Forwarded-Host", "spoofed");
        try {
            ForwardedHeaders.rewriteRequest(forward(req, false));
            assertFalse(req.headers().contains("x-forwarded-host"));
            assertEquals(HttpVersion.HTTP_1_1, req.protocolVersion());
        } finally {
            req.release();
        }
    }

    @Test
    void removesEveryCredentialHeaderOnlyWithHideCredentials() {
        FullHttpRequest kept = request("/x", "");
        FullHttpRequest hidden = request("/x", "");
        for (FullHttpRequest r : new FullHttpRequest[]{kept, hidden}) {
            r.headers().set("X-Signature", "sig").set("X-Timestamp", "1700000000");
        }
        try {
            ForwardedHeaders.rewriteRequest(forward(kept, false));
            ForwardedHeaders.rewriteRequest(forward(hidden, true));
            assertEquals("sig", kept.headers().get("x-signature"));
            assertFalse(hidden.headers().contains("x-signature"));
            assertFalse(hidden.headers().contains("x-timestamp"));
            assertEquals("hmac", hidden.headers().get("x-auth-scheme"));
            assertEquals("github", hidden.headers().get("x-auth-identity"));
        } finally {
            kept.release();
            hidden.release();
        }
    }

    @Test
    void buildsTheRequestTargetFromTheBasePathAndTheRawUri() {
        assertEquals("/a%2Fb?x=1&y=%zz", ForwardedHeaders.requestTarget("", "/a%2Fb?x=1&y=%zz"));
        assertEquals("/api/a?x", ForwardedHeaders.requestTarget("/api", "/a?x"));
        assertEquals("/api/p?q=1", ForwardedHeaders.requestTarget("/api", "http://gw.example/p?q=1"));
        assertEquals("/?q=1", ForwardedHeaders.requestTarget("", "http://gw.example?q=1"));
        assertEquals("/", ForwardedHeaders.requestTarget("", "http://gw.example"));
        assertEquals("*", ForwardedHeaders.requestTarget("", "*"));
    }

    @Test
    void keepsChunkedFramingOnTheResponseAndDropsOtherTransferCodings() {
        HttpResponse chunked = response();
        chunked.headers().set("Transfer-Encoding", "chunked").set("Connection", "Transfer-Encoding, X-Hop")
                .set("X-Hop", "1");
        assertFalse(ForwardedHeaders.rewriteResponse(chunked, "rid", "gw", false, HttpVersion.HTTP_1_1, false));
        assertEquals("chunked", chunked.headers().get("transfer-encoding"));
        assertFalse(chunked.headers().contains("x-hop"));
        assertNull(chunked.headers().get("connection"));

        HttpResponse fixed = response();
        fixed.headers().set("Content-Length", "10").set("Connection", "Content-Length");
        ForwardedHeaders.rewriteResponse(fixed, "rid", "gw", false, HttpVersion.HTTP_1_1, true);
        assertEquals("10", fixed.headers().get("content-length"), "framing survives a Connection that names it");
        assertEquals("close", fixed.headers().get("connection"));
    }

    @Test
    void marksAnUnframedBodyForAnHttp10ClientAsCloseDelimited() {
        HttpResponse forOld = response();
        assertTrue(ForwardedHeaders.rewriteResponse(forOld, "rid", "gw", false, HttpVersion.HTTP_1_0, false));
        assertEquals("close", forOld.headers().get("connection"));
        assertFalse(forOld.headers().contains("transfer-encoding"));

        HttpResponse noBody = response();
        assertFalse(ForwardedHeaders.rewriteResponse(noBody, "rid", "gw", true, HttpVersion.HTTP_1_1, false));
        assertFalse(noBody.headers().contains("transfer-encoding"), "a HEAD answer gets no framing invented");
    }

    private static HttpResponse response() {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
    }

    private static FullHttpRequest request(String uri, String body) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    private static ForwardRequest forward(FullHttpRequest req, boolean hide) {
        AuthResult.Accepted auth = AuthResult.Accepted.of("hmac", "github", "secret #1 of 1 matched",
                "X-Signature", "X-Timestamp");
        return new ForwardRequest(req, UPSTREAM, "rid-1", "gw", "192.0.2.1", "https", auth, hide, false);
    }
}
