package dev.authgate.observe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the rejections explorer shows of a rejected request's headers, never a value that could be a secret: the
 * sender's delivery id ({@code X-GitHub-Delivery}, {@code webhook-id}, ...), and for each credential header present
 * (authorization, API-key, cookie and signature headers) its name, its value's length, a fingerprint and whether it
 * ends with a newline. Computed only for a rejection that the ring keeps.
 */
public final class RejectionHeaders {
    /** Headers shown per rejection at the most. */
    static final int MAX_HEADERS = 8;
    static final int MAX_DELIVERY_ID_CHARS = 128;

    private static final Set<String> CREDENTIAL = Set.of("authorization", "proxy-authorization", "cookie", "x-api-key",
            "api-key", "apikey", "x-api-token", "x-auth-token", "token");
    private static final List<String> DELIVERY = List.of("x-github-delivery", "webhook-id", "svix-id",
            "x-gitlab-event-uuid", "x-shopify-webhook-id", "x-delivery-id");

    /**
     * A credential header that was present.
     *
     * @param name            the header's name as sent (cut to 64 characters)
     * @param scheme          the scheme word of an {@code Authorization} value ({@code Bearer}, ...), or null
     * @param length          the value's length in characters (after the scheme word and its space, if any)
     * @param fingerprint     {@code sha256:} + the first 8 hex digits of the SHA-256 of that part of the value, as the
     *                        access log names credentials without an id; null for Basic and {@code Cookie}, whose
     *                        values may be guessable passwords
     * @param endsWithNewline the value ends with a newline or a literal {@code \n} (a secret copied from a file)
     */
    public record CredentialHeader(String name, String scheme, int length, String fingerprint, boolean endsWithNewline) {
    }

    /** The sender's delivery id (cut to 128 characters) or null, and the credential headers present. */
    public record Summary(String deliveryId, List<CredentialHeader> credentials) {
        static final Summary NONE = new Summary(null, List.of());
    }

    private RejectionHeaders() {
    }

    static Summary summarize(Iterable<Map.Entry<String, String>> headers) {
        if (headers == null) return Summary.NONE;
        String delivery = null;
        int deliveryRank = Integer.MAX_VALUE;
        List<CredentialHeader> credentials = new ArrayList<>(2);
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            int rank = DELIVERY.indexOf(name);
            if (rank >= 0 && rank < deliveryRank) {
                deliveryRank = rank;
                delivery = cut(h.getValue(), MAX_DELIVERY_ID_CHARS);
            } else if (credentials.size() < MAX_HEADERS && isCredential(name)) {
                credentials.add(credential(h.getKey(), h.getValue(), name.endsWith("authorization")));
            }
        }
        return delivery == null && credentials.isEmpty() ? Summary.NONE : new Summary(delivery, List.copyOf(credentials));
    }

    /** A header whose whole value is a secret: {@code Cookie} and the usual API-key headers. */
    static boolean isSecret(String lowerName) {
        return CREDENTIAL.contains(lowerName);
    }

    private static boolean isCredential(String lowerName) {
        return CREDENTIAL.contains(lowerName) || lowerName.contains("signature") || lowerName.contains("hmac");
    }

    private static CredentialHeader credential(String name, String value, boolean hasScheme) {
        String scheme = null;
        String credential = value;
        int space = value.indexOf(' ');
        if (hasScheme && space > 0) {
            scheme = cut(value.substring(0, space), 32);
            credential = value.substring(space + 1);
        }
        boolean newline = value.endsWith("\n") || value.endsWith("\r") || value.endsWith("\\n");
        // a Basic credential or a cookie may hold a guessable password: 32 bits of its hash would confirm a guess
        boolean guessable = "basic".equalsIgnoreCase(scheme) || name.equalsIgnoreCase("cookie");
        return new CredentialHeader(cut(name, 64), scheme, credential.length(),
                guessable ? null : fingerprint(credential), newline);
    }

    static String fingerprint(String credential) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + AccessLogEntry.MASK;
    }
}
