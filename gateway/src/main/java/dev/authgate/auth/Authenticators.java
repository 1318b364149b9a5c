package dev.authgate.auth;

import dev.authgate.config.AuthConfig;

/** Builds the {@link Authenticator} for a route's {@link AuthConfig}: one class per scheme. */
public final class Authenticators {
    private Authenticators() {
    }

    public static Authenticator create(AuthConfig config, AuthSupport support) {
        if (config instanceof AuthConfig.None) {
            return NoneAuthenticator.INSTANCE;
        }
        if (config instanceof AuthConfig.Hmac hmac) return new dev.authgate.auth.hmac.HmacAuthenticator(hmac, support);
        throw new UnsupportedOperationException("auth scheme not built yet: " + config.scheme());
    }
}
