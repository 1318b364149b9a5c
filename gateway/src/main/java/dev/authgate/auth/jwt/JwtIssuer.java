package dev.authgate.auth.jwt;

import dev.authgate.config.Secret;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One {@code jwt.issuers[]} entry. Exactly one key source: {@code jwks_url}, {@code keys} (PEM public keys) or
 * {@code secret} (HS*).
 *
 * @param issuer     the exact {@code iss}
 * @param jwksUrl    the JWKS URL, or null
 * @param keys       PEM public keys (each a secret reference, read like one), empty unless static
 * @param secret     the HS shared secret (at least 32 bytes), or null
 * @param audiences  the accepted audiences (any of them), or null for {@code audiences: any}
 * @param algorithms the allowed {@code alg} values
 */
public record JwtIssuer(String issuer, URI jwksUrl, List<Secret> keys, Secret secret, List<String> audiences,
                        Set<JwtAlgorithm> algorithms) {
    public JwtIssuer {
        Objects.requireNonNull(issuer, "issuer");
        keys = List.copyOf(keys);
        audiences = audiences == null ? null : List.copyOf(audiences);
        algorithms = Set.copyOf(algorithms);
        int sources = (jwksUrl != null ? 1 : 0) + (keys.isEmpty() ? 0 : 1) + (secret != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalArgumentException("expected exactly one of jwks_url, keys, secret");
        }
        for (JwtAlgorithm a : algorithms) {
            if (a.hmac() != (secret != null)) {
                throw new IllegalArgumentException("algorithms: " + a + (a.hmac()
                        ? " needs secret: (HS* verifies with a shared secret, never with a public key)"
                        : " needs public keys (jwks_url or keys), not a secret"));
            }
        }
        if (algorithms.isEmpty()) throw new IllegalArgumentException("algorithms: at least one is required");
    }

    /** Never the secret or the keys. */
    @Override
    public String toString() {
        return "JwtIssuer[" + issuer + ", " + (jwksUrl != null ? "jwks_url=" + jwksUrl
                : secret != null ? "secret" : keys.size() + " keys") + ", algorithms=" + algorithms + "]";
    }
}
