package dev.authgate.auth.apikey;

import dev.authgate.auth.AuthScheme;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
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

/** {@code api_key:}: a key in a named header against configured keys ({@link ApiKeyAuthenticator}). */
public final class ApiKeyAuthScheme implements AuthScheme<ApiKeyConfig> {
    public static final ApiKeyAuthScheme INSTANCE = new ApiKeyAuthScheme();

    private ApiKeyAuthScheme() {
    }

    @Override
    public String name() {
        return ApiKeyConfig.NAME;
    }

    @Override
    public Class<ApiKeyConfig> configType() {
        return ApiKeyConfig.class;
    }

    @Override
    public ApiKeyConfig read(ConfigNode n, ReadContext context) throws ConfigException {
        ConfigMap m = n.map("header", "keys");
        String header = m.token("header", "a header name like X-API-Key", null);
        List<Credential> keys = Credential.readList(m.require("keys"), context);
        try {
            return new ApiKeyConfig(header, keys);
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    @Override
    public Authenticator create(ApiKeyConfig config, AuthSupport support) {
        return new ApiKeyAuthenticator(config, support.clock());
    }

    @Override
    public Set<Reason> reasons() {
        return EnumSet.of(Reason.CREDENTIALS_MISSING, Reason.CREDENTIALS_MALFORMED, Reason.CREDENTIALS_WHITESPACE,
                Reason.CREDENTIALS_IN_WRONG_HEADER, Reason.CREDENTIALS_INVALID, Reason.CREDENTIALS_EXPIRED);
    }

    @Override
    public Map<String, Instant> expiries(ApiKeyConfig config) {
        return Credential.expiries(config.keys());
    }

    @Override
    public String credentialKind() {
        return "key";
    }

    @Override
    public String expects(ApiKeyConfig config) {
        return config.header() + ": <key> (keys: " + Credential.identities(config.keys()) + ")";
    }

    /** Which key was sent, by fingerprint (as the access log names credentials without an id). */
    @Override
    public List<String> hints(ApiKeyConfig config, HintInput in) {
        if (in.reason() != Reason.CREDENTIALS_INVALID || in.headers() == null) return List.of();
        String v = in.headers().get(config.header());
        if (v == null) return List.of();
        return List.of("the key sent in " + config.header() + " has fingerprint " + Secret.fingerprint(v.trim())
                + "; configured keys: " + Credential.fingerprints(config.keys()));
    }
}
