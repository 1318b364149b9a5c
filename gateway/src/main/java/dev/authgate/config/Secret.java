package dev.authgate.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A secret value read from the config ({@code ${env:NAME}}, {@code ${file:PATH}} or, discouraged, inline).
 *
 * <p>{@link #toString()} never reveals the value: it names only where the value came from, so a secret
 * that ends up in a log line, an exception or a test failure message leaks nothing.
 */
public final class Secret {
    private final String value;
    private final String origin;

    /**
     * @param value  the secret, never empty
     * @param origin where it came from, for messages: {@code env:GH_SECRET}, {@code file:/run/secrets/x} or {@code inline}
     */
    public Secret(String value, String origin) {
        this.value = Objects.requireNonNull(value, "value");
        this.origin = Objects.requireNonNull(origin, "origin");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty secret from " + origin);
        }
    }

    /** The secret itself. Callers must never log or echo it. */
    public String reveal() {
        return value;
    }

    /** The secret as UTF-8 bytes (a fresh copy). */
    public byte[] utf8() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Where the secret came from: {@code env:NAME}, {@code file:PATH} or {@code inline}. */
    public String origin() {
        return origin;
    }

    /**
     * {@code sha256:} + the first 8 hex digits of the SHA-256 of the value's UTF-8 bytes (README.md, "Reading the
     * access log").
     */
    public String fingerprint() {
        return fingerprint(value);
    }

    /** The fingerprint of any credential string, for naming credentials that have no {@code id}. */
    public static String fingerprint(String credential) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(s.utf8(), utf8());
    }

    @Override
    public int hashCode() {
        return origin.hashCode();
    }

    @Override
    public String toString() {
        return "Secret[" + origin + "]";
    }
}
