package dev.authgate.auth;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code Authorization} header value split into its scheme word and its credentials, with what is wrong with
 * the spacing between them. Parsing is lenient on purpose: the authenticators turn every odd shape into a precise
 * reason code rather than a generic failure.
 *
 * @param scheme         the scheme word as sent (e.g. {@code Bearer}, {@code basic}); null when the value does not
 *                       start with a scheme word followed by whitespace (a bare token)
 * @param credentials    what follows the scheme and its whitespace, or the whole value when there is no scheme;
 *                       empty when the scheme stands alone (never null)
 * @param spacingProblem hidden whitespace before the scheme or between scheme and credentials, e.g.
 *                       {@code "two spaces after the scheme"} or
 *                       {@code "a tab instead of the space after the scheme"}; null when the spacing is right
 */
public record AuthorizationHeader(String scheme, String credentials, String spacingProblem) {

    public static final String NAME = "Authorization";

    /** Scheme words worth naming in a detail; any other word could be a pasted secret and is never echoed. */
    private static final Map<String, String> KNOWN_SCHEMES = knownSchemes(List.of(
            "Basic", "Bearer", "Digest", "Token", "ApiKey", "Api-Key", "Key", "Negotiate", "NTLM", "HOBA",
            "Mutual", "OAuth", "DPoP", "JWT", "Hmac", "HMAC-SHA256", "Signature", "AWS4-HMAC-SHA256",
            "SCRAM-SHA-1", "SCRAM-SHA-256", "vapid", "GoogleLogin", "SharedKey", "SSWS", "Splunk", "GenieKey"));

    /**
     * Parses a header value as received. Spaces and tabs around the whole value are trimmed, as an HTTP parser
     * does; everything else is kept for the authenticator to judge.
     *
     * @return null when the value is empty after trimming
     */
    public static AuthorizationHeader parse(String value) {
        String v = trimOws(value);
        if (v.isEmpty()) {
            return null;
        }
        String leading = null;
        int lead = 0;
        while (lead < v.length() && HiddenWhitespace.isSpaceLike(v.charAt(lead))) {
            lead++;
        }
        if (lead > 0) {
            // Only hidden characters survive the trim: a zero-width or non-breaking space in front of the scheme.
            leading = HiddenWhitespace.describe(v.charAt(0)) + " before the scheme";
            v = v.substring(lead);
        }
        int s = firstSpaceLike(v);
        if (s < 0 || !isToken(v, s)) {
            return new AuthorizationHeader(null, v, leading);
        }
        String scheme = v.substring(0, s);
        int t = s;
        while (t < v.length() && HiddenWhitespace.isSpaceLike(v.charAt(t))) {
            t++;
        }
        String spacing = leading;
        if (spacing == null) {
            char first = v.charAt(s);
            if (first != ' ') {
                spacing = HiddenWhitespace.describe(first) + " instead of the space after the scheme";
            } else if (t - s > 1) {
                char second = v.charAt(s + 1);
                spacing = second == ' ' ? "two spaces after the scheme"
                        : "a space and " + HiddenWhitespace.describe(second) + " after the scheme";
            }
        }
        return new AuthorizationHeader(scheme, v.substring(t), spacing);
    }

    /** True when the scheme word is {@code expected}, compared case-insensitively (RFC 9110 §11.1). */
    public boolean hasScheme(String expected) {
        return scheme != null && scheme.equalsIgnoreCase(expected);
    }

    /** True when the credentials part is empty or only whitespace. */
    public boolean credentialsBlank() {
        return HiddenWhitespace.isBlank(credentials);
    }

    /**
     * The canonical spelling of a well-known scheme word, for details; null for any other word (which is never
     * echoed, since it may be a token pasted without its scheme).
     */
    public static String knownScheme(String word) {
        return word == null ? null : KNOWN_SCHEMES.get(word.toLowerCase(Locale.ROOT));
    }

    /**
     * True when a bare value is {@code word} alone or {@code word} glued to a colon or an equals sign
     * ({@code Bearer:abc}), i.e. a scheme written wrongly rather than a token.
     */
    public static boolean isSchemeWordAlone(String bare, String word) {
        if (!bare.regionMatches(true, 0, word, 0, word.length())) {
            return false;
        }
        return bare.length() == word.length() || bare.charAt(word.length()) == ':'
                || bare.charAt(word.length()) == '=';
    }

    /** Never the credentials: a record's generated toString would print them. */
    @Override
    public String toString() {
        return "AuthorizationHeader[scheme="
                + (scheme == null ? "none" : knownScheme(scheme) != null ? knownScheme(scheme) : "<other>")
                + ", credentials=<" + credentials.length() + " chars>, spacingProblem=" + spacingProblem + "]";
    }

    public static String trimOws(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isOws(value.charAt(start))) {
            start++;
        }
        while (end > start && isOws(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(start, end);
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static int firstSpaceLike(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (HiddenWhitespace.isSpaceLike(v.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** RFC 9110 token: 1*tchar. */
    private static boolean isToken(String v, int end) {
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = v.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> knownSchemes(List<String> names) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String n : names) {
            m.put(n.toLowerCase(Locale.ROOT), n);
        }
        return Map.copyOf(m);
    }
}
