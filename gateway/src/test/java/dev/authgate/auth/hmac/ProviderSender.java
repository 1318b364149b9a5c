package dev.authgate.auth.hmac;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static dev.authgate.auth.hmac.HmacFixtures.b64;
import static dev.authgate.auth.hmac.HmacFixtures.concat;
import static dev.authgate.auth.hmac.HmacFixtures.hex;
import static dev.authgate.auth.hmac.HmacFixtures.hmac;
import static dev.authgate.auth.hmac.HmacFixtures.utf8;

/**
 * What each provider sends, computed independently of the code under test from the provider's documented
 * algorithm, with a plain {@code javax.crypto.Mac} over concatenated bytes:
 * <ul>
 * <li>github, meta: {@code X-Hub-Signature-256: sha256=} hex HMAC-SHA256 of the body (GitHub "Validating webhook
 * deliveries", Meta "Webhooks: validate payloads"); github also sends {@code X-GitHub-Delivery}.</li>
 * <li>stripe: {@code Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "ts.body">} keyed with the literal whsec_
 * string, plus a v0 that must be ignored (Stripe "Verify signatures manually").</li>
 * <li>slack, zoom: {@code v0=} hex HMAC-SHA256 of {@code v0:<ts>:<body>} with the timestamp header.</li>
 * <li>shopify: base64 HMAC-SHA256 of the body, with {@code X-Shopify-Webhook-Id}.</li>
 * <li>standard-webhooks, svix: base64 HMAC-SHA256 of {@code id.ts.body}, keyed with the base64 after whsec_.</li>
 * <li>paddle: {@code Paddle-Signature: ts=<ts>;h1=<hex HMAC-SHA256 of "ts:body">}.</li>
 * <li>linear: hex HMAC-SHA256 of the body.</li>
 * <li>square: base64 HMAC-SHA256 of the notification URL followed by the body.</li>
 * <li>twilio: base64 HMAC-SHA1 of the URL (with query) followed by the form parameters sorted by name as
 * name+value; a non-form body instead adds {@code bodySHA256=<hex SHA-256>} to the URL.</li>
 * </ul>
 */
final class ProviderSender {
    static final String PUBLIC_URL = "https://hooks.example.com/webhooks/in";

    /** A delivery as sent: headers in order, the query string (or null), the body. */
    record Sent(Map<String, String> headers, String query, byte[] body) {
        Sent with(String header, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(header, value);
            return new Sent(h, query, body);
        }

        Sent withQuery(String q) {
            return new Sent(headers, q, body);
        }

        Sent withBody(byte[] b) {
            return new Sent(headers, query, b);
        }
    }

    private ProviderSender() {
    }

    /** Signs like {@code preset}'s provider; {@code query} is the URL's own query (or null). */
    static Sent send(String preset, String secret, byte[] body, String contentType, long ts, String id,
                     String query) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", contentType);
        byte[] key = utf8(secret);
        byte[] tsb = utf8(Long.toString(ts));
        switch (preset) {
            case "github":
                h.put("X-GitHub-Delivery", id);
                h.put("X-Hub-Signature-256", "sha256=" + hex(hmac("HmacSHA256", key, body)));
                break;
            case "meta":
                h.put("X-Hub-Signature-256", "sha256=" + hex(hmac("HmacSHA256", key, body)));
                break;
            case "stripe":
                h.put("Stripe-Signature", "t=" + ts + ",v1=" + hex(hmac("HmacSHA256", key, tsb, utf8("."), body))
                        + ",v0=" + hex(hmac("HmacSHA256", utf8("not-the-secret"), body)));
                break;
            case "slack":
                h.put("X-Slack-Request-Timestamp", Long.toString(ts));
                h.put("X-Slack-Signature", "v0=" + hex(hmac("HmacSHA256", key, utf8("v0:"), tsb, utf8(":"), body)));
                break;
            case "zoom":
                h.put("x-zm-request-timestamp", Long.toString(ts));
                h.put("x-zm-signature", "v0=" + hex(hmac("HmacSHA256", key, utf8("v0:"), tsb, utf8(":"), body)));
                break;
            case "shopify":
                h.put("X-Shopify-Webhook-Id", id);
                h.put("X-Shopify-Hmac-Sha256", b64(hmac("HmacSHA256", key, body)));
                break;
            case "standard-webhooks":
            case "svix": {
                String p = preset.equals("svix") ? "svix-" : "webhook-";
                byte[] k = Base64.getDecoder().decode(secret.substring("whsec_".length()));
                h.put(p + "id", id);
                h.put(p + "timestamp", Long.toString(ts));
                h.put(p + "signature", "v1a,c29tZXRoaW5nIGVsc2U= v1," + b64(hmac("HmacSHA256", k, utf8(id), utf8("."),
                        tsb, utf8("."), body)));
                break;
            }
            case "paddle":
                h.put("Paddle-Signature", "ts=" + ts + ";h1=" + hex(hmac("HmacSHA256", key, tsb, utf8(":"), body)));
                break;
            case "linear":
                h.put("Linear-Signature", hex(hmac("HmacSHA256", key, body)));
                break;
            case "square":
                h.put("x-square-hmacsha256-signature", b64(hmac("HmacSHA256", key,
                        utf8(PUBLIC_URL + (query == null ? "" : "?" + query)), body)));
                break;
            case "twilio":
                return twilio(h, key, body, contentType, query);
            default:
                throw new IllegalArgumentException(preset);
        }
        return new Sent(h, query, body);
    }

    private static Sent twilio(Map<String, String> h, byte[] key, byte[] body, String contentType, String query) {
        StringBuilder signed = new StringBuilder();
        if (contentType.startsWith("application/x-www-form-urlencoded")) {
            signed.append(PUBLIC_URL).append(query == null ? "" : "?" + query);
            TreeMap<String, String> params = new TreeMap<>();
            for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
                String[] kv = pair.split("=", 2);
                params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
            }
            params.forEach((k, v) -> signed.append(k).append(v));
        } else {
            String hash;
            try {
                hash = hex(MessageDigest.getInstance("SHA-256").digest(body));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            query = (query == null ? "" : query + "&") + "bodySHA256=" + hash;
            signed.append(PUBLIC_URL).append("?").append(query);
        }
        h.put("X-Twilio-Signature", b64(hmac("HmacSHA1", key, concat(utf8(signed.toString())))));
        return new Sent(h, query, body);
    }
}
