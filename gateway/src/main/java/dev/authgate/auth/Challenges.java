package dev.authgate.auth;

import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigMap;
import dev.authgate.config.ConfigNode;

/** Builds {@code WWW-Authenticate} challenge values (RFC 9110 §11.6.1). */
public final class Challenges {
    public static final String DEFAULT_REALM = "authgate";

    private Challenges() {
    }

    /** {@code value} as a quoted-string: backslash and double quote escaped, control characters dropped. */
    public static String quoted(String value) {
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
    public static String realm(String configured) {
        return configured == null || configured.isBlank() ? DEFAULT_REALM : configured;
    }

    /** Reads {@code realm:} of a block; realms are sent inside a quoted string in {@code WWW-Authenticate}. */
    public static String readRealm(ConfigMap m) throws ConfigException {
        ConfigNode r = m.get("realm");
        if (r == null) return null;
        String realm = r.text();
        if (realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0) {
            throw r.error("a realm may not contain '\"' or '\\' (it is sent as a quoted string)");
        }
        return realm;
    }
}
