package dev.authgate.auth.jwt;

import dev.authgate.auth.AuthScheme;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.Challenges;
import dev.authgate.auth.HintInput;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigMap;
import dev.authgate.config.ConfigNode;
import dev.authgate.config.ReadContext;
import dev.authgate.http.Reason;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code jwt:}: JWT access tokens from one or more issuers ({@link JwtAuthenticator}); read by {@link JwtReader}. */
public final class JwtAuthScheme implements AuthScheme<JwtConfig> {
    public static final JwtAuthScheme INSTANCE = new JwtAuthScheme();

    private JwtAuthScheme() {
    }

    @Override
    public String name() {
        return JwtConfig.NAME;
    }

    @Override
    public Class<JwtConfig> configType() {
        return JwtConfig.class;
    }

    @Override
    public JwtConfig read(ConfigNode n, ReadContext context) throws ConfigException {
        return JwtReader.read(n, context);
    }

    @Override
    public Authenticator create(JwtConfig config, AuthSupport support) {
        Map<String, KeySource> sources = new LinkedHashMap<>();
        Instant now = support.clock().instant();
        for (int i = 0; i < config.issuers().size(); i++) {
            JwtIssuer issuer = config.issuers().get(i);
            try {
                KeySource source;
                if (issuer.jwksUrl() != null) {
                    source = JwksFetcher.of(support.services()).keys(issuer.issuer(), issuer.jwksUrl(),
                            support.clock());
                } else if (issuer.secret() != null) {
                    source = StaticKeys.secret(issuer.secret(), now);
                } else {
                    source = StaticKeys.pem(issuer.keys(), now);
                }
                sources.put(issuer.issuer(), source);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("issuers[" + i + "]." + e.getMessage(), e);
            }
        }
        return new JwtAuthenticator(config, sources, support.clock());
    }

    @Override
    public Set<Reason> reasons() {
        return EnumSet.of(Reason.CREDENTIALS_MISSING, Reason.BEARER_PREFIX_MISSING, Reason.SCHEME_MISMATCH,
                Reason.CREDENTIALS_MALFORMED, Reason.CREDENTIALS_WHITESPACE, Reason.TOKEN_MALFORMED,
                Reason.TOKEN_ALGORITHM_NOT_ALLOWED, Reason.TOKEN_ISSUER_UNKNOWN, Reason.TOKEN_KEY_UNKNOWN,
                Reason.TOKEN_SIGNATURE_INVALID, Reason.TOKEN_EXPIRED, Reason.TOKEN_NOT_YET_VALID,
                Reason.TOKEN_AUDIENCE_MISMATCH, Reason.TOKEN_CLAIM_INVALID, Reason.SCOPE_INSUFFICIENT,
                Reason.KEYS_UNAVAILABLE);
    }

    @Override
    public String expects(JwtConfig config) {
        List<String> issuers = new ArrayList<>();
        for (JwtIssuer i : config.issuers()) {
            issuers.add(i.issuer() + " (aud " + (i.audiences() == null ? "any" : String.join("|", i.audiences()))
                    + ")");
        }
        return "Authorization: Bearer <JWT> (issuers: " + String.join(", ", issuers)
                + (config.scopes().isEmpty() ? "" : "; scopes: " + String.join(" ", config.scopes())) + ")";
    }

    /** What the route's challenge realm is, for {@code jwt inspect}. */
    static String realm(JwtConfig config) {
        return Challenges.realm(config.realm());
    }

    @Override
    public List<String> notes(JwtConfig config, boolean passed, Instant judgedAt) {
        List<String> out = new ArrayList<>();
        for (JwtIssuer i : config.issuers()) {
            if (i.jwksUrl() != null) {
                out.add("jwt: the keys of " + i.issuer() + " were fetched now from " + i.jwksUrl() + "; the gateway's "
                        + "copy may be older (refreshed every 5m-24h, refetched on an unknown kid)");
            }
        }
        out.add("jwt: exp, nbf and iat judged at " + judgedAt + " (--now judges as of the capture)");
        return out;
    }

    @Override
    public List<String> hints(JwtConfig config, HintInput in) {
        List<String> out = new ArrayList<>();
        switch (in.reason()) {
            case TOKEN_ISSUER_UNKNOWN -> out.add("configured issuers (iss must match exactly, trailing slash "
                    + "included): " + String.join(", ", config.issuers().stream().map(JwtIssuer::issuer).toList()));
            case TOKEN_EXPIRED, TOKEN_NOT_YET_VALID -> out.add("leeway is " + config.leeway().toSeconds()
                    + "s; judged at " + in.clock().instant() + (in.nowGiven() ? " (--now)"
                    : " (now; pass --now with the capture time to judge it as the gateway did)"));
            case KEYS_UNAVAILABLE -> out.add("explain fetches each jwks_url once; check that it is reachable from "
                    + "here and from the gateway");
            default -> {
            }
        }
        return out;
    }
}
