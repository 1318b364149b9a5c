package dev.authgate.config;

/**
 * {@code routes[N].auth:}: one scheme's settings. Each scheme keeps its record in its own package
 * ({@code dev.authgate.auth.bearer.BearerConfig}, ...) and registers it in {@code dev.authgate.auth.schemes.AuthSchemes};
 * {@code any:} is {@code dev.authgate.auth.AnyConfig}. Not sealed: the records live in other packages, so the registry
 * test ({@code AuthSchemesTest}) stands in for the exhaustiveness a sealed interface gave.
 *
 * <p>Field names mirror the YAML keys (docs/configuration.md, "Auth schemes"). Validation that needs only the record's
 * own fields happens in the compact constructors with messages of the form {@code "field: problem (expected: ...)"};
 * the scheme's reader prefixes the key path and the file position ({@link ConfigMap#wrap}).
 */
public interface AuthConfig {

    /** The scheme name as logged and sent upstream in {@code X-Auth-Scheme}; also the YAML key. */
    String scheme();

    /**
     * The scheme in one word for {@code authgate check}'s route table and {@code explain}'s route line:
     * {@code bearer}, {@code hmac:github} for a preset, {@code any(bearer,api_key)}.
     */
    default String summary() {
        return scheme();
    }

    /** True when this scheme (or a member of a combinator) judges the client certificate ({@code mtls}). */
    default boolean needsClientCertificate() {
        return false;
    }
}
