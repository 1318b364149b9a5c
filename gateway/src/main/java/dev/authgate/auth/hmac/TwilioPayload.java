package dev.authgate.auth.hmac;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import javax.crypto.Mac;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Twilio's signed string: {@code public_url} (+ '?' + the query as received), then, for an
 * {@code application/x-www-form-urlencoded} body, every form parameter sorted by name as name + value (decoded).
 * Any other body is signed indirectly: the URL carries {@code bodySHA256=<hex>} (covered by the signature) and the
 * body's SHA-256 must match it ({@link #checkBody}).
 */
final class TwilioPayload implements Payload {
    static final String BODY_HASH_PARAM = "bodySHA256";

    private final byte[] publicUrl;

    TwilioPayload(String publicUrl) {
        this.publicUrl = publicUrl.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public long feed(Mac mac, Delivery d, ByteBuf body, byte[] bodySuffix) {
        long n = PayloadTemplate.url(mac, publicUrl, d.rawQuery());
        if (isForm(d.contentType())) {
            for (String[] p : sortedParams(body)) {
                byte[] name = p[0].getBytes(StandardCharsets.UTF_8);
                byte[] value = p[1].getBytes(StandardCharsets.UTF_8);
                mac.update(name);
                mac.update(value);
                n += name.length + value.length;
            }
        }
        return n;
    }

    @Override
    public boolean hashesRawBody() {
        return false;
    }

    @Override
    public String describe() {
        return "public_url + query + form parameters sorted by name";
    }

    /**
     * For a body that is not form data: null when the URL's {@code bodySHA256} matches the body's SHA-256 (or the
     * body is empty and no hash is given), else a detail saying why the body is not covered.
     */
    static String checkBody(Delivery d) {
        if (isForm(d.contentType())) {
            return null;
        }
        String expected = queryParam(d.rawQuery(), BODY_HASH_PARAM);
        if (expected == null) {
            return d.body().readableBytes() == 0 ? null
                    : "the body is not form data and the URL has no " + BODY_HASH_PARAM + ", so the body is not signed";
        }
        if (expected.length() != 64 || !SignatureEncoding.isHex(expected)) {
            return BODY_HASH_PARAM + " in the URL is not 64 hex characters (got "
                    + SignatureEncoding.describe(expected) + ")";
        }
        byte[] actual = sha256(d.body());
        return MessageDigest.isEqual(actual, HexFormat.of().parseHex(expected)) ? null
                : "the body's SHA-256 does not match " + BODY_HASH_PARAM + " in the URL (" + d.body().readableBytes()
                + " bytes hashed)";
    }

    static byte[] sha256(ByteBuf body) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            RawBody.update(md, body);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
        return type.toLowerCase(Locale.ROOT).equals("application/x-www-form-urlencoded");
    }

    /** The form parameters of a body, decoded, sorted by name then value (Twilio's libraries sort by name). */
    static List<String[]> sortedParams(ByteBuf body) {
        List<String[]> params = new ArrayList<>();
        int start = body.readerIndex();
        int end = body.writerIndex();
        int from = start;
        for (int i = start; i <= end; i++) {
            if (i == end || body.getByte(i) == '&') {
                if (i > from) {
                    params.add(pair(body, from, i));
                }
                from = i + 1;
            }
        }
        params.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        return params;
    }

    private static String[] pair(ByteBuf body, int from, int to) {
        int eq = body.indexOf(from, to, (byte) '=');
        if (eq < 0) {
            return new String[]{decode(body, from, to), ""};
        }
        return new String[]{decode(body, from, eq), decode(body, eq + 1, to)};
    }

    /** The decoded value of the first query parameter called {@code name}, or null. */
    static String queryParam(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String item : rawQuery.split("&")) {
            int eq = item.indexOf('=');
            String key = eq < 0 ? item : item.substring(0, eq);
            if (decode(key).equals(name)) {
                return decode(eq < 0 ? "" : item.substring(eq + 1));
            }
        }
        return null;
    }

    /** Decodes a query component held as ISO-8859-1 chars (the octets received). */
    private static String decode(String component) {
        ByteBuf b = Unpooled.wrappedBuffer(component.getBytes(StandardCharsets.ISO_8859_1));
        return decode(b, 0, b.writerIndex());
    }

    /**
     * Decodes {@code application/x-www-form-urlencoded} octets: '+' is a space and {@code %XX} a byte; the bytes are
     * UTF-8. A '%' not followed by two hex digits stays as it is (lenient, as browsers and Twilio's libraries are).
     */
    static String decode(ByteBuf b, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte c = b.getByte(i);
            if (c == '+') {
                out.write(' ');
            } else if (c == '%' && i + 2 < to && hex(b.getByte(i + 1)) >= 0 && hex(b.getByte(i + 2)) >= 0) {
                out.write(hex(b.getByte(i + 1)) << 4 | hex(b.getByte(i + 2)));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
