package dev.authgate.auth.apikey;

import dev.authgate.auth.AuthProbe;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.Credential;
import dev.authgate.config.Secret;
import dev.authgate.http.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeyAuthenticatorTest {
    static final String BILLING_KEY = "ak_live_9d41c7e0b3aa52f6";
    static final String REPORTS_KEY = "ak_live_31fe08d6c9b27e4d";
    static final String OTHER_VALUE = "ak_live_0000deadbeef0000";

    private final AuthProbe probe = new AuthProbe().secrets(BILLING_KEY, REPORTS_KEY, OTHER_VALUE);
    private final ApiKeyAuthenticator apiKey = authenticator(null);

    private static ApiKeyAuthenticator authenticator(String header) {
        return new ApiKeyAuthenticator(new ApiKeyConfig(header, List.of(
                new Credential("billing", new Secret(BILLING_KEY, "env:BILLING_KEY")),
                new Credential(null, new Secret(REPORTS_KEY, "env:REPORTS_KEY")))));
    }

    @AfterEach
    void releaseAndCheckForLeaks() {
        probe.close();
    }

    @Test
    void acceptsAConfiguredKeyInXApiKeyWithItsId() {
        AuthResult.Accepted a = probe.accepted(apiKey, probe.request("X-API-Key", BILLING_KEY));
        assertEquals("api_key", a.scheme());
        assertEquals("billing", a.identity());
        assertEquals(List.of("X-API-Key"), a.credentialHeaders());
    }

    @Test
    void matchesTheHeaderNameCaseInsensitively() {
        probe.accepted(apiKey, probe.request("x-api-key", BILLING_KEY));
    }

    @Test
    void namesAKeyWithoutIdByItsFingerprint() {
        assertEquals(Secret.fingerprint(REPORTS_KEY),
                probe.accepted(apiKey, probe.request("X-API-Key", REPORTS_KEY)).identity());
    }

    @Test
    void readsTheConfiguredHeader() {
        ApiKeyAuthenticator custom = authenticator("X-Billing-Key");
        AuthResult.Accepted a = probe.accepted(custom, probe.request("X-Billing-Key", BILLING_KEY));
        assertEquals(List.of("X-Billing-Key"), a.credentialHeaders());
        assertEquals("ApiKey realm=\"authgate\", header=\"X-Billing-Key\"", custom.challenge());
    }

    @Test
    void challengesNamingTheHeader() {
        assertEquals("api_key", apiKey.scheme());
        assertEquals(List.of("ApiKey realm=\"authgate\", header=\"X-API-Key\""), apiKey.challenges());
    }

    @Test
    void rejectsAnUnknownKeyWithCredentialsInvalid() {
        AuthResult.Rejected r = probe.rejected(apiKey, probe.request("X-API-Key", OTHER_VALUE));
        assertEquals(Reason.CREDENTIALS_INVALID, r.reason());
        assertTrue(r.credentialPresent());
        assertEquals("X-API-Key is not one of the 2 configured keys", r.detail());
    }

    @ParameterizedTest(name = "[{index}]") // values may hold test secrets: keep them out of reports
    @ValueSource(strings = {BILLING_KEY + "\u200B", "\u00A0" + BILLING_KEY, BILLING_KEY + "\\n",
            "ak_live_9d41c7e0\tb3aa52f6", BILLING_KEY + "\uFEFF", BILLING_KEY + "\r"})
    void rejectsHiddenWhitespaceWithCredentialsWhitespace(String value) {
        AuthResult.Rejected r = probe.rejected(apiKey, probe.request("X-API-Key", value));
        assertEquals(Reason.CREDENTIALS_WHITESPACE, r.reason(), r.detail());
        assertTrue(r.detail().startsWith("hidden whitespace in X-API-Key: "), r.detail());
    }

    @Test
    void rejectsASchemePrefixInsideTheKeyHeaderAsMalformed() {
        AuthResult.Rejected r = probe.rejected(apiKey, probe.request("X-API-Key", "Bearer " + BILLING_KEY));
        assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason());
        assertEquals("X-API-Key starts with a 'Bearer ' prefix (expected: the key alone)", r.detail());
    }

    @Test
    void rejectsTwoKeyHeadersAsMalformed() {
        AuthResult.Rejected r = probe.rejected(apiKey,
                probe.request("X-API-Key", BILLING_KEY, "X-API-Key", REPORTS_KEY));
        assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason());
    }

    @Test
    void rejectsNoKeyAnywhereWithCredentialsMissing() {
        AuthResult.Rejected r = probe.rejected(apiKey, probe.request("Accept", "*/*"));
        assertEquals(Reason.CREDENTIALS_MISSING, r.reason());
        assertFalse(r.credentialPresent());
        assertEquals("X-API-Key absent", r.detail());
    }

    @Test
    void rejectsAnEmptyKeyHeaderWithCredentialsMissing() {
        AuthResult.Rejected r = probe.rejected(apiKey, probe.request("X-API-Key", ""));
        assertEquals(Reason.CREDENTIALS_MISSING, r.reason());
        assertEquals("X-API-Key is empty", r.detail());
    }

    @Test
    void findsAValidKeySentAsAuthorizationBearer() {
        AuthResult.Rejected r = probe.rejected(apiKey, probe.request("Authorization", "Bearer " + BILLING_KEY));
        assertEquals(Reason.CREDENTIALS_IN_WRONG_HEADER, r.reason());
        assertTrue(r.credentialPresent());
        assertEquals("X-API-Key absent; a valid key was sent as Authorization: Bearer", r.detail());
    }

    @Test
    void findsAValidKeySentAsABareAuthorizationValue() {
        AuthResult.Rejected r = probe.rejected(apiKey, probe.request("Authorization", REPORTS_KEY));
        assertEquals(Reason.CREDENTIALS_IN_WRONG_HEADER, r.reason());
        assertEquals("X-API-Key absent; a valid key was sent as Authorization without a scheme", r.detail());
    }

    @Test
    void findsAValidKeySentAsTheBasicUserName() {
        String basic = Base64.getEncoder().encodeToString((BILLING_KEY + ":").getBytes(StandardCharsets.UTF_8));
        AuthResult.Rejected r = probe.rejected(apiKey, probe.request("Authorization", "Basic " + basic));
        assertEquals(Reason.CREDENTIALS_IN_WRONG_HEADER, r.reason());
        assertEquals("X-API-Key absent; a valid key was sent as the user name in Authorization: Basic", r.detail());
    }

    @ParameterizedTest(name = "[{index}]") // values may hold test secrets: keep them out of reports
    @ValueSource(strings = {"Api-Key", "X-Api-Token", "X-Auth-Token", "apikey", "X-Key", "api-key"})
    void findsAValidKeyInAnotherCommonKeyHeader(String header) {
        AuthResult.Rejected r = probe.rejected(apiKey, probe.request(header, BILLING_KEY));
        assertEquals(Reason.CREDENTIALS_IN_WRONG_HEADER, r.reason());
        assertTrue(r.detail().startsWith("X-API-Key absent; a valid key was sent in the "), r.detail());
        assertTrue(r.detail().toLowerCase().contains(header.toLowerCase() + " header"), r.detail());
    }

    @Test
    void findsXApiKeyWhenAnotherHeaderIsConfigured() {
        AuthResult.Rejected r = probe.rejected(authenticator("X-Billing-Key"), probe.request("X-API-Key", BILLING_KEY));
        assertEquals(Reason.CREDENTIALS_IN_WRONG_HEADER, r.reason());
        assertEquals("X-Billing-Key absent; a valid key was sent in the X-API-Key header", r.detail());
    }

    @ParameterizedTest(name = "[{index}]") // values may hold test secrets: keep them out of reports
    @ValueSource(strings = {"api_key", "apikey", "key", "token", "access_token", "x-api-key", "API_KEY"})
    void findsAValidKeyInTheQueryString(String parameter) {
        AuthResult.Rejected r = probe.rejected(apiKey,
                probe.requestWithQuery("page=2&" + parameter + "=" + BILLING_KEY + "&sort=asc"));
        assertEquals(Reason.CREDENTIALS_IN_WRONG_HEADER, r.reason());
        assertEquals("X-API-Key absent; a valid key was sent in the query string parameter "
                + parameter.toLowerCase(), r.detail());
    }

    @Test
    void decodesPercentEncodingInTheQueryString() {
        String key = "ak+live/9d41==";
        ApiKeyAuthenticator odd = new ApiKeyAuthenticator(new ApiKeyConfig(null,
                List.of(new Credential("odd", new Secret(key, "inline")))));
        AuthResult.Rejected r = probe.rejected(odd, probe.requestWithQuery("api_key=ak%2Blive%2F9d41%3D%3D"));
        assertEquals(Reason.CREDENTIALS_IN_WRONG_HEADER, r.reason());
    }

    @Test
    void ignoresMalformedQueryStrings() {
        AuthResult.Rejected r = probe.rejected(apiKey, probe.requestWithQuery("api_key=%zz&&=x&token"));
        assertEquals(Reason.CREDENTIALS_MISSING, r.reason());
    }

    @Test
    void saysAuthorizationCarriedSomethingThatIsNotAKey() {
        AuthResult.Rejected r = probe.rejected(apiKey, probe.request("Authorization", "Bearer " + OTHER_VALUE));
        assertEquals(Reason.CREDENTIALS_MISSING, r.reason());
        assertFalse(r.credentialPresent());
        assertEquals("X-API-Key absent; Authorization: Bearer carries a value that is not a configured key",
                r.detail());
    }

    @Test
    void listsEveryPlaceThatCarriedAnUnknownValue() {
        AuthResult.Rejected r = probe.rejected(apiKey,
                probe.requestWithQuery("token=" + OTHER_VALUE, "Authorization", "Token " + OTHER_VALUE));
        assertEquals(Reason.CREDENTIALS_MISSING, r.reason());
        assertEquals("X-API-Key absent; Authorization: Token and the query string parameter token carry values "
                + "that are not configured keys", r.detail());
    }

    @Test
    void prefersTheValidPlaceOverInvalidOnes() {
        AuthResult.Rejected r = probe.rejected(apiKey,
                probe.requestWithQuery("api_key=" + BILLING_KEY, "Authorization", "Bearer " + OTHER_VALUE));
        assertEquals(Reason.CREDENTIALS_IN_WRONG_HEADER, r.reason());
        assertEquals("X-API-Key absent; a valid key was sent in the query string parameter api_key", r.detail());
    }

    @Test
    void usesTheKeyHeaderWhenBothItAndAWrongPlaceArePresent() {
        AuthResult.Rejected r = probe.rejected(apiKey,
                probe.requestWithQuery("api_key=" + BILLING_KEY, "X-API-Key", OTHER_VALUE));
        assertEquals(Reason.CREDENTIALS_INVALID, r.reason());
    }

    @Test
    void acceptsAKeyInAuthorizationWhenThatIsTheConfiguredHeader() {
        ApiKeyAuthenticator inAuthorization = authenticator("Authorization");
        assertEquals("billing", probe.accepted(inAuthorization, probe.request("Authorization", BILLING_KEY)).identity());
        AuthResult.Rejected r = probe.rejected(inAuthorization, probe.request("Authorization", "Bearer " + BILLING_KEY));
        assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason());
    }

    @Test
    void namesAKeyInQuotesUrlEncodedOrWithAZeroWidthSpaceSentAsUtf8() {
        AuthResult.Rejected quoted = probe.rejected(apiKey, probe.request("X-API-Key", "\"" + BILLING_KEY + "\""));
        assertEquals(Reason.CREDENTIALS_MALFORMED, quoted.reason());
        assertEquals("X-API-Key is in quotes (kept from JSON or a form): send the value without the quotes",
                quoted.detail());
        AuthResult.Rejected encoded = probe.rejected(apiKey, probe.request("X-API-Key",
                BILLING_KEY.replace("_", "%5F")));
        assertEquals(Reason.CREDENTIALS_MALFORMED, encoded.reason());
        assertEquals("X-API-Key is URL-encoded (%XX escapes): send it as is, not percent-encoded", encoded.detail());
        assertEquals(Reason.CREDENTIALS_INVALID, probe.rejected(apiKey, probe.request("X-API-Key",
                "ak%5Funknown")).reason(), "an unknown key is not called URL-encoded");
        String utf8AsReceived = new String((BILLING_KEY + "\u200B").getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1);
        AuthResult.Rejected zeroWidth = probe.rejected(apiKey, probe.request("X-API-Key", utf8AsReceived));
        assertEquals(Reason.CREDENTIALS_WHITESPACE, zeroWidth.reason());
        assertEquals("hidden whitespace in X-API-Key: a zero-width space (U+200B) at the end of the key",
                zeroWidth.detail());
    }
}
