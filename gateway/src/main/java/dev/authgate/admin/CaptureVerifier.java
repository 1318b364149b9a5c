package dev.authgate.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.authgate.auth.AuthSupport;
import dev.authgate.config.GatewayConfig;
import dev.authgate.http.Problem;
import dev.authgate.http.Reason;
import dev.authgate.observe.RedactedCredentials;
import dev.authgate.observe.RejectionCaptures;
import dev.authgate.server.GatewayRuntime;
import dev.authgate.server.RequestGate;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /rejections/{request_id}/verify}: judges a capture again against the current config as of the time its
 * head arrived ({@link RequestGate#judge}, as {@code authgate explain} does): head decisions, body size, credentials.
 * Never forwards and never asks the replay store; a runtime of its own is built for the judgement (the live one's
 * clock is now, not the capture's) and dropped after. Redacted credentials are judged as matching none
 * ({@link RedactedCredentials}).
 */
final class CaptureVerifier {
    private static final JsonFactory JSON = new JsonFactory();

    private CaptureVerifier() {
    }

    /** Writes {@code {"request_id", "received", "verdict": "pass"|"reject", "route", "status", "reason", ...}}. */
    static void verify(OutputStream out, RejectionCaptures.Capture capture, GatewayConfig config) throws IOException {
        FullHttpRequest request = parse(capture.raw());
        List<String> notes = new ArrayList<>();
        RequestGate.Verdict verdict;
        AuthSupport support = new AuthSupport(Runnable::run, Clock.fixed(capture.received(), ZoneOffset.UTC));
        try {
            RedactedCredentials.standIn(request.headers(), notes);
            GatewayRuntime runtime = GatewayRuntime.create(config, support);
            verdict = runtime.gate().judge(request.method().name(), request.uri(), request.headers(),
                    request.content(), "127.0.0.1").toCompletableFuture().join();
        } finally {
            request.release();
            support.services().close();
        }
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("request_id", capture.requestId());
            g.writeStringField("received", capture.received().toString());
            g.writeStringField("verdict", verdict.passed() ? "pass" : "reject");
            g.writeStringField("route", verdict.route() == null ? null : verdict.route().name());
            Problem p = verdict.problem();
            if (p != null) {
                g.writeNumberField("status", p.status());
                g.writeStringField("reason", p.reason().code());
                g.writeStringField("detail", p.detail());
                Reason r = p.reason();
                g.writeStringField("meaning", r.meaning());
                g.writeStringField("fix", r.fix());
            } else {
                g.writeStringField("identity", verdict.accepted() == null ? null : verdict.accepted().identity());
            }
            g.writeArrayFieldStart("notes");
            for (String n : notes) g.writeString(n);
            g.writeString("judged with the current config as of " + capture.received()
                    + "; not forwarded, the replay store not asked");
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** The capture back into a request: our own CRLF head with a Content-Length body. */
    private static FullHttpRequest parse(byte[] raw) throws IOException {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestDecoder(),
                new HttpObjectAggregator(raw.length + 1));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(raw));
            ch.finish();
            Object msg = ch.readInbound();
            if (msg instanceof FullHttpRequest r && r.decoderResult().isSuccess()) return r;
            io.netty.util.ReferenceCountUtil.release(msg);
            throw new IOException("the capture is not a whole HTTP/1.1 request");
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
