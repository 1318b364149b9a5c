package dev.authgate.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The Redis key names: {@code key_prefix} + a kind + the base64url SHA-256 of what the key is about, so no signature,
 * delivery id or client address is ever stored or shown in the clear ({@code authgate:replay:Vb3…},
 * {@code authgate:fail:9xQ…}).
 */
final class RedisKeys {
    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    /** A replay key: {@code key} is the route-namespaced scheme key (a signature or a delivery id). */
    String replay(String key) {
        return prefix + "replay:" + hash(key);
    }

    /** A failed-auth counter for one client IP. */
    String failures(String ip) {
        return prefix + "fail:" + hash(ip);
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
