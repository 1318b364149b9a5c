package dev.authgate.auth.bearer;

import dev.authgate.auth.AuthProbe;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.Credential;
import dev.authgate.config.Secret;
import dev.authgate.http.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BearerAuthenticatorTest {
    static final String CI_TOKEN = "tok_ci_7f3a9c2e41d08b55";
    static final String DEPLOY_TOKEN = "tok_deploy_0c4e99ab12f7";
    static final String ANON_TOKEN = "tok_anon_5b2d8e61ffa0";

    private final AuthProbe probe = new AuthProbe().secrets(CI_TOKEN, DEPLOY_TOKEN, ANON_TOKEN);
    private final BearerAuthenticator bearer = new BearerAuthenticator(new BearerConfig(null, List.of(
            new Credential("ci-bot", new Secret(CI_TOKEN, "env:CI_TOKEN")),
            new Credential("deployer", new Secret(DEPLOY_TOKEN, "env:DEPLOY_TOKEN")),
            new Credential(null, new Secret(ANON_TOKEN, "inline")))));

    @AfterEach
    void releaseAndCheckForLeaks() {
        probe.close();
    }

    private AuthResult.Rejected rejected(String authorization) {
        return probe.rejected(bearer, probe.request("Authorization", authorization));
    }

    @Test
    void acceptsAConfiguredTokenWithItsIdAsIdentity() {
        AuthResult.Accepted a = probe.accepted(bearer, probe.request("Authorization", "Bearer " + CI_TOKEN));
        assertEquals("bearer", a.scheme());
        assertEquals("ci-bot", a.identity());
        assertEquals(List.of("Authorization"), a.credentialHeaders());
        assertNull(a.replayKey());
    }

    @Test
    void acceptsEveryConfiguredTokenNotOnlyTheFirst() {
        assertEquals("deployer",
                probe.accepted(bearer, probe.request("Authorization", "Bearer " + DEPLOY_TOKEN)).identity());
    }

    @Test
    void namesATokenWithoutIdByItsFingerprint() {
        AuthResult.Accepted a = probe.accepted(bearer, probe.request("Authorization", "Bearer " + ANON_TOKEN));
        assertEquals(Secret.fingerprint(ANON_TOKEN), a.identity());
        assertTrue(a.identity().matches("sha256:[0-9a-f]{8}"), a.identity());
    }

    @ParameterizedTest(name = "[{index}]") // values may hold test secrets: keep them out of reports
    @ValueSource(strings = {"bearer ", "BEARER ", "BeArEr "})
    void acceptsTheSchemeWordInAnyCase(String scheme) {
        probe.accepted(bearer, probe.request("Authorization", scheme + CI_TOKEN));
    }

    @Test
    void acceptsWhitespaceAroundTheWholeValueAsHttpTrimsIt() {
        probe.accepted(bearer, probe.request("Authorization", "  Bearer " + CI_TOKEN + " \t"));
    }

    @Test
    void rejectsAMissingHeaderWithCredentialsMissing() {
        AuthResult.Rejected r = probe.rejected(bearer, probe.request("X-API-Key", "not-a-token"));
        assertEquals(Reason.CREDENTIALS_MISSING, r.reason());
        assertFalse(r.credentialPresent());
        assertTrue(r.detail().contains("Authorization header absent"), r.detail());
    }

    @Test
    void rejectsAnEmptyHeaderWithCredentialsMissing() {
        AuthResult.Rejected r = rejected("   ");
        assertEquals(Reason.CREDENTIALS_MISSING, r.reason());
        assertFalse(r.credentialPresent());
    }

    @Test
    void rejectsABareTokenWithBearerPrefixMissing() {
        AuthResult.Rejected r = rejected(CI_TOKEN);
        assertEquals(Reason.BEARER_PREFIX_MISSING, r.reason());
        assertTrue(r.credentialPresent());
        assertEquals("Authorization holds a bare token without the 'Bearer ' prefix", r.detail());
    }

    @Test
    void rejectsABareTokenWithTrailingZeroWidthSpaceAsPrefixMissingAndSaysSo() {
        AuthResult.Rejected r = rejected(CI_TOKEN + "\u200B");
        assertEquals(Reason.BEARER_PREFIX_MISSING, r.reason());
        assertTrue(r.detail().contains("zero-width space (U+200B)"), r.detail());
    }

    @ParameterizedTest(name = "[{index}]") // values may hold test secrets: keep them out of reports
    @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Token " + CI_TOKEN, "Digest username=\"x\"", "Basic"})
    void rejectsAnotherSchemeWithSchemeMismatch(String value) {
        AuthResult.Rejected r = rejected(value);
        assertEquals(Reason.SCHEME_MISMATCH, r.reason());
        assertTrue(r.credentialPresent());
        assertTrue(r.detail().contains("(expected: Bearer)"), r.detail());
    }

    @Test
    void namesAWellKnownSchemeButNeverAnUnknownWord() {
        assertEquals("Authorization uses the Basic scheme (expected: Bearer)", rejected("basic dXNlcjpwYXNz").detail());
        AuthResult.Rejected r = rejected("Secretword " + CI_TOKEN);
        assertEquals(Reason.SCHEME_MISMATCH, r.reason());
        assertEquals("Authorization uses a scheme other than Bearer (expected: Bearer)", r.detail());
    }

    @ParameterizedTest(name = "[{index}]") // values may hold test secrets: keep them out of reports
    @ValueSource(strings = {"Bearer", "bearer", "Bearer:" + CI_TOKEN, "Bearer=" + CI_TOKEN, "Bearer \u200B"})
    void rejectsBearerWithoutATokenAsMalformed(String value) {
        AuthResult.Rejected r = rejected(value);
        assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason());
        assertTrue(r.credentialPresent());
    }

    @ParameterizedTest(name = "[{index}]") // values may hold test secrets: keep them out of reports
    @ValueSource(strings = {
            "Bearer  " + CI_TOKEN,                  // two spaces after the scheme
            "Bearer\t" + CI_TOKEN,                  // a tab instead of the space
            "Bearer \t" + CI_TOKEN,                 // a space and a tab
            "Bearer\u00A0" + CI_TOKEN,              // non-breaking space
            "Bearer " + CI_TOKEN + "\u00A0",        // trailing non-breaking space (HTTP does not trim it)
            "Bearer " + CI_TOKEN + "\u200B",        // zero-width space
            "Bearer \u200C" + CI_TOKEN,             // zero-width non-joiner
            "Bearer " + CI_TOKEN + "\u200D",        // zero-width joiner
            "Bearer \uFEFF" + CI_TOKEN,             // byte order mark
            "Bearer " + CI_TOKEN + "\u2003",        // em space
            "Bearer " + CI_TOKEN + "\u3000",        // ideographic space
            "Bearer " + CI_TOKEN + "\\n",           // a literal backslash-n from a shell
            "Bearer " + CI_TOKEN + "\n",            // a real line feed
            "Bearer " + CI_TOKEN + "\r",            // a real carriage return
            "Bearer tok_ci_7f3a9c2e 41d08b55",      // a space inside the token
            "\u200BBearer " + CI_TOKEN,             // zero-width space before the scheme
    })
    void rejectsHiddenWhitespaceWithCredentialsWhitespace(String value) {
        AuthResult.Rejected r = rejected(value);
        assertEquals(Reason.CREDENTIALS_WHITESPACE, r.reason(), r.detail());
        assertTrue(r.credentialPresent());
        assertTrue(r.detail().startsWith("hidden whitespace in"), r.detail());
    }

    @Test
    void rejectsAHeaderOfOnlyHiddenWhitespaceWithCredentialsWhitespace() {
        AuthResult.Rejected r = rejected("\u200B\u00A0");
        assertEquals(Reason.CREDENTIALS_WHITESPACE, r.reason());
        assertEquals("Authorization holds only hidden whitespace: a zero-width space (U+200B)", r.detail());
    }

    @Test
    void saysWhichHiddenWhitespaceItFound() {
        assertEquals("hidden whitespace in Authorization: two spaces after the scheme "
                + "(expected: Bearer, one space, the token)", rejected("Bearer  " + CI_TOKEN).detail());
        assertEquals("hidden whitespace in Authorization: a tab instead of the space after the scheme "
                + "(expected: Bearer, one space, the token)", rejected("Bearer\t" + CI_TOKEN).detail());
        assertEquals("hidden whitespace in the Bearer token: a non-breaking space (U+00A0) at the end of the token",
                rejected("Bearer " + CI_TOKEN + "\u00A0").detail());
        assertEquals("hidden whitespace in the Bearer token: a zero-width space (U+200B) at the end of the token",
                rejected("Bearer " + CI_TOKEN + "\u200B").detail());
        assertEquals("hidden whitespace in the Bearer token: a zero-width space (U+200B) inside the token",
                rejected("Bearer tok_ci\u200B_7f3a9c2e41d08b55").detail());
        assertEquals("hidden whitespace in the Bearer token: a literal \\n at the end of the token",
                rejected("Bearer " + CI_TOKEN + "\\n").detail());
    }

    @ParameterizedTest(name = "[{index}]") // values may hold test secrets: keep them out of reports
    @ValueSource(strings = {"tok_ci_7f3a9c2e41d08b56", "tok_ci_7f3a9c2e41d08b5", "tok_ci_7f3a9c2e41d08b550", "x",
            "TOK_CI_7F3A9C2E41D08B55"})
    void rejectsAnUnknownTokenWithCredentialsInvalidAndTheSameDetailWhateverWasWrong(String token) {
        AuthResult.Rejected r = rejected("Bearer " + token);
        assertEquals(Reason.CREDENTIALS_INVALID, r.reason());
        assertTrue(r.credentialPresent());
        assertEquals("Bearer token is not one of the 3 configured tokens", r.detail());
    }

    @Test
    void rejectsTwoAuthorizationHeadersAsMalformed() {
        AuthResult.Rejected r = probe.rejected(bearer,
                probe.request("Authorization", "Bearer " + CI_TOKEN, "Authorization", "Bearer " + DEPLOY_TOKEN));
        assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason());
        assertEquals("2 Authorization headers (expected: exactly one)", r.detail());
    }

    @Test
    void completesInlineWithoutAnExecutor() {
        CompletableFuture<AuthResult> f = AuthProbe.future(bearer, probe.request("Authorization", "Bearer x"));
        assertTrue(f.isDone());
        probe.record(f.join());
    }

    @Test
    void challengesWithTheDefaultRealmOrTheConfiguredOne() {
        assertEquals("bearer", bearer.scheme());
        assertEquals("Bearer realm=\"authgate\"", bearer.challenge());
        assertEquals(List.of("Bearer realm=\"authgate\""), bearer.challenges());
        BearerAuthenticator custom = new BearerAuthenticator(new BearerConfig("ci \"area\"",
                List.of(new Credential("a", new Secret(CI_TOKEN, "inline")))));
        assertEquals("Bearer realm=\"ci \\\"area\\\"\"", custom.challenge());
    }
}
