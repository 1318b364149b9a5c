package dev.authgate.auth.jwt;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authgate.config.Secret;
import dev.authgate.http.Reason;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the token parser ({@link JwtToken#parse}) and the whole verifier behind it: any text is a token, a
 * {@code token_malformed} or another reason, never an exception; no detail holds the HS secret, and a token is
 * accepted only when it was built from the real secret.
 */
class JwtTokenFuzzTest {
    static final String SECRET = "fuzz-hs256-secret-Qm4Z8c2Lr7Vx1Np5Kd";
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final JwtVerifier VERIFIER;

    static {
        JwtIssuer issuer = new JwtIssuer("fuzz", null, List.of(), new Secret(SECRET, "inline"), List.of("api"),
                EnumSet.of(JwtAlgorithm.HS256));
        JwtConfig config = new JwtConfig(null, List.of(issuer), Duration.ofSeconds(60), Duration.ofHours(1),
                List.of(), List.of("read"), null, "sub", Map.of("X-Tenant", "tenant"));
        VERIFIER = new JwtVerifier(config, Map.of("fuzz", StaticKeys.secret(issuer.secret(), NOW)),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** Any text through the parser: a token or one of its two refusals. */
    @FuzzTest
    void parsesAnyText(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            JwtToken t = JwtToken.parse(text);
            assertNotNull(t.algorithm());
            assertFalse(t.toString().contains(text.substring(text.lastIndexOf('.') + 1)) && text.length() > 40);
        } catch (JwtToken.Malformed | JwtToken.UnsignedAlgorithm expected) {
            assertNotNull(expected.getMessage());
        }
    }

    /** Fuzzed header and claims JSON, signed with the real secret or not, through the verifier. */
    @FuzzTest
    void judgesAnyHeaderAndClaims(FuzzedDataProvider data) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = data.consumeBoolean() ? "{\"alg\":\"HS256\"}" : data.consumeString(80);
        String claims = data.consumeBoolean()
                ? "{\"iss\":\"fuzz\",\"sub\":" + data.pickValue(new String[] {"\"s\"", "1", "[1]", "{}", "null"})
                + ",\"aud\":\"api\",\"scope\":\"read\",\"exp\":" + data.consumeLong() + ",\"iat\":" + data.consumeLong()
                + ",\"tenant\":" + data.pickValue(new String[] {"\"t\"", "[\"a\",\"b\"]", "{\"x\":1}", "1.5", "true"})
                + "}"
                : data.consumeString(200);
        boolean realSecret = data.consumeBoolean();
        String input = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        String token = realSecret
                ? TestTokens.hmac(header, claims, SECRET.getBytes(StandardCharsets.UTF_8), "HS256")
                : input + "." + data.consumeRemainingAsString();
        JwtVerdict v = VERIFIER.verify(token).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertNotNull(v);
        assertFalse(v.fullDetail().contains(SECRET), "the secret in a detail");
        if (v.accepted()) {
            assertTrue(realSecret, "accepted a token not signed with the secret");
        } else {
            assertTrue(v.reason().status() == 401 || v.reason() == Reason.SCOPE_INSUFFICIENT, v.reason().code());
        }
    }
}
