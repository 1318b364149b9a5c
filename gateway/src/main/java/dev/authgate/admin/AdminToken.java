package dev.authgate.admin;

import dev.authgate.config.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code admin.token}: which admin paths need {@code Authorization: Bearer <token>}, and the constant-time check of
 * it. Open without a token: {@code /healthz} and {@code /readyz} (probes), and the explorer page's HTML, script and
 * style, which hold no data (a browser cannot send a bearer token when it opens a page: the page's script asks for
 * the token and sends it with every data request). Never read from the query string.
 */
final class AdminToken {
    static final String CHALLENGE = "Bearer realm=\"authgate-admin\"";
    private static final String PREFIX = "Bearer ";

    private final byte[] digest;   // null: no token configured, every path open

    AdminToken(Secret token) {
        this.digest = token == null ? null : sha256(token.utf8());
    }

    boolean allows(String path, String authorization) {
        if (digest == null || path.equals("/healthz") || path.equals("/readyz") || RejectionsEndpoints.isAsset(path)) {
            return true;
        }
        if (authorization == null || authorization.length() <= PREFIX.length()
                || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        // equal-length digests: the comparison time says nothing about the token
        return MessageDigest.isEqual(digest,
                sha256(authorization.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
