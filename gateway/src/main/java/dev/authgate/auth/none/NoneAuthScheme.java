package dev.authgate.auth.none;

import dev.authgate.auth.AuthScheme;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigNode;
import dev.authgate.config.ReadContext;
import dev.authgate.http.Reason;

import java.util.Set;

/** {@code auth: none}: an open route; gives no reason (and is never throttled: there is no credential to guess). */
public final class NoneAuthScheme implements AuthScheme<NoneConfig> {
    public static final NoneAuthScheme INSTANCE = new NoneAuthScheme();

    private NoneAuthScheme() {
    }

    @Override
    public String name() {
        return NoneConfig.NAME;
    }

    @Override
    public Class<NoneConfig> configType() {
        return NoneConfig.class;
    }

    @Override
    public boolean plainValue() {
        return true;
    }

    @Override
    public String notInAny() {
        return "none is not allowed inside any (an open route is just auth: none)";
    }

    @Override
    public NoneConfig read(ConfigNode node, ReadContext context) throws ConfigException {
        return new NoneConfig();
    }

    @Override
    public Authenticator create(NoneConfig config, AuthSupport support) {
        return NoneAuthenticator.INSTANCE;
    }

    @Override
    public Set<Reason> reasons() {
        return Set.of();
    }

    @Override
    public String expects(NoneConfig config) {
        return NoneConfig.NAME;
    }
}
