package dev.authgate.auth.hmac;

import io.netty.buffer.ByteBuf;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A compiled {@code payload:} template such as {@code v0:{timestamp}:{body}}. Literal text is UTF-8; values taken
 * from the request ({timestamp}, {id}, {method}, {path}, the query of {url}) are fed as the octets received (Netty
 * keeps header and request-line octets as ISO-8859-1 chars); {body} is the raw body.
 */
final class PayloadTemplate implements Payload {

    /** What a placeholder stands for. */
    enum Part {
        BODY, TIMESTAMP, ID, METHOD, PATH, URL;

        String placeholder() {
            return "{" + name().toLowerCase(Locale.ROOT) + "}";
        }
    }

    static final String PLACEHOLDERS = "{body}, {timestamp}, {id}, {method}, {path}, {url}";
    private static final byte[] QUESTION_MARK = {'?'};

    private final String text;
    private final List<Object> segments;  // byte[] literal or Part
    private final Set<Part> parts;
    private final byte[] publicUrl;       // UTF-8; null when no public_url

    private PayloadTemplate(String text, List<Object> segments, Set<Part> parts, byte[] publicUrl) {
        this.text = text;
        this.segments = segments;
        this.parts = parts;
        this.publicUrl = publicUrl;
    }

    /**
     * @param publicUrl the {@code public_url} that {url} stands for (plus the request's query), or null
     * @throws IllegalArgumentException {@code "payload: ..."} for an unknown placeholder or an unclosed brace
     */
    static PayloadTemplate compile(String text, String publicUrl) {
        List<Object> segments = new ArrayList<>();
        Set<Part> parts = EnumSet.noneOf(Part.class);
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            int close = text.indexOf('}', i);
            if (close < 0) {
                throw new IllegalArgumentException("payload: unclosed '{' at character " + (i + 1)
                        + " (expected: placeholders " + PLACEHOLDERS + ")");
            }
            String name = text.substring(i, close + 1);
            Part part = null;
            for (Part p : Part.values()) {
                if (p.placeholder().equals(name)) {
                    part = p;
                }
            }
            if (part == null) {
                throw new IllegalArgumentException("payload: unknown placeholder '" + name + "' (expected: "
                        + PLACEHOLDERS + ")");
            }
            if (literal.length() > 0) {
                segments.add(literal.toString().getBytes(StandardCharsets.UTF_8));
                literal.setLength(0);
            }
            segments.add(part);
            parts.add(part);
            i = close + 1;
        }
        if (literal.length() > 0) {
            segments.add(literal.toString().getBytes(StandardCharsets.UTF_8));
        }
        return new PayloadTemplate(text, List.copyOf(segments), parts,
                publicUrl == null ? null : publicUrl.getBytes(StandardCharsets.UTF_8));
    }

    boolean uses(Part part) {
        return parts.contains(part);
    }

    @Override
    public long feed(Mac mac, Delivery d, ByteBuf body, byte[] bodySuffix) {
        long n = 0;
        for (Object s : segments) {
            if (s instanceof byte[] literal) {
                mac.update(literal);
                n += literal.length;
                continue;
            }
            switch ((Part) s) {
                case BODY:
                    RawBody.update(mac, body);
                    n += body.readableBytes();
                    if (bodySuffix != null) {
                        mac.update(bodySuffix);
                        n += bodySuffix.length;
                    }
                    break;
                case TIMESTAMP:
                    n += octets(mac, d.timestamp());
                    break;
                case ID:
                    n += octets(mac, d.id());
                    break;
                case METHOD:
                    n += octets(mac, d.method());
                    break;
                case PATH:
                    n += octets(mac, d.path());
                    break;
                case URL:
                    n += url(mac, publicUrl, d.rawQuery());
                    break;
                default:
                    throw new AssertionError(s);
            }
        }
        return n;
    }

    /** Feeds {@code public_url} and, when the request has one, '?' and its query as received. */
    static long url(Mac mac, byte[] publicUrl, String rawQuery) {
        mac.update(publicUrl);
        long n = publicUrl.length;
        if (rawQuery != null) {
            mac.update(QUESTION_MARK);
            n += 1 + octets(mac, rawQuery);
        }
        return n;
    }

    /** Feeds a value taken from the request line or a header as the octets received. */
    static int octets(Mac mac, String value) {
        if (value == null) {
            return 0;
        }
        byte[] b = value.getBytes(StandardCharsets.ISO_8859_1);
        mac.update(b);
        return b.length;
    }

    @Override
    public boolean hashesRawBody() {
        return true;
    }

    @Override
    public String describe() {
        return text;
    }
}
