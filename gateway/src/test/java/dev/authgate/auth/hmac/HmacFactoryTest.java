package dev.authgate.auth.hmac;

import dev.authgate.auth.AnyConfig;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.Credential;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.Secret;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.authgate.auth.hmac.HmacFixtures.CLOCK;
import static dev.authgate.auth.hmac.HmacFixtures.Config;
import static dev.authgate.auth.hmac.HmacFixtures.support;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link dev.authgate.auth.schemes.AuthSchemes#create} builds the HMAC authenticator, alone and inside {@code any:}. */
class HmacFactoryTest {

    @Test
    void buildsAnHmacAuthenticatorForAnHmacBlock() {
        Authenticator a = AuthSchemes.standard().create(Config.preset("github").secrets("factory-secret").build(),
                support(CLOCK));
        assertInstanceOf(HmacAuthenticator.class, a);
        assertEquals("github", ((HmacAuthenticator) a).identity());
    }

    @Test
    void listsTheHmacChallengeNextToOthersOnAnAnyRoute() {
        Authenticator any = AuthSchemes.standard().create(new AnyConfig(List.of(
                Config.preset("stripe").secrets("factory-secret").build(),
                new BearerConfig("r", List.of(new Credential("ci", new Secret("tok-123456", "inline")))))),
                support(CLOCK));
        assertEquals(List.of("HMAC realm=\"authgate\", header=\"Stripe-Signature\"", "Bearer realm=\"r\""),
                any.challenges());
    }

    @Test
    void refusesAnInvalidBlockWithTheValidationMessage() {
        HmacConfig bad = Config.preset("square").secrets("factory-secret").build();
        assertEquals("public_url: required for preset 'square' (expected: the absolute https URL the provider calls,"
                + " without query string)", assertThrows(IllegalArgumentException.class,
                () -> AuthSchemes.standard().create(bad, support(CLOCK))).getMessage());
    }
}
