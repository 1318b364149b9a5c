package dev.authgate.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authgate.auth.apikey.ApiKeyConfig;
import dev.authgate.auth.basic.BasicConfig;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.Secret;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes every credential parser through the authenticators that use it: the {@code Authorization} split, hidden
 * whitespace, Bearer, API key (in its header, in other headers, in the query), Basic (base64, the colon, bcrypt) and
 * {@code any:}. Invariants: a verdict (Accepted or Rejected) for every input, never an exception or a failed stage,
 * and no configured secret (or its base64 or Basic form) in any detail or toString.
 */
class CredentialsFuzzTest {
    static final String TOKEN = "tok-Fz7Q2w9LmX4pR8sV";
    static final String KEY = "key-Hq3N8vB2cZ6tY1uK";
    static final String PASSWORD = "pw-Jd5S1gA7eW3oI9nM";
    private static final AuthSupport SUPPORT = new AuthSupport(Runnable::run, Clock.systemUTC());
    private static final List<Authenticator> AUTHENTICATORS;
    private static final List<String> FORBIDDEN;
    private static final String[] PREFIXES = {"", "Bearer ", "Basic ", "bearer ", "BEARER  ", "Bearer\t", "Basic  ",
            "Token ", "Bearer \u00a0", "\u200bBearer ", "ApiKey "};

    static {
        BearerConfig bearer = new BearerConfig("api",
                List.of(new Credential("ci", new Secret(TOKEN, "inline"))));
        ApiKeyConfig apiKey = new ApiKeyConfig("X-API-Key",
                List.of(new Credential(null, new Secret(KEY, "inline"))));
        BasicConfig basic = new BasicConfig("ops", Map.of("alice",
                BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray())), null);
        AUTHENTICATORS = List.of(AuthSchemes.standard().create(bearer, SUPPORT), AuthSchemes.standard().create(apiKey, SUPPORT),
                AuthSchemes.standard().create(basic, SUPPORT),
                AuthSchemes.standard().create(new AnyConfig(List.of(bearer, apiKey, basic)), SUPPORT));
        Base64.Encoder b64 = Base64.getEncoder();
        FORBIDDEN = List.of(TOKEN, KEY, PASSWORD, b64.encodeToString(("alice:" + PASSWORD).getBytes(
                StandardCharsets.UTF_8)), b64.encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)),
                b64.encodeToString(KEY.getBytes(StandardCharsets.UTF_8)));
    }

    /** The header split alone, on any text. */
    @FuzzTest
    void splitsAnyAuthorizationValue(FuzzedDataProvider data) {
        String value = data.consumeRemainingAsString();
        AuthorizationHeader h = AuthorizationHeader.parse(value);
        if (h != null) assertNotNull(h.credentials());
        HiddenWhitespace.find(value);
    }

    /** Requests built around the real secrets, one fuzzed piece at a time, through every authenticator. */
    @FuzzTest
    void judgesAnyCredentialWithoutLeakingASecret(FuzzedDataProvider data) {
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        String prefix = data.pickValue(PREFIXES);
        String known = data.pickValue(new String[] {TOKEN, KEY, "alice:" + PASSWORD, ""});
        String piece = data.consumeString(64);
        String credential = switch (data.consumeInt(0, 4)) {
            case 0 -> known + piece;
            case 1 -> piece + known;
            case 2 -> Base64.getEncoder().encodeToString((known + piece).getBytes(StandardCharsets.UTF_8));
            case 3 -> Base64.getEncoder().encodeToString(piece.getBytes(StandardCharsets.ISO_8859_1));
            default -> piece;
        };
        String where = data.pickValue(new String[] {"Authorization", "X-API-Key", "Api-Key", "x-api-key", "X-Token"});
        headers.add(where, prefix + credential);
        if (data.consumeBoolean()) headers.add("Authorization", data.consumeString(32));
        if (data.consumeBoolean()) headers.add("X-API-Key", data.consumeString(32));
        String query = data.consumeBoolean() ? data.consumeString(64) : null;
        ByteBuf body = Unpooled.copiedBuffer(data.consumeRemainingAsBytes());
        try {
            AuthRequest request = new AuthRequest("POST", "/hook", query, headers, body, "192.0.2.1");
            for (Authenticator a : AUTHENTICATORS) {
                check(a, request);
            }
        } finally {
            body.release();
        }
    }

    private static void check(Authenticator a, AuthRequest request) {
        AuthResult result;
        try {
            CompletableFuture<AuthResult> f = a.authenticate(request).toCompletableFuture();
            assertTrue(f.isDone(), "the stage completes at once on a direct executor");
            result = f.get(1, TimeUnit.SECONDS);
        } catch (Exception | StackOverflowError e) {
            fail(a.scheme() + " failed instead of judging " + request.headers(), e);
            return;
        }
        assertNotNull(result);
        String text = result.toString();
        String detail = result instanceof AuthResult.Rejected r ? r.detail()
                : ((AuthResult.Accepted) result).detail();
        for (String secret : FORBIDDEN) {
            assertFalse(text.contains(secret) || (detail != null && detail.contains(secret)),
                    a.scheme() + " leaked a secret: " + text);
        }
    }
}
