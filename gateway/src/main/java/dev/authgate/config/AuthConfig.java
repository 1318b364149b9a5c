package dev.authgate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code routes[N].auth:}: one scheme, several under {@code any:}, or {@code none}.
 *
 * <p>Field names mirror the YAML keys (PRODUCT.md §2). Validation that needs only the record's own fields
 * happens in the compact constructors with messages of the form {@code "field: problem (expected: ...)"};
 * {@link ConfigLoader} prefixes the key path and the file position.
 */
public sealed interface AuthConfig {

    /** The scheme name as logged and sent upstream in {@code X-Auth-Scheme}. */
    String scheme();

    /** {@code auth: none}: an open route. */
    record None() implements AuthConfig {
        public String scheme() { return "none"; }
    }

    /** A named credential: {@code { id: ci-bot, value: "${env:CI_TOKEN}" }}; id may be null (fingerprint is used). */
    record Credential(String id, Secret value) {
        public Credential {
            Objects.requireNonNull(value, "value");
        }

        /** The identity reported upstream and in logs: the id, else the value's fingerprint. */
        public String identity() {
            return id != null ? id : value.fingerprint();
        }
    }

    /** {@code bearer: { realm: ..., tokens: [...] }}. */
    record Bearer(String realm, List<Credential> tokens) implements AuthConfig {
        public Bearer {
            tokens = List.copyOf(tokens);
            if (tokens.isEmpty()) throw new IllegalArgumentException("tokens: at least one token is required");
        }
        public String scheme() { return "bearer"; }
    }

    /** {@code api_key: { header: X-API-Key, keys: [...] }}. */
    record ApiKey(String header, List<Credential> keys) implements AuthConfig {
        public static final String DEFAULT_HEADER = "X-API-Key";

        public ApiKey {
            header = header == null ? DEFAULT_HEADER : header;
            keys = List.copyOf(keys);
            if (keys.isEmpty()) throw new IllegalArgumentException("keys: at least one key is required");
        }
        public String scheme() { return "api_key"; }
    }

    /**
     * {@code basic: { realm: ops, users: { alice: "$2y$12$..." } }} or {@code htpasswd: FILE}. Hashes are bcrypt only;
     * the loader has already merged an htpasswd file into {@code users}.
     */
    record Basic(String realm, Map<String, String> users, Path htpasswd) implements AuthConfig {
        public Basic {
            realm = realm == null ? "authgate" : realm;
            users = Map.copyOf(users);
            if (users.isEmpty()) throw new IllegalArgumentException("users: at least one user is required");
        }
        public String scheme() { return "basic"; }

        /** Names the users, never their hashes (a bcrypt hash is still an offline-crackable secret). */
        @Override
        public String toString() {
            return "Basic[realm=" + realm + ", users=" + new java.util.TreeSet<>(users.keySet())
                    + ", htpasswd=" + htpasswd + "]";
        }
    }

    /**
     * {@code hmac:}: a preset ({@code preset: github}) or the generic fields, or a preset with some fields overridden.
     * Null fields mean "not set" (the preset's value or the generic default applies).
     *
     * @param tolerance the allowed clock skew in both directions; null = the default (5m where a timestamp is signed)
     * @param publicUrl the URL the provider calls, without query (required by {@code square} and {@code twilio})
     */
    record Hmac(String preset, String header, String algorithm, String encoding, String prefix, String payload,
                String timestampHeader, String idHeader, Duration tolerance, List<Secret> secrets,
                ReplayConfig replay, String publicUrl) implements AuthConfig {
        public Hmac {
            secrets = List.copyOf(secrets);
            if (secrets.isEmpty()) throw new IllegalArgumentException("secrets: at least one secret is required");
        }
        public String scheme() { return "hmac"; }
    }

    /**
     * {@code replay: { key: id | signature, ttl: 10m, on_duplicate: reject | acknowledge }}.
     *
     * @param ttl how long a committed key is remembered; null when not written (the HMAC scheme picks its default)
     */
    record ReplayConfig(String key, Duration ttl, String onDuplicate) {
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

    /** {@code any: [ {...}, {...} ]}: the first scheme that accepts wins. */
    record Any(List<AuthConfig> schemes) implements AuthConfig {
        public Any {
            schemes = List.copyOf(schemes);
            if (schemes.isEmpty()) throw new IllegalArgumentException("any: at least one scheme is required");
            for (AuthConfig s : schemes) {
                if (s instanceof None || s instanceof Any) {
                    throw new IllegalArgumentException("any: may not contain '" + s.scheme() + "'");
                }
            }
        }
        public String scheme() { return "any"; }
    }
}
