package dev.authgate.auth.bearer;

import dev.authgate.auth.AuthProbe;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.Credential;
import dev.authgate.config.Secret;
import dev.authgate.http.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Bearer rows of PRODUCT.md §12, one sender mistake each: the reason, and a detail that names the mistake and
 * the fix without the token, its length or a part of it. Header values are built as the HTTP codec hands them over:
 * the sender's UTF-8 bytes, one ISO-8859-1 char each.
 */
class BearerSenderMistakesTest {
    static final String TOKEN = "tok_mistakes_4c1e9a07b2d3";
    private final AuthProbe probe = new AuthProbe().secrets(TOKEN);
    private final BearerAuthenticator bearer = new BearerAuthenticator(new BearerConfig(null, List.of(
            new Credential("ci-bot", new Secret(TOKEN, "env:CI_TOKEN")))));

    @AfterEach
    void releaseAndCheckForLeaks() {
        probe.close();
    }

    /** What Netty's decoder makes of a header value sent as UTF-8. */
    static String asReceived(String typed) {
        return new String(typed.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private AuthResult.Rejected rejected(String authorization) {
        return probe.rejected(bearer, probe.request("Authorization", authorization));
    }

    private static void assertNoTokenIn(AuthResult.Rejected r) {
        assertFalse(r.detail().contains(TOKEN) || r.detail().contains(TOKEN.substring(0, 8))
                || r.detail().contains(Integer.toString(TOKEN.length())), r.detail());
    }

    @Test
    void namesAUrlEncodedAuthorizationValue() {
        for (String sent : List.of("Bearer%20" + TOKEN, "bearer%20" + TOKEN, "Bearer+" + TOKEN)) {
            AuthResult.Rejected r = rejected(sent);
            assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason(), r.detail());
            assertTrue(r.detail().contains("URL-encoded"), r.detail());
            assertTrue(r.detail().contains("not percent-encoded"), r.detail());
            assertNoTokenIn(r);
        }
    }

    @Test
    void namesAUrlEncodedTokenOnlyWhenItsDecodedFormIsConfigured() {
        String escaped = TOKEN.replace("_", "%5F");
        AuthResult.Rejected r = rejected("Bearer " + escaped);
        assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason());
        assertEquals("the Bearer token is URL-encoded (%XX escapes): send it as is, not percent-encoded", r.detail());
        AuthResult.Rejected other = rejected("Bearer tok%5Fother");
        assertEquals(Reason.CREDENTIALS_INVALID, other.reason(), "an unknown token is not called URL-encoded");
    }

    @Test
    void namesATokenInQuotes() {
        for (String sent : List.of("Bearer \"" + TOKEN + "\"", "Bearer '" + TOKEN + "'", "\"Bearer " + TOKEN + "\"")) {
            AuthResult.Rejected r = rejected(sent);
            assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason(), r.detail());
            assertTrue(r.detail().contains("quotes"), r.detail());
            assertNoTokenIn(r);
        }
    }

    @Test
    void namesTheSchemePastedTwice() {
        AuthResult.Rejected r = rejected("Bearer Bearer " + TOKEN);
        assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason());
        assertEquals("Authorization has the scheme twice ('Bearer Bearer'): send 'Bearer' once, one space, then the"
                + " credential", r.detail());
        assertEquals(Reason.CREDENTIALS_MALFORMED, rejected("bearer BEARER " + TOKEN).reason());
    }

    @Test
    void namesAZeroWidthSpaceSentAsRawUtf8AndWhereItIs() {
        AuthResult.Rejected after = rejected(asReceived("Bearer \u200B" + TOKEN));
        assertEquals(Reason.CREDENTIALS_WHITESPACE, after.reason());
        assertEquals("hidden whitespace in Authorization: a space and a zero-width space (U+200B) after the scheme"
                + " (expected: Bearer, one space, the token)", after.detail());
        AuthResult.Rejected end = rejected(asReceived("Bearer " + TOKEN + "\uFEFF"));
        assertEquals(Reason.CREDENTIALS_WHITESPACE, end.reason());
        assertTrue(end.detail().contains("zero-width") && end.detail().contains("at the end of the token"),
                end.detail());
        AuthResult.Rejected inside = rejected(asReceived("Bearer tok_mistakes\u200D_4c1e9a07b2d3"));
        assertTrue(inside.detail().contains("zero-width joiner (U+200D) inside the token"), inside.detail());
        assertNoTokenIn(end);
    }

    @Test
    void namesANonBreakingSpaceInsteadOfTheSpaceAsWhitespaceNotAMissingPrefix() {
        for (String sent : List.of(asReceived("Bearer\u00A0" + TOKEN), "Bearer\u00A0" + TOKEN)) {
            AuthResult.Rejected r = rejected(sent);
            assertEquals(Reason.CREDENTIALS_WHITESPACE, r.reason(), r.detail());
            assertEquals("hidden whitespace in Authorization: a non-breaking space (U+00A0) instead of the space"
                    + " after the scheme (expected: Bearer, one space, the token)", r.detail());
        }
    }

    @Test
    void namesTheHeaderOrTheQueryStringAValidTokenCameIn() {
        for (String header : List.of("X-API-Key", "Api-Key", "Token")) {
            AuthResult.Rejected r = probe.rejected(bearer, probe.request(header, TOKEN));
            assertEquals(Reason.CREDENTIALS_IN_WRONG_HEADER, r.reason());
            assertEquals("Authorization header absent; a valid token was sent in the " + header + " header"
                    + " (expected: Authorization: Bearer <token>)", r.detail());
        }
        AuthResult.Rejected q = probe.rejected(bearer, probe.requestWithQuery("access_token=" + TOKEN));
        assertEquals(Reason.CREDENTIALS_IN_WRONG_HEADER, q.reason());
        assertEquals("Authorization header absent; a valid token was sent in the query string parameter"
                + " access_token (expected: Authorization: Bearer <token>)", q.detail());
        AuthResult.Rejected unknown = probe.rejected(bearer, probe.requestWithQuery("access_token=nope"));
        assertEquals(Reason.CREDENTIALS_MISSING, unknown.reason(), "an unknown value elsewhere confirms nothing");
    }

    @Test
    void stillAcceptsTheTokenAsSent() {
        probe.accepted(bearer, probe.request("Authorization", "Bearer " + TOKEN));
    }
}
