package dev.authgate.server;

import dev.authgate.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The obs-fold guard finds each head however the bytes are cut: fed whole, and fed in pieces of 1, 2, 3 and 7 bytes
 * (every split of a head, a body, a chunk line and the next pipelined head).
 */
class StrictRequestDecoderTest {

    /** What came out: "REQ /uri" or "BAD /uri" per head, "BODY text" per message end. */
    private static List<String> decode(String raw, int piece) {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(
                StrictRequestDecoder.config(LimitsConfig.defaults())));
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        int step = piece <= 0 ? bytes.length : piece;
        for (int i = 0; i < bytes.length; i += step) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(step, bytes.length - i)));
        }
        ch.finish();
        List<String> seen = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            try {
                if (msg instanceof HttpRequest) {
                    HttpRequest req = (HttpRequest) msg;
                    seen.add((req.decoderResult().isSuccess() ? "REQ " : "BAD ") + req.uri());
                }
                if (msg instanceof HttpContent) {
                    ByteBuf content = ((HttpContent) msg).content();
                    body.append(content.toString(StandardCharsets.ISO_8859_1));
                    if (msg instanceof LastHttpContent) {
                        seen.add("BODY " + body);
                        body.setLength(0);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return seen;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7})
    void refusesAFoldedHeaderAndDecodesNothingAfterIt(int piece) {
        List<String> seen = decode("POST /a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\tTransfer-Encoding: chunked\r\n"
                + "Content-Length: 2\r\n\r\nokGET /b HTTP/1.1\r\nHost: x\r\n\r\n", piece);
        assertEquals("BAD /a", seen.get(0), seen.toString());
        assertFalse(seen.contains("REQ /b"), seen.toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7})
    void refusesWhitespaceBeforeTheFirstHeader(int piece) {
        assertEquals("BAD /a", decode("POST /a HTTP/1.1\r\n Host: x\r\nContent-Length: 0\r\n\r\n", piece).get(0));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7})
    void bodiesWithIndentedLinesAreNotHeads(int piece) {
        String json = "{\r\n  \"a\": 1,\r\n\t\"b\": 2\r\n}\r\n \r\n";
        String chunk = Integer.toHexString(json.length());
        List<String> seen = decode("\r\nPOST /a HTTP/1.1\r\nHost: x\r\nContent-Length: " + json.length() + "\r\n\r\n"
                + json
                + "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + "\r\n" + json
                + "\r\n0\r\n\r\n"
                + "GET /c HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /d HTTP/1.1\r\nHost: x\r\n  folded\r\n\r\n", piece);
        assertEquals(List.of("REQ /a", "BODY " + json, "REQ /b", "BODY " + json, "REQ /c", "BODY ", "BAD /d"),
                seen.subList(0, 7));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5})
    void aCleanHeadPasses(int piece) {
        List<String> seen = decode("GET /a HTTP/1.1\r\nHost: x\r\nX-Spaced: a b\t c\r\n\r\n", piece);
        assertEquals(List.of("REQ /a", "BODY "), seen);
        assertTrue(seen.stream().noneMatch(s -> s.startsWith("BAD")));
    }
}
