package dev.authgate.auth;

import dev.authgate.config.AuthConfig;
import dev.authgate.config.AuthConfig.Credential;
import dev.authgate.config.Secret;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

class AuthenticatorsTest {
    private static final AuthSupport SUPPORT = AuthProbe.inline();
    private static final List<Credential> ONE = List.of(new Credential("a", new Secret("v-123456", "inline")));

    @Test
    void buildsOneAuthenticatorPerScheme() {
        assertSame(NoneAuthenticator.INSTANCE, Authenticators.create(new AuthConfig.None(), SUPPORT));
        assertInstanceOf(BearerAuthenticator.class, Authenticators.create(new AuthConfig.Bearer(null, ONE), SUPPORT));
        assertInstanceOf(ApiKeyAuthenticator.class, Authenticators.create(new AuthConfig.ApiKey(null, ONE), SUPPORT));
        assertInstanceOf(BasicAuthenticator.class, Authenticators.create(new AuthConfig.Basic(null,
                Map.of("alice", BasicAuthenticatorTest.ALICE_HASH), null), SUPPORT));
    }

    @Test
    void buildsAnyFromItsMembersInOrder() {
        Authenticator any = Authenticators.create(new AuthConfig.Any(List.of(
                new AuthConfig.ApiKey("X-Key-Header", ONE), new AuthConfig.Bearer("r", ONE))), SUPPORT);
        assertInstanceOf(AnyAuthenticator.class, any);
        assertEquals(List.of("ApiKey realm=\"authgate\", header=\"X-Key-Header\"", "Bearer realm=\"r\""),
                any.challenges());
    }
}
