package dev.authgate.auth.jwt;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link VerifiedTokens}: a remembered signature counts only for its token and while its key is still offered. */
class VerifiedTokensTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private final JwtKey keyA = new JwtKey("a", "EC", "P-256", null);
    private final JwtKey keyB = new JwtKey("b", "EC", "P-256", null);

    @Test
    void rememberedForItsTokenAndItsKeyOnly() {
        VerifiedTokens tokens = new VerifiedTokens();
        ByteBuffer one = VerifiedTokens.digest("header.claims.signature");
        tokens.remember(one, null, keyA, Date.from(NOW.plus(Duration.ofMinutes(5))), NOW);
        assertSame(keyA, tokens.verifiedBy(tokens.lookup(one), List.of(keyA, keyB)));
        assertNull(tokens.lookup(VerifiedTokens.digest("header.claims.signaturf")));
        // after a rotation the issuer no longer offers key A: the token is verified again (and fails)
        assertNull(tokens.verifiedBy(tokens.lookup(one), List.of(keyB)));
    }

    @Test
    void notRememberedWithoutAFutureExp() {
        VerifiedTokens tokens = new VerifiedTokens();
        ByteBuffer noExp = VerifiedTokens.digest("no.exp.token");
        tokens.remember(noExp, null, keyA, null, NOW);
        assertNull(tokens.lookup(noExp));
        ByteBuffer past = VerifiedTokens.digest("expired.in.leeway");
        tokens.remember(past, null, keyA, Date.from(NOW.minusSeconds(30)), NOW);
        assertNull(tokens.lookup(past));
    }
}
