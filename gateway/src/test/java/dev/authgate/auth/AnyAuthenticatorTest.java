package dev.authgate.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.authgate.auth.apikey.ApiKeyConfig;
import dev.authgate.auth.basic.BasicAuthenticatorTest;
import dev.authgate.auth.basic.BasicConfig;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.Secret;
import dev.authgate.http.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnyAuthenticatorTest {
    static final String TOKEN = "tok_any_4e1f0a9b77c3";
    static final String KEY = "ak_any_81c2d0e5a6f4";
    static final String PASSWORD = "any-p4ssw0rd-ops";
    static final String HASH = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, PASSWORD.toCharArray());

    private final AuthProbe probe = new AuthProbe().secrets(TOKEN, KEY, PASSWORD, "ops:" + PASSWORD);
    private final ThreadPoolExecutor pool = HashingExecutors.bcrypt(1, 8);
    private final TestExecutors.Counting counting = new TestExecutors.Counting(pool);
    private final AuthSupport support = AuthProbe.support(counting);

    private static final BearerConfig BEARER =
            new BearerConfig(null, List.of(new Credential("ci", new Secret(TOKEN, "env:T"))));
    private static final ApiKeyConfig API_KEY =
            new ApiKeyConfig(null, List.of(new Credential("billing", new Secret(KEY, "env:K"))));
    private static final BasicConfig BASIC = new BasicConfig("ops", Map.of("ops", HASH), null);

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        probe.close();
    }

    private Authenticator any(AuthConfig... schemes) {
        return AuthSchemes.standard().create(new AnyConfig(List.of(schemes)), support);
    }

    @Test
    void acceptsWithTheFirstSchemeThatAccepts() {
        Authenticator any = any(BEARER, API_KEY);
        AuthResult.Accepted viaKey = probe.accepted(any, probe.request("X-API-Key", KEY));
        assertEquals("api_key", viaKey.scheme());
        assertEquals("billing", viaKey.identity());
        AuthResult.Accepted viaToken = probe.accepted(any, probe.request("Authorization", "Bearer " + TOKEN));
        assertEquals("bearer", viaToken.scheme());
        assertEquals("ci", viaToken.identity());
    }

    @Test
    void stopsAtTheFirstAcceptanceSoLaterSchemesDoNotRun() {
        Authenticator any = any(API_KEY, BASIC);
        probe.accepted(any, probe.request("X-API-Key", KEY, "Authorization", BasicAuthenticatorTest.basicHeader("ops", PASSWORD)));
        assertEquals(0, counting.submissions.get(), "bcrypt ran although the API key already accepted");
    }

    @Test
    void waitsForAnAsynchronousBasicMember() {
        TestExecutors.Holding holding = new TestExecutors.Holding();
        Authenticator any = AuthSchemes.standard().create(new AnyConfig(List.of(BEARER, BASIC)),
                AuthProbe.support(holding));
        CompletableFuture<AuthResult> f = AuthProbe.future(any,
                probe.request("Authorization", BasicAuthenticatorTest.basicHeader("ops", PASSWORD)));
        assertFalse(f.isDone());
        holding.runAll();
        AuthResult.Accepted a = (AuthResult.Accepted) f.join();
        probe.record(a);
        assertEquals("basic", a.scheme());
        assertEquals("ops", a.identity());
    }

    @Test
    void givesTheReasonOfTheFirstSchemeWhoseCredentialWasPresent() {
        // Bearer saw Basic credentials (present: scheme_mismatch) before Basic judged the password.
        Authenticator any = any(API_KEY, BEARER, BASIC);
        AuthResult.Rejected r = probe.rejected(any,
                probe.request("Authorization", BasicAuthenticatorTest.basicHeader("ops", "wrong-pw-123")));
        assertEquals(Reason.SCHEME_MISMATCH, r.reason());
        assertTrue(r.credentialPresent());
    }

    @Test
    void skipsSchemesThatSawNoCredentialOfTheirOwn() {
        Authenticator any = any(API_KEY, BASIC);
        AuthResult.Rejected r = probe.rejected(any,
                probe.request("Authorization", BasicAuthenticatorTest.basicHeader("ops", "wrong-pw-123")));
        assertEquals(Reason.CREDENTIALS_INVALID, r.reason());
        assertEquals("user name or password is wrong", r.detail());
    }

    @Test
    void reportsAnInvalidApiKeyEvenWhenListedAfterBearer() {
        Authenticator any = any(BEARER, API_KEY);
        AuthResult.Rejected r = probe.rejected(any, probe.request("X-API-Key", "not-a-key-000"));
        assertEquals(Reason.CREDENTIALS_INVALID, r.reason());
        assertEquals("X-API-Key is not one of the 1 configured key", r.detail());
    }

    @Test
    void rejectsWithCredentialsMissingWhenNoSchemeSawACredential() {
        Authenticator any = any(BEARER, API_KEY);
        AuthResult.Rejected r = probe.rejected(any, probe.request("Accept", "*/*"));
        assertEquals(Reason.CREDENTIALS_MISSING, r.reason());
        assertFalse(r.credentialPresent());
        assertTrue(r.detail().startsWith("no credential for any accepted scheme (bearer: Authorization header absent"),
                r.detail());
        assertTrue(r.detail().contains("api_key: X-API-Key absent"), r.detail());
    }

    @Test
    void challengesWithEveryMembersChallenge() {
        Authenticator any = any(BEARER, API_KEY, BASIC);
        assertEquals("any", any.scheme());
        assertEquals(List.of("Bearer realm=\"authgate\"", "ApiKey realm=\"authgate\", header=\"X-API-Key\"",
                "Basic realm=\"ops\", charset=\"UTF-8\""), any.challenges());
        assertEquals("Bearer realm=\"authgate\"", any.challenge());
    }
}
