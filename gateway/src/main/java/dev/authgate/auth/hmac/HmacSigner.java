package dev.authgate.auth.hmac;

import dev.authgate.auth.SignedRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs a request the way a route's {@code hmac:} scheme expects it (what {@code authgate sign} prints): with the
 * first secret, at the clock's current second, with a fresh delivery id where the scheme has an id header. The
 * output passes {@link HmacAuthenticator} for the same config.
 */
public final class HmacSigner {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHANUMERIC =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private HmacSigner() {
    }

    /**
     * Signs {@code body} as sent with {@code method} to {@code path}?{@code rawQuery}.
     *
     * @param rawQuery the query without '?', or null
     * @throws IllegalArgumentException when the block is invalid (see {@link HmacSchemes#validate})
     */
    public static SignedRequest sign(HmacConfig config, byte[] body, String method, String path, String rawQuery,
                              Clock clock) {
        HmacScheme scheme = HmacSchemes.resolve(config);
        String contentType = contentType(body);
        String timestamp = scheme.timestamped() ? Long.toString(clock.instant().getEpochSecond()) : null;
        String id = scheme.idHeaders().isEmpty() ? null : newId(scheme);
        String query = rawQuery;
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            if (scheme.twilio() && !TwilioPayload.isForm(contentType) && body.length > 0) {
                String hash = TwilioPayload.BODY_HASH_PARAM + "=" + HexFormat.of().formatHex(TwilioPayload.sha256(buf));
                query = query == null || query.isEmpty() ? hash : query + "&" + hash;
            }
            Delivery d = new Delivery(method, path, query, id, timestamp, contentType, buf);
            Mac mac = Mac.getInstance(scheme.algorithm().jcaName());
            mac.init(new SecretKeySpec(scheme.keys().get(0), scheme.algorithm().jcaName()));
            scheme.payload().feed(mac, d, buf, null);
            String encoded = scheme.encoding().encode(mac.doFinal());

            List<Map.Entry<String, String>> headers = new ArrayList<>();
            if (id != null) {
                headers.add(Map.entry(scheme.idHeaders().get(0), id));
            }
            if (timestamp != null && !scheme.timestampInSignatureHeader()) {
                headers.add(Map.entry(scheme.timestampHeaders().get(0), timestamp));
            }
            headers.add(Map.entry(scheme.primaryHeader(), signatureValue(scheme, encoded, timestamp)));
            headers.add(Map.entry("Content-Type", contentType));
            return new SignedRequest(headers, query);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(scheme.algorithm().displayName() + " is not available", e);
        } finally {
            buf.release();
        }
    }

    private static String signatureValue(HmacScheme scheme, String encoded, String timestamp) {
        switch (scheme.format()) {
            case PLAIN:
                return scheme.prefix() + encoded;
            case STRIPE:
                return "t=" + timestamp + ",v1=" + encoded;
            case PADDLE:
                return "ts=" + timestamp + ";h1=" + encoded;
            case STANDARD_WEBHOOKS:
                return "v1," + encoded;
            default:
                throw new AssertionError(scheme.format());
        }
    }

    private static String newId(HmacScheme scheme) {
        if (scheme.format() != SignatureFormat.STANDARD_WEBHOOKS) {
            return UUID.randomUUID().toString();
        }
        StringBuilder sb = new StringBuilder("msg_");
        for (int i = 0; i < 27; i++) {
            sb.append(ALPHANUMERIC[RANDOM.nextInt(ALPHANUMERIC.length)]);
        }
        return sb.toString();
    }

    /**
     * A Content-Type for the body: JSON when it starts with '{' or '[', form data when it looks like
     * {@code a=b&c=d}, else {@code application/octet-stream}. (Twilio's signature depends on it.)
     */
    static String contentType(byte[] body) {
        int i = 0;
        while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
            i++;
        }
        if (i < body.length && (body[i] == '{' || body[i] == '[')) {
            return "application/json";
        }
        boolean form = body.length > 0;
        boolean eq = false;
        for (byte b : body) {
            eq |= b == '=';
            form &= b > 32 && b < 127;
        }
        return form && eq ? "application/x-www-form-urlencoded" : "application/octet-stream";
    }
}
