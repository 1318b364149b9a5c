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
import static dev.authgate.auth.hmac.HmacFixtures.b64;
import static dev.authgate.auth.hmac.HmacFixtures.headers;
import static dev.authgate.auth.hmac.HmacFixtures.hex;
import static dev.authgate.auth.hmac.HmacFixtures.hmac;
import static dev.authgate.auth.hmac.HmacFixtures.sha256;
import static dev.authgate.auth.hmac.HmacFixtures.support;
import static dev.authgate.auth.hmac.HmacFixtures.utf8;
import static dev.authgate.auth.hmac.HmacFixtures.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signature_mismatch rows of PRODUCT.md §12: JSON signed in another serialization, an empty body signed, a
 * whsec_ secret in the wrong form. The sender's bytes are written out here by hand (as JSON.stringify and Python's
 * json.dumps write them, checked against python3 when the test was written) and signed with the JDK's Mac, never
 * with the code under test; and the budget: a flood of mismatches costs no more hint MACs than before §12.
 */
class SenderMistakeHintsTest {
    static final String SECRET = "json-hint-secret";
    /** Delivered: compact, with a float that must stay 1.0, a non-ASCII string, an escape, empty containers. */
    static final String COMPACT = "{\"b\":1.0,\"a\":[1,2,{}],\"s\":\"caf\u00e9 \\\"q\\\"\",\"e\":[],\"n\":null}";
    static final String INDENT_2 = "{\n  \"b\": 1.0,\n  \"a\": [\n    1,\n    2,\n    {}\n  ],\n"
            + "  \"s\": \"caf\u00e9 \\\"q\\\"\",\n  \"e\": [],\n  \"n\": null\n}";
    static final String INDENT_4 = "{\n    \"b\": 1.0,\n    \"a\": [\n        1,\n        2,\n        {}\n    ],\n"
            + "    \"s\": \"caf\u00e9 \\\"q\\\"\",\n    \"e\": [],\n    \"n\": null\n}";
    static final String PYTHON = "{\"b\": 1.0, \"a\": [1, 2, {}], \"s\": \"caf\\u00e9 \\\"q\\\"\", \"e\": [],"
            + " \"n\": null}";
    static final String PYTHON_UNICODE = PYTHON.replace("caf\\u00e9", "caf\u00e9");

    static HmacAuthenticator github(HintBudget budget) {
        return new HmacAuthenticator(Config.preset("github").secrets(SECRET).build(), support(CLOCK), budget);
    }

    static String detail(HmacAuthenticator a, String signed, String sent) {
        String sig = hex(sha256(SECRET, utf8(signed)));
        AuthResult r = verify(a, headers(Map.of("X-Hub-Signature-256", "sha256=" + sig)), utf8(sent), null);
        String detail = assertRejected(Reason.SIGNATURE_MISMATCH, r).detail();
        assertNoSecret(detail, SECRET, sig, sig.substring(0, 8));
        return detail;
    }

    static String hint(String signed, String sent) {
        String d = detail(github(new HintBudget(5, 5)), signed, sent);
        assertTrue(d.contains("; hint: "), d);
        return d.substring(d.indexOf("; hint: ") + 8);
    }

    @Test
    void namesCompactJsonSignedAndIndentedJsonDelivered() {
        String h = hint(COMPACT, INDENT_2);
        assertTrue(h.startsWith("the signature matches the body re-serialized as compact JSON, as JavaScript's"
                + " JSON.stringify writes it: the JSON was re-serialized (compact vs indented)"), h);
    }

    @Test
    void namesIndentedJsonSignedAndCompactJsonDelivered() {
        assertTrue(hint(INDENT_2, COMPACT).contains("re-serialized as JSON indented by 2 spaces"));
        assertTrue(hint(INDENT_4, COMPACT).contains("re-serialized as JSON indented by 4 spaces"));
    }

    @Test
    void namesPythonsJsonDumpsWithAndWithoutEnsureAscii() {
        String h = hint(PYTHON, COMPACT);
        assertTrue(h.contains("JSON as Python's json.dumps writes it by default"), h);
        assertTrue(h.contains("signed json.dumps of the parsed body"), h);
        assertTrue(hint(PYTHON_UNICODE, COMPACT).contains("ensure_ascii=False"));
    }

    @Test
    void namesTheDeliveredJsonWithItsWhitespaceRemoved() {
        // Escapes kept as they arrived (\u00e9 stays escaped): only the whitespace differs.
        assertTrue(hint(PYTHON.replace(", ", ",").replace(": ", ":"), PYTHON)
                .contains("re-serialized as the delivered JSON with its whitespace removed"));
    }

    @Test
    void keepsNumbersAsTheyArrivedAndKeysInTheirOrder() {
        String reordered = "{\"a\":[1,2,{}],\"b\":1.0,\"s\":\"caf\u00e9 \\\"q\\\"\",\"e\":[],\"n\":null}";
        assertFalse(detail(github(new HintBudget(5, 5)), reordered, INDENT_2).contains("hint"));
        assertFalse(detail(github(new HintBudget(5, 5)), COMPACT.replace("1.0", "1"), INDENT_2).contains("hint"));
    }

    @Test
    void givesNoJsonHintForABodyThatIsNotJsonOrOver64Kib() {
        assertFalse(detail(github(new HintBudget(5, 5)), "a=1&b=2", "a=1 & b=2").contains("hint"));
        assertFalse(detail(github(new HintBudget(5, 5)), COMPACT, INDENT_2 + " x").contains("hint"));
        char[] pad = new char[64 * 1024];
        Arrays.fill(pad, 'x');
        String big = "{\"p\":\"" + new String(pad) + "\"}";
        assertFalse(detail(github(new HintBudget(5, 5)), big, big.replace(":", ": ")).contains("hint"));
    }

    @Test
    void namesAnEmptyBodySigned() {
        assertTrue(hint("", COMPACT).startsWith("the signature matches an empty body"));
    }

    @Test
    void namesAStandardWebhooksSecretUsedAsTextInsteadOfDecoded() {
        byte[] key = utf8("standard-webhooks-key-bytes");
        String whsec = "whsec_" + b64(key);
        HmacAuthenticator a = new HmacAuthenticator(Config.preset("standard-webhooks").secrets(whsec).build(),
                support(CLOCK), new HintBudget(5, 5));
        String signed = "msg_1." + NOW + "." + COMPACT;
        String sig = b64(hmac("HmacSHA256", utf8(whsec), utf8(signed)));
        String d = assertRejected(Reason.SIGNATURE_MISMATCH, verify(a, headers(Map.of("webhook-id", "msg_1",
                "webhook-timestamp", Long.toString(NOW), "webhook-signature", "v1," + sig)), utf8(COMPACT), null))
                .detail();
        assertTrue(d.endsWith("; hint: the signature matches secret #1 used as text: the sender must base64-decode"
                + " the part after 'whsec_' and sign with the decoded bytes"), d);
        assertNoSecret(d, whsec, b64(key), sig);
    }

    @Test
    void namesAStripeSecretDecodedWhereItIsUsedAsText() {
        byte[] decoded = utf8("stripe-key-bytes");
        String whsec = "whsec_" + b64(decoded);
        HmacAuthenticator a = new HmacAuthenticator(Config.preset("stripe").secrets(whsec).build(), support(CLOCK),
                new HintBudget(5, 5));
        String sig = hex(hmac("HmacSHA256", decoded, utf8(NOW + "." + COMPACT)));
        String d = assertRejected(Reason.SIGNATURE_MISMATCH, verify(a, headers(Map.of("Stripe-Signature",
                "t=" + NOW + ",v1=" + sig)), utf8(COMPACT), null)).detail();
        assertTrue(d.contains("base64-decoded") && d.contains("must not decode it"), d);
        assertNoSecret(d, whsec, sig);
    }

    @Test
    void aFloodOfMismatchesCostsNoMoreHintMacsThanBefore() {
        // Before §12, one github search with one secret cost at most 5 MACs (newline added, newline removed,
        // secret + LF, + CRLF, + space), and the budget allowed 5 searches at once: 25 MACs at a fixed clock.
        HintBudget budget = new HintBudget(5, 5);
        HmacAuthenticator a = github(budget);
        MismatchHints hints = a.hints();
        assertEquals(5, MismatchHints.macsPerSearchBefore(HmacSchemes.resolve(
                Config.preset("github").secrets(SECRET).build())));
        for (int i = 0; i < 200; i++) {
            // JSON that fits no hint: every candidate is tried, the most work a search can be made to do.
            detail(a, "{\"unrelated\":" + i + "}", INDENT_2 + "\n");
        }
        assertTrue(hints.macsComputed() <= 25, "hint MACs: " + hints.macsComputed());
        assertTrue(hints.macsComputed() >= 5, "the first searches ran: " + hints.macsComputed());
    }

    @Test
    void stillNamesTheExistingMistakesFirst() {
        assertTrue(hint(COMPACT + "\n", COMPACT).startsWith("the signature matches the body with a trailing newline"));
    }
}
