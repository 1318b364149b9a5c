package dev.authgate.auth.bearer;

import dev.authgate.auth.AuthScheme;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.Challenges;
import dev.authgate.auth.Credential;
import dev.authgate.auth.HintInput;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigMap;
import dev.authgate.config.ConfigNode;
import dev.authgate.config.ReadContext;
import dev.authgate.config.Secret;
import dev.authgate.http.Reason;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code bearer:}: {@code Authorization: Bearer <token>} against configured tokens ({@link BearerAuthenticator}). */
public final class BearerAuthScheme implements AuthScheme<BearerConfig> {
    public static final BearerAuthScheme INSTANCE = new BearerAuthScheme();

    private BearerAuthScheme() {
    }

    @Override
    public String name() {
        return BearerConfig.NAME;
    }

    @Override
    public Class<BearerConfig> configType() {
        return BearerConfig.class;
    }

    @Override
    public BearerConfig read(ConfigNode n, ReadContext context) throws ConfigException {
        ConfigMap m = n.map("realm", "tokens");
        String realm = Challenges.readRealm(m);
        List<Credential> tokens = Credential.readList(m.require("tokens"), context);
        try {
            return new BearerConfig(realm, tokens);
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    @Override
    public Authenticator create(BearerConfig config, AuthSupport support) {
        return new BearerAuthenticator(config, support.clock());
    }

    @Override
    public Set<Reason> reasons() {
        return EnumSet.of(Reason.CREDENTIALS_MISSING, Reason.BEARER_PREFIX_MISSING, Reason.SCHEME_MISMATCH,
                Reason.CREDENTIALS_MALFORMED, Reason.CREDENTIALS_WHITESPACE, Reason.CREDENTIALS_IN_WRONG_HEADER,
                Reason.CREDENTIALS_INVALID, Reason.CREDENTIALS_EXPIRED);
    }

    @Override
    public Map<String, Instant> expiries(BearerConfig config) {
        return Credential.expiries(config.tokens());
    }

    @Override
    public String credentialKind() {
        return "token";
    }

    @Override
    public String expects(BearerConfig config) {
        return "Authorization: Bearer <token> (tokens: " + Credential.identities(config.tokens()) + ")";
    }

    /** Which token was sent, by fingerprint (as the access log names credentials without an id). */
    @Override
    public List<String> hints(BearerConfig config, HintInput in) {
        if (in.reason() != Reason.CREDENTIALS_INVALID || in.headers() == null) return List.of();
        String v = in.headers().get("Authorization");
        if (v == null || !v.trim().regionMatches(true, 0, "Bearer ", 0, 7)) return List.of();
        return List.of("the token sent has fingerprint " + Secret.fingerprint(v.trim().substring(7).trim())
                + "; configured tokens: " + Credential.fingerprints(config.tokens()));
    }
}
