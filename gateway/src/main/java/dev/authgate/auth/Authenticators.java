package dev.authgate.auth;

import dev.authgate.auth.hmac.HmacAuthenticator;
import dev.authgate.config.AuthConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link Authenticator} for a route's {@link AuthConfig}: one class per scheme. Called when a config is
 * loaded or reloaded (never per request): a reload builds fresh authenticators, which also empties their caches
 * (the Basic verification cache).
 */
public final class Authenticators {
    private Authenticators() {
    }

    /**
     * @param config  the route's {@code auth:} block
     * @param support the shared hashing executor (see {@link HashingExecutors#bcrypt()}) and clock
     * @return an immutable, thread-safe authenticator
     * @throws IllegalArgumentException when the config cannot be built, e.g. a Basic user whose hash is not bcrypt;
     *                                  the message has the form {@code "users.alice: problem"} (the caller prefixes
     *                                  the key path) and never contains a secret or a hash
     */
    public static Authenticator create(AuthConfig config, AuthSupport support) {
        if (config instanceof AuthConfig.None) {
            return NoneAuthenticator.INSTANCE;
        }
        if (config instanceof AuthConfig.Bearer bearer) {
            return new BearerAuthenticator(bearer);
        }
        if (config instanceof AuthConfig.ApiKey apiKey) {
            return new ApiKeyAuthenticator(apiKey);
        }
        if (config instanceof AuthConfig.Basic basic) {
            return new BasicAuthenticator(basic, support);
        }
        if (config instanceof AuthConfig.Hmac hmac) {
            return new HmacAuthenticator(hmac, support);
        }
        if (config instanceof AuthConfig.Any any) {
            List<Authenticator> members = new ArrayList<>();
            for (AuthConfig member : any.schemes()) {
                members.add(create(member, support));
            }
            return new AnyAuthenticator(members);
        }
        throw new UnsupportedOperationException("auth scheme not built yet: " + config.scheme());
    }
}
