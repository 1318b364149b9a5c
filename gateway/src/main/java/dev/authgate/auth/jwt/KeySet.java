package dev.authgate.auth.jwt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys of one issuer at one moment.
 *
 * @param keys     the verification keys
 * @param loadedAt when they were loaded (config load for static keys, the fetch for a JWKS)
 */
record KeySet(List<JwtKey> keys, Instant loadedAt) {
    KeySet {
        keys = List.copyOf(keys);
    }

    /** Keys with this {@code kid} (HS secrets match any), or all keys when {@code kid} is null. */
    List<JwtKey> withKid(String kid) {
        List<JwtKey> out = new ArrayList<>(1);
        for (JwtKey k : keys) {
            if (kid == null || k.kid() == null || k.kid().equals(kid)) out.add(k);
        }
        return out;
    }

    /** {@code k-2025-12, k-2026-01}: the key ids, for details. */
    String kids() {
        if (keys.isEmpty()) return "none";
        List<String> ids = new ArrayList<>();
        for (JwtKey k : keys) ids.add(k.kid() == null ? "(secret)" : JwtText.safe(k.kid(), 64));
        return String.join(", ", ids);
    }
}
