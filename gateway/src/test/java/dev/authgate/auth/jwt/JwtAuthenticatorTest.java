package dev.authgate.auth.jwt;

import dev.authgate.auth.AuthProbe;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.config.Secret;
import dev.authgate.http.Reason;
import dev.authgate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.authgate.auth.jwt.TestTokens.claims;
import static dev.authgate.auth.jwt.TestTokens.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code jwt} scheme with static keys and secrets: every reason, tokens minted with the JDK only. */
class JwtAuthenticatorTest {
    static final String ISS = "https://login.example.com/";
    static final String HS_ISS = "https://hs.example.com/";
    static final String HS_SECRET = "hs-secret-0123456789-abcdefghijklmnop";
    static final Instant NOW = Instant.parse("2026-12-01T11:12:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final AuthProbe probe = new AuthProbe().secrets(HS_SECRET);

    @AfterEach
    void close() {
        probe.close();
    }

    static JwtIssuer publicIssuer(Set<JwtAlgorithm> algs, String... pems) {
        return new JwtIssuer(ISS, null, java.util.Arrays.stream(pems).map(p -> new Secret(p, "file:k.pem")).toList(),
                null, List.of("orders-api"), algs);
    }

    static JwtIssuer hsIssuer() {
        return new JwtIssuer(HS_ISS, null, List.of(), new Secret(HS_SECRET, "env:HS"), List.of("orders-api"),
                EnumSet.of(JwtAlgorithm.HS256));
    }

    static String allPems() {
        return TestTokens.pem(TestTokens.keys("rsa").getPublic()) + TestTokens.pem(TestTokens.keys("ec256").getPublic())
                + TestTokens.pem(TestTokens.keys("ec384").getPublic())
                + TestTokens.pem(TestTokens.keys("ec521").getPublic());
    }

    private Authenticator jwt(Duration maxLifetime, List<String> required, List<String> scopes, String typ,
                              Map<String, String> forward) {
        JwtConfig config = new JwtConfig(null, List.of(publicIssuer(EnumSet.allOf(JwtAlgorithm.class).stream()
                .filter(a -> !a.hmac()).collect(java.util.stream.Collectors.toCollection(
                        () -> EnumSet.noneOf(JwtAlgorithm.class))), allPems()), hsIssuer()),
                JwtConfig.DEFAULT_LEEWAY, maxLifetime, required, scopes, typ, "sub", forward);
        return JwtAuthScheme.INSTANCE.create(config, new AuthSupport(Runnable::run, clock));
    }

    private Authenticator jwt() {
        return jwt(null, List.of(), List.of(), null, Map.of());
    }

    static TestTokens.Claims good() {
        return claims().iss(ISS).sub("svc-orders").aud("orders-api").iat(NOW.minusSeconds(60))
                .exp(NOW.plusSeconds(720));
    }

    static String es256(TestTokens.Claims c) {
        return TestTokens.sign(header("ES256", null, "at+jwt"), c.json(), TestTokens.keys("ec256").getPrivate(),
                "ES256");
    }

    private AuthResult.Rejected rejected(Authenticator a, String token, Reason reason) {
        AuthResult.Rejected r = probe.rejected(a, probe.request("Authorization", "Bearer " + token));
        assertEquals(reason, r.reason(), r.detail());
        String signature = token.substring(token.lastIndexOf('.') + 1);
        assertFalse(signature.length() > 8 && r.detail().contains(signature), "signature in the detail");
        return r;
    }

    @ParameterizedTest
    @CsvSource({"RS256,rsa", "RS384,rsa", "RS512,rsa", "PS256,rsa", "PS384,rsa", "PS512,rsa", "ES256,ec256",
            "ES384,ec384", "ES512,ec521"})
    void acceptsEachPublicKeyAlgorithm(String alg, String key) {
        String token = TestTokens.sign(header(alg, null, null), good().json(), TestTokens.keys(key).getPrivate(), alg);
        AuthResult.Accepted a = probe.accepted(jwt(), probe.request("Authorization", "Bearer " + token));
        assertEquals("jwt", a.scheme());
        assertEquals("svc-orders", a.identity());
        assertTrue(a.detail().contains("iss=" + ISS + " aud=[orders-api] kid=- alg=" + alg
                + " exp=2026-12-01T11:24:00Z (in 12m)"), a.detail());
        assertFalse(a.detail().contains(token.substring(token.lastIndexOf('.') + 1)));
    }

    @Test
    void acceptsHs256WithTheSecretAndMatchesTheKidOfStaticKeysByThumbprint() {
        String hs = TestTokens.hmac(header("HS256", "any", null), good().iss(HS_ISS).json(),
                HS_SECRET.getBytes(StandardCharsets.UTF_8), "HS256");
        probe.accepted(jwt(), probe.request("Authorization", "Bearer " + hs));
        String kid = new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256,
                (java.security.interfaces.ECPublicKey) TestTokens.keys("ec256").getPublic()).build().getKeyID();
        assertEquals(null, kid); // the thumbprint is computed by the gateway, not carried by the key
    }

    @Test
    void refusesAnHsTokenSignedWithThePublicKeyAgainstAnIssuerWithPublicKeys() {
        byte[] pemBytes = allPems().getBytes(StandardCharsets.UTF_8);
        String forged = TestTokens.hmac(header("HS256", null, null), good().json(), pemBytes, "HS256");
        AuthResult.Rejected r = rejected(jwt(), forged, Reason.TOKEN_ALGORITHM_NOT_ALLOWED);
        assertTrue(r.detail().startsWith("alg HS256 is not allowed for " + ISS), r.detail());
        assertTrue(r.detail().contains("this issuer has public keys"), r.detail());
        assertEquals(List.of("Bearer realm=\"authgate\", error=\"invalid_token\""), r.challenges());
    }

    @Test
    void refusesAnUnsignedTokenRfc7515A5() {
        String a5 = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
        AuthResult.Rejected r = probe.rejected(jwt(), probe.request("Authorization", "Bearer " + a5));
        assertEquals(Reason.TOKEN_MALFORMED, r.reason(), "an empty signature part is not a JWS");
        String withSig = a5 + "AAAA";
        r = probe.rejected(jwt(), probe.request("Authorization", "Bearer " + withSig));
        assertEquals(Reason.TOKEN_ALGORITHM_NOT_ALLOWED, r.reason());
        assertEquals("alg none is never accepted (an unsigned token)", r.detail());
    }

    @ParameterizedTest(name = "[{index}]")
    @ValueSource(strings = {"opaque-token-123", "a.b", "a.b.c.d.e", "e30.e30.a+b", "e30=.e30.AAAA", "bm90anNvbg.e30.AAAA",
            "eyJraWQiOiJ4In0.e30.AAAA", "eyJhbGciOiJFUzI1NiJ9.WzFd.AAAA", "eyJhbGciOiJFUzI1NiJ9.eyJleHAiOiJzb29uIn0.AAAA"})
    void namesATokenThatIsNotAJwsMalformed(String token) {
        rejected(jwt(), token, Reason.TOKEN_MALFORMED);
    }

    @Test
    void namesTheIssuerReceivedAndThoseConfigured() {
        AuthResult.Rejected r = rejected(jwt(), es256(good().iss("https://a.example/")), Reason.TOKEN_ISSUER_UNKNOWN);
        assertTrue(r.detail().startsWith("iss https://a.example/ is not configured (configured: " + ISS + ", "
                + HS_ISS + ")"), r.detail());
        r = rejected(jwt(), es256(good().remove("iss")), Reason.TOKEN_ISSUER_UNKNOWN);
        assertTrue(r.detail().startsWith("iss is absent"), r.detail());
    }

    @Test
    void refusesAnAlgorithmOutsideTheIssuersList() {
        JwtConfig config = new JwtConfig(null, List.of(publicIssuer(EnumSet.of(JwtAlgorithm.RS256), allPems())),
                Duration.ofSeconds(60), null, List.of(), List.of(), null, "sub", Map.of());
        Authenticator a = JwtAuthScheme.INSTANCE.create(config, new AuthSupport(Runnable::run, clock));
        AuthResult.Rejected r = rejected(a, es256(good()), Reason.TOKEN_ALGORITHM_NOT_ALLOWED);
        assertTrue(r.detail().startsWith("alg ES256 is not allowed for " + ISS + " (allowed: RS256)"), r.detail());
    }

    @Test
    void namesAnUnknownKidWithTheKeysItKnows() {
        String token = TestTokens.sign(header("ES256", "k-2025-11", null), good().json(),
                TestTokens.keys("ec256").getPrivate(), "ES256");
        AuthResult.Rejected r = rejected(jwt(), token, Reason.TOKEN_KEY_UNKNOWN);
        assertTrue(r.detail().startsWith("kid k-2025-11 unknown for " + ISS + " (keys: "), r.detail());
    }

    @Test
    void refusesASignatureByAnotherKeyOrOverChangedClaims() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        KeyPair other = g.generateKeyPair();
        String token = TestTokens.sign(header("ES256", null, null), good().json(), other.getPrivate(), "ES256");
        AuthResult.Rejected r = rejected(jwt(), token, Reason.TOKEN_SIGNATURE_INVALID);
        assertTrue(r.detail().startsWith("signature does not verify with the issuer's EC P-256 key (ES256)"),
                r.detail());
        String good = es256(good());
        String[] p = good.split("\\.");
        String changed = p[0] + "." + TestTokens.b64(good().sub("admin").json()) + "." + p[2];
        rejected(jwt(), changed, Reason.TOKEN_SIGNATURE_INVALID);
        String hs = TestTokens.hmac(header("HS256", null, null), good().iss(HS_ISS).json(),
                "another-secret-0123456789-abcdefghijk".getBytes(StandardCharsets.UTF_8), "HS256");
        rejected(jwt(), hs, Reason.TOKEN_SIGNATURE_INVALID);
    }

    @Test
    void expiryAndNotBeforeHonourTheLeewayToTheSecond() {
        Authenticator a = jwt();
        probe.accepted(a, probe.request("Authorization", "Bearer " + es256(good().exp(NOW.minusSeconds(60)))));
        AuthResult.Rejected r = rejected(a, es256(good().iat(NOW.minusSeconds(3 * 3600 + 12 * 60 + 600))
                .exp(NOW.minusSeconds(3 * 3600 + 12 * 60))), Reason.TOKEN_EXPIRED);
        assertTrue(r.detail().startsWith("expired 3h12m ago at 2026-12-01T08:00:00Z (leeway 60s)"), r.detail());
        rejected(a, es256(good().exp(NOW.minusSeconds(61))), Reason.TOKEN_EXPIRED);
        probe.accepted(a, probe.request("Authorization", "Bearer " + es256(good().nbf(NOW.plusSeconds(60)))));
        r = rejected(a, es256(good().nbf(NOW.plusSeconds(61))), Reason.TOKEN_NOT_YET_VALID);
        assertTrue(r.detail().startsWith("not valid before 2026-12-01T11:13:01Z, in 1m1s (leeway 60s; clock skew?)"),
                r.detail());
        probe.accepted(a, probe.request("Authorization", "Bearer " + es256(good().iat(NOW.plusSeconds(60)))));
        r = rejected(a, es256(good().iat(NOW.plusSeconds(300))), Reason.TOKEN_NOT_YET_VALID);
        assertTrue(r.detail().startsWith("issued in the future at"), r.detail());
    }

    @Test
    void aVerifiedSignatureIsRememberedButTheClaimsAreJudgedAtEveryRequest() {
        Authenticator a = jwt();
        String token = es256(good()); // exp: NOW + 12m
        probe.accepted(a, probe.request("Authorization", "Bearer " + token));
        probe.accepted(a, probe.request("Authorization", "Bearer " + token));
        assertEquals(1, ((JwtAuthenticator) a).cachedSignatures(), "the second request skips the signature check");
        String[] p = token.split("\\.");
        rejected(a, p[0] + "." + TestTokens.b64(good().sub("admin").json()) + "." + p[2],
                Reason.TOKEN_SIGNATURE_INVALID); // the same signature over other claims is another token
        clock.advance(Duration.ofMinutes(12).plusSeconds(61));
        rejected(a, token, Reason.TOKEN_EXPIRED); // remembered or not, exp is judged now
        assertEquals(2, ((JwtAuthenticator) a).cachedSignatures());
    }

    @Test
    void audienceIsAnyOfAStringOrAnArray() {
        Authenticator a = jwt();
        probe.accepted(a, probe.request("Authorization", "Bearer " + es256(good().aud(List.of("x", "orders-api")))));
        AuthResult.Rejected r = rejected(a, es256(good().aud("billing-api")), Reason.TOKEN_AUDIENCE_MISMATCH);
        assertTrue(r.detail().startsWith("aud is [billing-api], this route accepts [orders-api]"), r.detail());
        r = rejected(a, es256(good().remove("aud")), Reason.TOKEN_AUDIENCE_MISMATCH);
        assertTrue(r.detail().startsWith("aud is absent"), r.detail());
    }

    @Test
    void claimChecksNameTheClaim() {
        Authenticator a = jwt(Duration.ofHours(1), List.of("tenant_id"), List.of(), "at+jwt", Map.of());
        assertEquals("exp is absent (the gateway requires it)",
                rejected(a, es256(good().remove("exp")), Reason.TOKEN_CLAIM_INVALID).detail().split("; ")[0]);
        assertEquals("required claim tenant_id is absent",
                rejected(a, es256(good()), Reason.TOKEN_CLAIM_INVALID).detail().split("; ")[0]);
        assertEquals("lifetime exp - iat is 1d, above max_lifetime 1h", rejected(a, es256(good().set("tenant_id", "t1")
                .exp(NOW.plusSeconds(86_400 - 60))), Reason.TOKEN_CLAIM_INVALID).detail().split("; ")[0]);
        String jwtTyp = TestTokens.sign(header("ES256", null, "JWT"), good().set("tenant_id", "t").json(),
                TestTokens.keys("ec256").getPrivate(), "ES256");
        assertEquals("typ is JWT, this route requires at+jwt",
                rejected(a, jwtTyp, Reason.TOKEN_CLAIM_INVALID).detail().split("; ")[0]);
        String appTyp = TestTokens.sign(header("ES256", null, "application/AT+JWT"), good().set("tenant_id", "t").json(),
                TestTokens.keys("ec256").getPrivate(), "ES256");
        probe.accepted(a, probe.request("Authorization", "Bearer " + appTyp));
        assertEquals("identity_claim sub is absent", rejected(a, es256(good().set("tenant_id", "t").remove("sub")),
                Reason.TOKEN_CLAIM_INVALID).detail().split("; ")[0]);
    }

    @Test
    void missingScopesAre403WithTheScopeInTheChallenge() {
        Authenticator a = jwt(null, List.of(), List.of("orders:write", "orders:read"), null, Map.of());
        AuthResult.Rejected r = rejected(a, es256(good().set("scope", "orders:read profile")),
                Reason.SCOPE_INSUFFICIENT);
        assertEquals(403, r.reason().status());
        assertEquals(List.of("Bearer realm=\"authgate\", error=\"insufficient_scope\", "
                + "scope=\"orders:write orders:read\""), r.challenges());
        assertTrue(r.detail().startsWith("scope orders:write missing (token has [orders:read, profile]"), r.detail());
        probe.accepted(a, probe.request("Authorization", "Bearer "
                + es256(good().set("scp", List.of("orders:read", "orders:write")))));
    }

    @Test
    void forwardsClaimsAsHeadersAndRefusesObjects() {
        Authenticator a = jwt(null, List.of(), List.of(), null, Map.of("X-Auth-Tenant", "tenant_id",
                "X-Auth-Groups", "groups", "X-Auth-Level", "level", "X-Auth-Absent", "nope"));
        AuthResult.Accepted ok = probe.accepted(a, probe.request("Authorization", "Bearer " + es256(good()
                .set("tenant_id", "acme").set("groups", List.of("a", "b")).set("level", 3))));
        assertEquals(Map.of("X-Auth-Tenant", "acme", "X-Auth-Groups", "a,b", "X-Auth-Level", "3"),
                ok.upstreamHeaders());
        assertEquals(Set.of("X-Auth-Tenant", "X-Auth-Groups", "X-Auth-Level", "X-Auth-Absent"),
                Set.copyOf(ok.vouchedHeaders()));
        AuthResult.Rejected r = rejected(a, es256(good().set("tenant_id", Map.of("id", "x"))),
                Reason.TOKEN_CLAIM_INVALID);
        assertTrue(r.detail().startsWith("claim tenant_id (forwarded as X-Auth-Tenant) is an object"), r.detail());
        rejected(a, es256(good().set("tenant_id", "a\r\nX-Evil: 1")), Reason.TOKEN_CLAIM_INVALID);
    }

    @Test
    void onAnAnyRouteTheJwtErrorChallengeStandsBesideTheOtherSchemes() {
        JwtConfig jwtConfig = new JwtConfig(null, List.of(hsIssuer()), JwtConfig.DEFAULT_LEEWAY, null, List.of(),
                List.of(), null, "sub", Map.of());
        dev.authgate.auth.AnyConfig any = new dev.authgate.auth.AnyConfig(List.of(
                new dev.authgate.auth.apikey.ApiKeyConfig("X-API-Key", List.of(new dev.authgate.auth.Credential("k",
                        new Secret("api-key-0123456789", "inline")))), jwtConfig));
        Authenticator a = dev.authgate.auth.schemes.AuthSchemes.standard().create(any,
                new AuthSupport(Runnable::run, clock));
        String expired = TestTokens.hmac(header("HS256", null, null), good().iss(HS_ISS)
                .exp(NOW.minusSeconds(3600)).json(), HS_SECRET.getBytes(StandardCharsets.UTF_8), "HS256");
        AuthResult.Rejected r = rejected(a, expired, Reason.TOKEN_EXPIRED);
        assertEquals(List.of("ApiKey realm=\"authgate\", header=\"X-API-Key\"",
                "Bearer realm=\"authgate\", error=\"invalid_token\""), r.challenges());
    }

    @Test
    void bearerHeaderMistakesKeepTheirReasons() {
        Authenticator a = jwt();
        String token = es256(good());
        assertEquals(Reason.CREDENTIALS_MISSING, probe.rejected(a, probe.request("X-Other", "1")).reason());
        assertEquals(null, probe.rejected(a, probe.request("X-Other", "1")).challenges());
        assertEquals(Reason.BEARER_PREFIX_MISSING, probe.rejected(a, probe.request("Authorization", token)).reason());
        assertEquals(Reason.SCHEME_MISMATCH, probe.rejected(a, probe.request("Authorization", "Basic " + token))
                .reason());
        assertEquals(Reason.CREDENTIALS_WHITESPACE, probe.rejected(a, probe.request("Authorization",
                "Bearer  " + token)).reason());
    }

    @Test
    void rfc7515AppendixVectorsVerify() throws Exception {
        String payload = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
        String a1 = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + payload
                + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        String a2 = "eyJhbGciOiJSUzI1NiJ9." + payload + ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7"
                + "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvk"
                + "SjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np"
                + "6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
        String a3 = "eyJhbGciOiJFUzI1NiJ9." + payload
                + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx"
                + "HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf"
                + "63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXF"
                + "vUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ\",\"e\":\"AQAB\"},"
                + "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
                + "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";
        byte[] hmacKey = java.util.Base64.getUrlDecoder()
                .decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
        Instant then = Instant.ofEpochSecond(1300819380 - 600);
        for (String[] c : new String[][] {{a1, "HS256"}, {a2, "RS256"}, {a3, "ES256"}}) {
            boolean hs = c[1].equals("HS256");
            KeySource keys = StaticKeys.of(new KeySet(hs ? List.of(JwtKey.secret(hmacKey)) : JwksKeys.parse(jwks),
                    then));
            JwtIssuer joe = hs ? new JwtIssuer("joe", null, List.of(), new Secret("unused-secret-0123456789-0123456789",
                    "test"), null, EnumSet.of(JwtAlgorithm.HS256))
                    : new JwtIssuer("joe", null, List.of(new Secret("unused", "test")), null, null,
                    EnumSet.of(JwtAlgorithm.valueOf(c[1])));
            JwtConfig config = new JwtConfig(null, List.of(joe), Duration.ofSeconds(60), null, List.of(), List.of(),
                    null, "iss", Map.of());
            JwtVerdict v = new JwtVerifier(config, Map.of("joe", keys), new MutableClock(then)).verify(c[0])
                    .toCompletableFuture().get();
            assertTrue(v.accepted(), c[1] + ": " + v.fullDetail());
            assertEquals("joe", v.identity());
            String tampered = c[0].substring(0, c[0].length() - 2) + (c[0].endsWith("AA") ? "BA" : "AA");
            JwtVerdict bad = new JwtVerifier(config, Map.of("joe", keys), new MutableClock(then)).verify(tampered)
                    .toCompletableFuture().get();
            assertEquals(Reason.TOKEN_SIGNATURE_INVALID, bad.reason(), c[1]);
        }
    }
}
