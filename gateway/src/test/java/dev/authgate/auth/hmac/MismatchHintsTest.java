package dev.authgate.auth.hmac;

import dev.authgate.auth.AuthResult;
import dev.authgate.http.Reason;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static dev.authgate.auth.hmac.HmacFixtures.CLOCK;
import static dev.authgate.auth.hmac.HmacFixtures.Config;
import static dev.authgate.auth.hmac.HmacFixtures.NOW;
import static dev.authgate.auth.hmac.HmacFixtures.assertNoSecret;
import static dev.authgate.auth.hmac.HmacFixtures.assertRejected;
import static dev.authgate.auth.hmac.HmacFixtures.concat;
import static dev.authgate.auth.hmac.HmacFixtures.headers;
import static dev.authgate.auth.hmac.HmacFixtures.hex;
import static dev.authgate.auth.hmac.HmacFixtures.sha256;
import static dev.authgate.auth.hmac.HmacFixtures.support;
import static dev.authgate.auth.hmac.HmacFixtures.utf8;
import static dev.authgate.auth.hmac.HmacFixtures.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each mismatch hint fires in its case (hex/base64 and millisecond hints are in {@link FailureDetailsTest}: they
 * are recognised without hashing); hints are bounded by body size and by a token bucket.
 */
class MismatchHintsTest {
    static final String SECRET = "hint-test-secret";
    static final byte[] BODY = utf8("{\"event\":\"push\"}");

    static HmacAuthenticator github(String secret, HintBudget budget) {
        return new HmacAuthenticator(Config.preset("github").secrets("another-secret", secret).build(),
                support(CLOCK), budget);
    }

    /** The github mismatch detail for a signature over {@code signed} with {@code signingSecret}, sending {@code sent}. */
    static String hint(String configured, String signingSecret, byte[] signed, byte[] sent) {
        AuthResult r = verify(github(configured, new HintBudget(5, 5)),
                headers(Map.of("X-Hub-Signature-256", "sha256=" + hex(sha256(signingSecret, signed)))), sent, null);
        String detail = assertRejected(Reason.SIGNATURE_MISMATCH, r).detail();
        assertNoSecret(detail, configured, signingSecret);
        return detail.substring(detail.indexOf("; hint: ") + "; hint: ".length());
    }

    @Test
    void namesABodyWhoseTrailingNewlineWasSignedButNotSent() {
        assertEquals("the signature matches the body with a trailing newline: the sender signed a newline that it"
                + " did not send", hint(SECRET, SECRET, concat(BODY, utf8("\n")), BODY));
    }

    @Test
    void namesABodyWithANewlineAddedAfterSigning() {
        String expected = "the signature matches the body without its trailing newline: a newline was added after"
                + " signing (by the sender's client or a proxy)";
        assertEquals(expected, hint(SECRET, SECRET, BODY, concat(BODY, utf8("\n"))));
        assertEquals(expected, hint(SECRET, SECRET, BODY, concat(BODY, utf8("\r\n"))));
    }

    @Test
    void namesASendersSecretWithATrailingNewlineOrSpaceByIndexOnly() {
        assertEquals("the signature matches secret #2 with a trailing newline: the sender's copy of the secret ends"
                + " with a newline", hint(SECRET, SECRET + "\n", BODY, BODY));
        assertEquals("the signature matches secret #2 with a trailing newline: the sender's copy of the secret ends"
                + " with a newline", hint(SECRET, SECRET + "\r\n", BODY, BODY));
        assertEquals("the signature matches secret #2 with a trailing space: the sender's copy of the secret ends"
                + " with whitespace", hint(SECRET, SECRET + " ", BODY, BODY));
    }

    @Test
    void namesAConfiguredSecretWithTrailingWhitespace() {
        assertEquals("the signature matches secret #2 without its trailing whitespace: the configured secret ends"
                + " with whitespace (check the file or variable it comes from)", hint(SECRET + " \n", SECRET, BODY,
                BODY));
    }

    @Test
    void namesABodySignedAloneWhereThePayloadHasMore() {
        HmacAuthenticator slack = new HmacAuthenticator(Config.preset("slack").secrets(SECRET).build(),
                support(CLOCK), new HintBudget(5, 5));
        String detail = assertRejected(Reason.SIGNATURE_MISMATCH, verify(slack, headers(Map.of(
                "X-Slack-Request-Timestamp", Long.toString(NOW),
                "X-Slack-Signature", "v0=" + hex(sha256(SECRET, BODY)))), BODY, null)).detail();
        assertTrue(detail.endsWith("; hint: the signature matches the body alone: the sender must sign"
                + " v0:{timestamp}:{body}"), detail);
    }

    @Test
    void givesNoHintWhenNoneFits() {
        AuthResult r = verify(github(SECRET, new HintBudget(5, 5)),
                headers(Map.of("X-Hub-Signature-256", "sha256=" + hex(sha256("unrelated", BODY)))), BODY, null);
        assertFalse(assertRejected(Reason.SIGNATURE_MISMATCH, r).detail().contains("hint"));
    }

    @Test
    void hintsOnlyWhileTheBudgetLastsAndRefillsWithTheClock() {
        long[] now = {NOW * 1000};
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.ofEpochMilli(now[0]);
            }
        };
        HmacConfig config = Config.preset("github").secrets(SECRET).build();
        HmacAuthenticator a = new HmacAuthenticator(config, support(clock), new HintBudget(2, 1));
        Map<String, String> h = Map.of("X-Hub-Signature-256", "sha256=" + hex(sha256(SECRET + "\n", BODY)));
        assertTrue(detail(a, h).contains("hint"));
        assertTrue(detail(a, h).contains("hint"));
        assertFalse(detail(a, h).contains("hint"), "the third hint within a second is over budget");
        now[0] += 1000;
        assertTrue(detail(a, h).contains("hint"), "one token back after a second");
        assertFalse(detail(a, h).contains("hint"));
    }

    static String detail(HmacAuthenticator a, Map<String, String> h) {
        return assertRejected(Reason.SIGNATURE_MISMATCH, verify(a, headers(h), BODY, null)).detail();
    }

    @Test
    void hintsForBodiesUpTo64KibOnly() {
        byte[] limit = new byte[64 * 1024];
        Arrays.fill(limit, (byte) 'a');
        assertTrue(hint(SECRET, SECRET, concat(limit, utf8("\n")), limit).startsWith("the signature matches the body"
                + " with a trailing newline"));
        byte[] over = new byte[64 * 1024 + 1];
        Arrays.fill(over, (byte) 'a');
        AuthResult r = verify(github(SECRET, new HintBudget(5, 5)), headers(Map.of("X-Hub-Signature-256",
                "sha256=" + hex(sha256(SECRET, concat(over, utf8("\n")))))), over, null);
        assertFalse(assertRejected(Reason.SIGNATURE_MISMATCH, r).detail().contains("hint"));
    }
}
