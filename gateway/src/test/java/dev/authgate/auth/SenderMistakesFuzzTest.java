package dev.authgate.auth;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authgate.auth.apikey.ApiKeyConfig;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.Secret;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the shared credential normalisation of the sender-mistake checks (PRODUCT.md §12): {@link ReceivedText}
 * on any bytes as the codec hands them over, {@link CredentialMistakes} and {@link HiddenWhitespace#findWhere} on
 * any text, and the Bearer and API key authenticators on a real token wrapped in any mistake. Invariants: no
 * exception; well-formed UTF-8 decodes exactly as the JDK's strict decoder does; a wrapped token is never accepted
 * and never appears (nor its first characters, nor its length) in a detail.
 */
class SenderMistakesFuzzTest {
    static final String TOKEN = "tok-Mz4Qw8Lp2Xr6Vn0kJh5";  // 23 chars
    private static final AuthSupport SUPPORT = new AuthSupport(Runnable::run, Clock.systemUTC());
    private static final Authenticator BEARER = AuthSchemes.standard().create(new BearerConfig("api",
            List.of(new Credential("ci", new Secret(TOKEN, "inline")))), SUPPORT);
    private static final Authenticator API_KEY = AuthSchemes.standard().create(new ApiKeyConfig("X-API-Key",
            List.of(new Credential(null, new Secret(TOKEN, "inline")))), SUPPORT);
    private static final String[] INVISIBLE = {"\u200B", "\uFEFF", "\u00A0", "\u2060", "\u200E", "\u00AD", "\u200D"};

    /** Any bytes, as the HTTP codec hands them over (one ISO-8859-1 char per byte). */
    @FuzzTest
    void normalisesAnyReceivedBytes(FuzzedDataProvider data) {
        byte[] bytes = data.consumeRemainingAsBytes();
        String received = new String(bytes, StandardCharsets.ISO_8859_1);
        String typed = ReceivedText.utf8View(received);
        assertTrue(typed.length() <= received.length());
        String strict = strictUtf8(bytes);
        if (strict != null) {
            assertEquals(strict, typed, "well-formed UTF-8 decodes as the JDK decodes it");
        }
        boolean ascii = received.chars().allMatch(c -> c < 0x80);
        if (ascii) {
            assertSame(received, typed);
        }
        String where = HiddenWhitespace.findWhere(typed, "token");
        if (where != null) {
            assertTrue(where.endsWith(" the token"), where);
        }
        AuthorizationHeader.parse(typed);
        String decoded = CredentialMistakes.percentDecoded(typed);
        if (decoded != null) {
            assertTrue(decoded.length() <= typed.length());
        }
        CredentialMistakes.urlEncodedScheme(typed, "Bearer");
        CredentialMistakes.schemeTwice(typed, "Bearer");
        CredentialMistakes.unquoted(typed);
    }

    /** The real token with one §12 mistake (or a fuzzed piece) around it, through Bearer and API key. */
    @FuzzTest
    void neverAcceptsNorEchoesAWrappedToken(FuzzedDataProvider data) {
        String piece = data.consumeString(16);
        String invisible = data.pickValue(INVISIBLE);
        int at = data.consumeInt(0, TOKEN.length());
        String wrapped = switch (data.consumeInt(0, 5)) {
            case 0 -> "\"" + TOKEN + "\"";
            case 1 -> TOKEN.replace("-", "%2D");
            case 2 -> TOKEN.substring(0, at) + invisible + TOKEN.substring(at);
            case 3 -> piece + TOKEN;
            case 4 -> TOKEN + piece;
            default -> TOKEN.substring(0, at) + piece + TOKEN.substring(at);
        };
        String prefix = data.pickValue(new String[] {"Bearer ", "Bearer%20", "Bearer Bearer ", "Bearer\u00A0", "",
                "Bearer " + invisible, "\"Bearer "});
        // Only the token itself may pass (HTTP trims spaces and tabs around the whole value).
        boolean isToken = AuthorizationHeader.trimOws(wrapped).equals(TOKEN);
        String asSent = new String((prefix + wrapped).getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        check(BEARER, "Authorization", asSent, isToken && prefix.equals("Bearer "));
        String keyAsSent = new String(wrapped.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        check(API_KEY, "X-API-Key", keyAsSent, isToken);
    }

    private static void check(Authenticator a, String header, String value, boolean mayPass) {
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        headers.add(header, value);
        AuthResult r;
        try {
            r = a.authenticate(new AuthRequest("GET", "/", null, headers, Unpooled.EMPTY_BUFFER, "192.0.2.1"))
                    .toCompletableFuture().get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(a.scheme() + " failed instead of judging", e);
        }
        if (r instanceof AuthResult.Accepted) {
            assertTrue(mayPass, a.scheme() + " accepted a wrapped token");
            return;
        }
        AuthResult.Rejected rejected = assertInstanceOf(AuthResult.Rejected.class, r);
        String detail = rejected.detail();
        assertFalse(detail.contains(TOKEN.substring(0, 6)), a.scheme() + " echoed the token: " + rejected.reason());
        assertFalse(detail.matches("(?s).*\\b23\\b.*"), a.scheme() + " told a length: " + detail);
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
