package dev.authgate.server;

import dev.authgate.auth.AuthSupport;
import dev.authgate.config.GatewayConfig;
import dev.authgate.http.Problem;
import dev.authgate.http.Reason;
import dev.authgate.testing.TestConfigs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decisions without a channel, as {@code authgate explain} uses them. */
class RequestGateTest {
    private static final GatewayConfig CONFIG = TestConfigs.gateway().maxBody(100)
            .route(TestConfigs.respond("hook", "/hook", none(), "POST"))
            .build();
    private static final RequestGate GATE = GatewayRuntime.create(CONFIG,
            new AuthSupport(Runnable::run, Clock.systemUTC())).gate();

    /** {@code Host: localhost} (HTTP/1.1 needs one) and the given headers. */
    private static HttpHeaders headers(String... nameValues) {
        HttpHeaders h = new DefaultHttpHeaders().add("Host", "localhost");
        for (int i = 0; i < nameValues.length; i += 2) h.add(nameValues[i], nameValues[i + 1]);
        return h;
    }

    private static Problem refused(String method, String uri, HttpHeaders headers) {
        RequestGate.HeadDecision d = GATE.decideHead(method, uri, headers);
        assertInstanceOf(RequestGate.Refused.class, d, uri);
        return ((RequestGate.Refused) d).problem();
    }

    @Test
    void decidesRouteBeforeMethodBeforeSize() {
        HttpHeaders huge = headers("Content-Length", "1000000");
        assertEquals(Reason.ROUTE_NOT_FOUND, refused("PUT", "/other", huge).reason());
        assertEquals(Reason.METHOD_NOT_ALLOWED, refused("PUT", "/hook", huge).reason());
        assertEquals(Reason.BODY_TOO_LARGE, refused("POST", "/hook", huge).reason());
    }

    @Test
    void admitsWithTheDeclaredLengthOrMinusOneForChunked() {
        RequestGate.Admitted a = (RequestGate.Admitted) GATE.decideHead("POST", "/hook?x=1",
                headers("Content-Length", "100"));
        assertEquals("hook", a.route().name());
        assertEquals(100, a.contentLength());
        assertEquals("x=1", a.target().rawQuery());
        RequestGate.Admitted chunked = (RequestGate.Admitted) GATE.decideHead("POST", "/hook",
                headers("Transfer-Encoding", "chunked"));
        assertEquals(-1, chunked.contentLength());
        assertEquals(0, ((RequestGate.Admitted) GATE.decideHead("POST", "/hook", headers())).contentLength());
    }

    @Test
    void refusesAmbiguousFramingOffline() {
        assertEquals("both Content-Length and Transfer-Encoding", refused("POST", "/hook",
                headers("Content-Length", "3", "Transfer-Encoding", "chunked")).detail());
        assertEquals("several Content-Length headers", refused("POST", "/hook",
                headers("Content-Length", "3", "Content-Length", "3")).detail());
        assertEquals(Reason.BAD_REQUEST, refused("POST", "/hook", headers("Transfer-Encoding", "gzip")).reason());
        assertEquals(Reason.BAD_REQUEST, refused("POST", "/hook", headers("Content-Length", "+3")).reason());
    }

    @Test
    void refusesTraversalBeforeRouting() {
        Problem p = refused("POST", "/hook/../hook", headers());
        assertEquals(Reason.BAD_REQUEST, p.reason());
        assertNull(p.route());
    }

    @Test
    void refusesAnOversizedHeadWith431() {
        assertEquals(Reason.HEADERS_TOO_LARGE, refused("POST", "/hook",
                headers("X-Big", "x".repeat(20_000))).reason());
    }

    @Test
    void judgesAWholeRequestOffline() throws Exception {
        ByteBuf body = Unpooled.copiedBuffer(new byte[] {1, 2, 3});
        try {
            RequestGate.Verdict pass = GATE.judge("POST", "/hook", headers("Content-Length", "3"), body,
                    "203.0.113.9").toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertTrue(pass.passed());
            assertEquals("none", pass.accepted().scheme());
            assertEquals(3, body.readableBytes(), "judging does not consume the body");

            RequestGate.Verdict lost = GATE.judge("POST", "/nope", headers(), body, "203.0.113.9")
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(Reason.ROUTE_NOT_FOUND, lost.problem().reason());
            assertNull(lost.route());
        } finally {
            body.release();
        }
    }

    @Test
    void judgesAChunkedBodyOverTheLimitAs413() throws Exception {
        ByteBuf body = Unpooled.wrappedBuffer(new byte[101]);
        try {
            RequestGate.Verdict v = GATE.judge("POST", "/hook", headers("Transfer-Encoding", "chunked"), body, null)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(Reason.BODY_TOO_LARGE, v.problem().reason());
            assertEquals("hook", v.route().name());
        } finally {
            body.release();
        }
    }

    @Test
    void aSaturatedHashingPoolIs503AndAnyOtherFailure500() {
        var route = GatewayRuntime.create(CONFIG, new AuthSupport(Runnable::run, Clock.systemUTC()))
                .router().routes().get(0);
        Problem saturated = AuthStage.failure(route,
                new CompletionException(new RejectedExecutionException("queue full")));
        assertEquals(503, saturated.status());
        assertNull(saturated.reason());
        assertTrue(saturated.detail().contains("hashing pool is saturated"), saturated.detail());
        Problem broken = AuthStage.failure(route, new IllegalStateException("boom: secret-ish text"));
        assertEquals(500, broken.status());
        assertEquals("the none authenticator failed (IllegalStateException)", broken.detail());
        assertEquals(List.of(), broken.challenges());
    }

    /** Found by RequestHeadFuzzTest: Netty quotes a bad Content-Length value, which may be a misplaced credential. */
    @Test
    void aDecoderFailureNeverQuotesAHeaderValue() {
        Problem cl = StrictRequestDecoder.failure(new IllegalArgumentException(
                "Content-Length value is not a number: tok-s3cr3t"), CONFIG.limits());
        assertEquals("malformed HTTP: Content-Length value is not a number", cl.detail());
        Problem name = StrictRequestDecoder.failure(new IllegalArgumentException("a header name can only contain "
                + "\"token\" characters, but found invalid character 0x20 at index 6 of header 'Bearer tok-s3cr3t'."),
                CONFIG.limits());
        assertEquals("malformed HTTP: a header name can only contain \"token\" characters, but found invalid character "
                + "0x20 at index 6 of header 'Bearer...'.", name.detail());
    }
}
