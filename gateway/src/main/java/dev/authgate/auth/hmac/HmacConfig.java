package dev.authgate.auth.hmac;

import dev.authgate.config.AuthConfig;
import dev.authgate.config.Secret;

import java.time.Duration;
import java.util.List;

/**
 * {@code hmac:}: a preset ({@code preset: github}) or the generic fields, or a preset with some fields overridden.
 * Null fields mean "not set" (the preset's value or the generic default applies). Checks beyond the record's own
 * fields: {@link HmacSchemes#validate}.
 *
 * @param tolerance the allowed clock skew in both directions; null = the default (5m where a timestamp is signed)
 * @param publicUrl the URL the provider calls, without query (required by {@code square} and {@code twilio})
 */
public record HmacConfig(String preset, String header, String algorithm, String encoding, String prefix, String payload,
                         String timestampHeader, String idHeader, Duration tolerance, List<Secret> secrets,
                         ReplayConfig replay, String publicUrl) implements AuthConfig {
    /** The YAML key. */
    public static final String NAME = "hmac";

    public HmacConfig {
        secrets = List.copyOf(secrets);
        if (secrets.isEmpty()) throw new IllegalArgumentException("secrets: at least one secret is required");
    }

    @Override
    public String scheme() {
        return NAME;
    }

    /** {@code hmac:PRESET} for a preset, {@code hmac} for a generic block. */
    @Override
    public String summary() {
        return preset != null ? NAME + ":" + preset : NAME;
    }

    /**
     * {@code replay: { key: id | signature, ttl: 10m, on_duplicate: reject | acknowledge }}.
     *
     * @param ttl how long a committed key is remembered; null when not written (the HMAC scheme picks its default)
     */
    public record ReplayConfig(String key, Duration ttl, String onDuplicate) {
        public ReplayConfig {
            key = key == null ? "id" : key;
            if (!key.equals("id") && !key.equals("signature")) {
                throw new IllegalArgumentException("key: '" + key + "' (expected: id or signature)");
            }
            onDuplicate = onDuplicate == null ? "reject" : onDuplicate;
            if (!onDuplicate.equals("reject") && !onDuplicate.equals("acknowledge")) {
                throw new IllegalArgumentException("on_duplicate: '" + onDuplicate + "' (expected: reject or acknowledge)");
            }
        }
    }
}
