package dev.authgate.auth;

/**
 * The shapes of a header credential that the 401 guides warn about (PRODUCT.md §12): a value URL-encoded
 * ({@code Bearer%20<token>}), kept in quotes from JSON or a form, or with its scheme pasted twice. Shared by every
 * scheme that reads a credential from a header. The checks are about the text sent, never about a configured
 * credential; only {@link #percentDecoded} hands back a form to try against them, and the caller names it only
 * when it matched (as {@code credentials_in_wrong_header} names a valid key sent elsewhere). Details name the
 * mistake and the fix, never the value, its length or a part of it.
 */
public final class CredentialMistakes {
    private CredentialMistakes() {
    }

    /**
     * A detail when an {@code Authorization} value is the scheme followed by a URL-encoded space
     * ({@code Bearer%20...}, or {@code Bearer+...} as a form encodes it); null otherwise.
     */
    public static String urlEncodedScheme(String value, String scheme) {
        for (String encoded : new String[] {"%20", "+", "%09"}) {
            if (value.regionMatches(true, 0, scheme, 0, scheme.length())
                    && value.startsWith(encoded, scheme.length())) {
                return "Authorization is URL-encoded ('" + scheme + encoded + "' where '" + scheme + " ' belongs):"
                        + " send the header value as is, not percent-encoded (expected: " + scheme
                        + ", one space, the credential)";
            }
        }
        return null;
    }

    /** A detail when {@code credentials} starts with {@code scheme} again ({@code Bearer Bearer <token>}); else null. */
    public static String schemeTwice(String credentials, String scheme) {
        if (!credentials.regionMatches(true, 0, scheme, 0, scheme.length())) {
            return null;
        }
        if (credentials.length() > scheme.length() && !HiddenWhitespace.isSpaceLike(credentials.charAt(scheme.length()))
                && credentials.charAt(scheme.length()) != ':') {
            return null;
        }
        return "Authorization has the scheme twice ('" + scheme + " " + scheme + "'): send '" + scheme
                + "' once, one space, then the credential";
    }

    /** True when the value starts or ends with a quote (straight or typographic, single or double). */
    public static boolean quoted(String value) {
        return !value.isEmpty() && (isQuote(value.charAt(0)) || isQuote(value.charAt(value.length() - 1)));
    }

    /** A detail for a credential kept in quotes, e.g. {@code what} = "the Bearer token" or "X-API-Key". */
    public static String quotedDetail(String what) {
        return what + " is in quotes (kept from JSON or a form): send the value without the quotes";
    }

    /** A detail for a credential whose percent-decoded form is a configured one. */
    public static String urlEncodedDetail(String what) {
        return what + " is URL-encoded (%XX escapes): send it as is, not percent-encoded";
    }

    /** The value without the quotes around it (one on each side, where there is one). */
    public static String unquoted(String value) {
        int start = !value.isEmpty() && isQuote(value.charAt(0)) ? 1 : 0;
        int end = value.length() > start && isQuote(value.charAt(value.length() - 1)) ? value.length() - 1
                : value.length();
        return value.substring(start, end);
    }

    /**
     * The value with its {@code %XX} escapes decoded (UTF-8, leniently: see {@link ReceivedText}), or null when it has
     * no well-formed escape (so there is nothing to try).
     */
    public static String percentDecoded(String value) {
        if (value.indexOf('%') < 0) {
            return null;
        }
        StringBuilder latin1 = new StringBuilder(value.length());
        boolean any = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length() && hex(value.charAt(i + 1)) >= 0 && hex(value.charAt(i + 2)) >= 0) {
                latin1.append((char) (hex(value.charAt(i + 1)) * 16 + hex(value.charAt(i + 2))));
                i += 2;
                any = true;
            } else {
                latin1.append(c);
            }
        }
        if (!any) {
            return null;
        }
        // Escapes stand for UTF-8 bytes; put multi-byte sequences back together, as a sender's decoder would.
        return ReceivedText.utf8View(latin1.toString());
    }

    private static int hex(char c) {
        return Character.digit(c, 16) >= 0 && c < 128 ? Character.digit(c, 16) : -1;
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '\'' || c == '\u201C' || c == '\u201D' || c == '\u2018' || c == '\u2019';
    }
}
