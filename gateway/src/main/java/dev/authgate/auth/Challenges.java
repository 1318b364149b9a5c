package dev.authgate.auth;

/** Builds {@code WWW-Authenticate} challenge values (RFC 9110 §11.6.1). */
final class Challenges {
    static final String DEFAULT_REALM = "authgate";

    private Challenges() {
    }

    /** {@code value} as a quoted-string: backslash and double quote escaped, control characters dropped. */
    static String quoted(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c >= 0x20 && c != 0x7f) {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** The configured realm, or {@value #DEFAULT_REALM} when none is set. */
    static String realm(String configured) {
        return configured == null || configured.isBlank() ? DEFAULT_REALM : configured;
    }
}
