package dev.authgate.auth.hmac;

import java.util.Locale;

/** The MAC algorithms an {@code hmac:} block may name ({@code algorithm: sha256}). */
enum HmacAlgorithm {
    SHA1("sha1", "HmacSHA1", "HMAC-SHA1", 20),
    SHA256("sha256", "HmacSHA256", "HMAC-SHA256", 32),
    SHA512("sha512", "HmacSHA512", "HMAC-SHA512", 64);

    static final String KNOWN = "sha1, sha256 or sha512";

    private final String configName;
    private final String jcaName;
    private final String displayName;
    private final int macLength;

    HmacAlgorithm(String configName, String jcaName, String displayName, int macLength) {
        this.configName = configName;
        this.jcaName = jcaName;
        this.displayName = displayName;
        this.macLength = macLength;
    }

    /** The algorithm for a config value, or null when it is not one of {@link #KNOWN} (names are lower case). */
    static HmacAlgorithm byName(String name) {
        for (HmacAlgorithm a : values()) {
            if (a.configName.equals(name)) {
                return a;
            }
        }
        return null;
    }

    String configName() {
        return configName;
    }

    /** The JCA name for {@code Mac.getInstance}. */
    String jcaName() {
        return jcaName;
    }

    /** For details and logs, e.g. {@code HMAC-SHA256}. */
    String displayName() {
        return displayName;
    }

    /** The MAC length in bytes. */
    int macLength() {
        return macLength;
    }

    @Override
    public String toString() {
        return configName.toLowerCase(Locale.ROOT);
    }
}
