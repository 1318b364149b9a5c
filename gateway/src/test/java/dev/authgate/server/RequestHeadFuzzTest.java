package dev.authgate.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authgate.auth.AuthSupport;
import dev.authgate.config.LimitsConfig;
import dev.authgate.http.Problem;
import dev.authgate.testing.TestConfigs;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the server's request path up to the body, offline: raw bytes through the {@link StrictRequestDecoder} with
 * the server's settings, then {@link RequestGate#decideHead} on each decoded head, or {@link
 * StrictRequestDecoder#failure} on a refused one. Invariants: no exception; every refusal detail is short and never
 * quotes the canary credential the seeds carry ({@code Authorization: Bearer canary-...}) from a header value or
 * the query.
 */
class RequestHeadFuzzTest {
    static final String CANARY = "canary-Vb8Tq3Lw";
    private static final LimitsConfig LIMITS = LimitsConfig.defaults();
    private static final RequestGate GATE = GatewayRuntime.create(TestConfigs.gateway()
            .route(TestConfigs.respondPrefix("all", "/", TestConfigs.none()))
            .route(TestConfigs.respond("hook", "/hook", TestConfigs.none(), "POST")).build(),
            new AuthSupport(Runnable::run, Clock.systemUTC())).gate();

    @FuzzTest
    void decidesAnyBytesWithoutFailingOrQuotingACredential(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(StrictRequestDecoder.config(LIMITS)));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
            ch.finish();
            Object msg;
            while ((msg = ch.readInbound()) != null) {
                try {
                    if (!(msg instanceof HttpRequest)) continue;
                    HttpRequest req = (HttpRequest) msg;
                    Problem p;
                    // Where the canary is no secret: the method, the path, a header name (all worth naming).
                    String notSecret = req.method().name() + " " + req.uri().split("\\?", 2)[0] + " "
                            + String.join(" ", req.headers().names());
                    if (req.decoderResult().isFailure()) {
                        p = StrictRequestDecoder.failure(req.decoderResult().cause(), LIMITS);
                    } else {
                        RequestGate.HeadDecision d = GATE.decideHead(req.protocolVersion(), req.method().name(),
                                req.uri(), req.headers());
                        assertNotNull(d.target());
                        p = d instanceof RequestGate.Refused ? ((RequestGate.Refused) d).problem() : null;
                    }
                    if (p != null && !notSecret.contains(CANARY)) {
                        assertTrue(p.detail().length() <= 300, p.detail());
                        // Header names are not secrets and are worth naming; values (and the query) are.
                        String withoutNames = p.detail().replaceAll("header '[^']*'", "header");
                        assertFalse(withoutNames.contains(CANARY), p.detail());
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            fail("undocumented " + e + " on " + new String(bytes, StandardCharsets.ISO_8859_1), e);
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
