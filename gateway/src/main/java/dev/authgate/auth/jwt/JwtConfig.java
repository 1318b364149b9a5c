package dev.authgate.auth.jwt;

import dev.authgate.config.AuthConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code jwt: { issuers: [...], leeway, max_lifetime, required_claims, scopes, typ, identity_claim, forward_claims }}
 * (docs/configuration.md, "JWT bearer tokens"). Validated once by {@link JwtAuthScheme#read}.
 *
 * @param realm          the {@code WWW-Authenticate} realm, or null for the default
 * @param issuers        one or more; a token is judged by the issuer its {@code iss} names
 * @param leeway         clock skew allowed on {@code exp}, {@code nbf} and {@code iat} (0s - 5m)
 * @param maxLifetime    {@code exp - iat} above it is refused; null for no limit
 * @param requiredClaims claims that must be present
 * @param scopes         all required, from {@code scope} (space-separated) or {@code scp} (array)
 * @param typ            the required JOSE header {@code typ} (e.g. {@code at+jwt}), or null
 * @param identityClaim  the claim sent as {@code X-Auth-Identity}
 * @param forwardClaims  upstream header name to claim name
 */
public record JwtConfig(String realm, List<JwtIssuer> issuers, Duration leeway, Duration maxLifetime,
                        List<String> requiredClaims, List<String> scopes, String typ, String identityClaim,
                        Map<String, String> forwardClaims) implements AuthConfig {
    /** The YAML key. */
    public static final String NAME = "jwt";
    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(60);
    public static final Duration MAX_LEEWAY = Duration.ofMinutes(5);

    public JwtConfig {
        issuers = List.copyOf(issuers);
        if (issuers.isEmpty()) throw new IllegalArgumentException("issuers: at least one issuer is required");
        Objects.requireNonNull(leeway, "leeway");
        if (leeway.isNegative() || leeway.compareTo(MAX_LEEWAY) > 0) {
            throw new IllegalArgumentException("leeway: expected 0s to 5m, got " + leeway.toSeconds() + "s");
        }
        requiredClaims = List.copyOf(requiredClaims);
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(identityClaim, "identityClaim");
        forwardClaims = Map.copyOf(forwardClaims);
    }

    @Override
    public String scheme() {
        return NAME;
    }

    /** The issuer whose {@code issuer} is exactly {@code iss}, or null. */
    public JwtIssuer issuer(String iss) {
        for (JwtIssuer i : issuers) {
            if (i.issuer().equals(iss)) return i;
        }
        return null;
    }
}
