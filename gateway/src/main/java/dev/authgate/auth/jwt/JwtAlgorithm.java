package dev.authgate.auth.jwt;

import java.util.Locale;

/**
 * The signature algorithms a {@code jwt} issuer may allow (RFC 7518 §3.1). {@code none} is not one of them, so it
 * cannot be configured.
 */
public enum JwtAlgorithm {
    RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, HS256, HS384, HS512;

    /** The parsed value of {@code alg}, or null when it is none of these (including {@code none}). */
    public static JwtAlgorithm of(String alg) {
        if (alg == null) return null;
        for (JwtAlgorithm a : values()) {
            if (a.name().equals(alg)) return a;
        }
        return null;
    }

    /** HS256/384/512: verified with a shared secret. */
    public boolean hmac() {
        return name().startsWith("HS");
    }

    /** The JWK key type that verifies it: {@code RSA}, {@code EC} or {@code oct}. */
    public String keyType() {
        return switch (name().charAt(0)) {
            case 'R', 'P' -> "RSA";
            case 'E' -> "EC";
            default -> "oct";
        };
    }

    /** The curve of an ES* algorithm ({@code P-256}, {@code P-384}, {@code P-521}), else null. */
    public String curve() {
        return switch (this) {
            case ES256 -> "P-256";
            case ES384 -> "P-384";
            case ES512 -> "P-521";
            default -> null;
        };
    }

    /** The lowest HS secret length in bytes (RFC 7518 §3.2: at least the hash size), else 0. */
    public int minSecretBytes() {
        return hmac() ? Integer.parseInt(name().substring(2)) / 8 : 0;
    }

    /** For {@code algorithms:} messages. */
    public static String known() {
        StringBuilder sb = new StringBuilder();
        for (JwtAlgorithm a : values()) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(a.name());
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }
}
