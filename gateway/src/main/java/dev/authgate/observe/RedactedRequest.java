package dev.authgate.observe;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A rejected request as a raw HTTP/1.1 request that {@code authgate explain} reads, with the credentials taken out
 * (docs/operations.md, "Captures"): the values of {@code Authorization} and {@code Proxy-Authorization} (after the
 * scheme word), {@code Cookie}, the usual API-key headers and the route's own are replaced by
 * {@code <redacted sha256:XXXXXXXX len=N>}; every query value by {@code redacted}. Signature and timestamp headers
 * and the body (up to {@code maxBody} bytes) are kept, so a signature can be judged again. A body cut short is sent
 * with the {@code Content-Length} of what is kept, and an {@code X-Authgate-Capture-Truncated: ORIGINAL_LENGTH}
 * header says so. Built only for a rejection, off nothing but the request's own head and buffered body.
 */
public final class RedactedRequest {
    /** The header that says a capture's body was cut to {@code capture.max_body}. */
    public static final String TRUNCATED = "X-Authgate-Capture-Truncated";
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding");

    private RedactedRequest() {
    }

    /**
     * @param uri          the request target as received
     * @param apiKeyHeader more header names (lowercase) whose values are credentials: the route's {@code api_key}
     * @param body         the buffered body (read, not consumed), or null
     */
    public static byte[] raw(String method, String uri, HttpHeaders headers, ByteBuf body, long maxBody,
                             Set<String> apiKeyHeader) {
        int length = body == null ? 0 : body.readableBytes();
        int kept = (int) Math.min(length, maxBody);
        StringBuilder head = new StringBuilder(512).append(method).append(' ').append(maskedQuery(uri))
                .append(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            if (FRAMING.contains(lower)) continue;
            head.append(name).append(": ").append(value(lower, h.getValue(), apiKeyHeader)).append("\r\n");
        }
        if (kept < length) head.append(TRUNCATED).append(": ").append(length).append("\r\n");
        if (kept > 0 || headers.contains("content-length") || headers.contains("transfer-encoding")) {
            head.append("Content-Length: ").append(kept).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + kept);
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (kept > 0) {
            byte[] b = new byte[kept];
            body.getBytes(body.readerIndex(), b);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static String value(String lowerName, String value, Set<String> apiKeyHeader) {
        if (lowerName.endsWith("authorization")) {
            int space = value.indexOf(' ');
            return space > 0 ? value.substring(0, space + 1) + redacted(value.substring(space + 1)) : redacted(value);
        }
        if (RejectionHeaders.isSecret(lowerName) || apiKeyHeader.contains(lowerName)) return redacted(value);
        return value;
    }

    /** {@code <redacted sha256:XXXXXXXX len=N>}: the fingerprint the access log uses, and the length. */
    static String redacted(String value) {
        return "<redacted " + RejectionHeaders.fingerprint(value) + " len=" + value.length() + ">";
    }

    /** The target with every query value replaced by {@code redacted} (a bare token too). */
    static String maskedQuery(String uri) {
        int q = uri.indexOf('?');
        if (q < 0) return uri;
        StringBuilder sb = new StringBuilder(uri.length()).append(uri, 0, q + 1);
        String query = uri.substring(q + 1);
        int start = 0;
        while (true) {
            int amp = query.indexOf('&', start);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', start);
            if (start > 0) sb.append('&');
            if (eq >= 0 && eq < end) {
                sb.append(query, start, eq + 1).append("redacted");
            } else if (end > start) {
                sb.append("redacted");
            }
            if (amp < 0) return sb.toString();
            start = amp + 1;
        }
    }
}
