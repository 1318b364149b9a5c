package dev.authgate.auth.hmac;

import dev.authgate.auth.AuthResult;
import dev.authgate.http.Reason;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.authgate.auth.hmac.HmacFixtures.Config;
import static dev.authgate.auth.hmac.HmacFixtures.NOW;
import static dev.authgate.auth.hmac.HmacFixtures.assertAccepted;
import static dev.authgate.auth.hmac.HmacFixtures.assertRejected;
import static dev.authgate.auth.hmac.HmacFixtures.authenticator;
import static dev.authgate.auth.hmac.HmacFixtures.b64;
import static dev.authgate.auth.hmac.HmacFixtures.headers;
import static dev.authgate.auth.hmac.HmacFixtures.hex;
import static dev.authgate.auth.hmac.HmacFixtures.sha256;
import static dev.authgate.auth.hmac.HmacFixtures.utf8;
import static dev.authgate.auth.hmac.HmacFixtures.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The reason and the exact detail of each failure; details show shapes, never signature values. */
class FailureDetailsTest {
    static final String SECRET = "detail-test-secret";
    static final byte[] BODY = utf8("Hello, World!");

    static HmacAuthenticator github() {
        return authenticator(Config.preset("github").secrets(SECRET).build());
    }

    static AuthResult.Rejected githubRejects(Reason reason, String signature) {
        AuthResult.Rejected r = assertRejected(reason, verify(github(),
                headers(Map.of("X-Hub-Signature-256", signature)), BODY, null));
        String mac = signature.substring(signature.indexOf('=') + 1);
        assertFalse(mac.length() > 8 && r.detail().contains(mac), "the detail must not echo the signature");
        return r;
    }

    @Test
    void namesBase64WhereHexIsExpected() {
        assertEquals("expected hex after 'sha256=', got 44 base64 characters; hint: it looks like base64: the sender"
                        + " encodes base64 where hex is expected",
                githubRejects(Reason.SIGNATURE_MALFORMED, "sha256=" + b64(sha256(SECRET, BODY))).detail());
    }

    @Test
    void namesHexWhereBase64IsExpectedAsMalformedNotMismatch() {
        AuthResult.Rejected r = assertRejected(Reason.SIGNATURE_MALFORMED, verify(
                authenticator(Config.preset("shopify").secrets(SECRET).build()),
                headers(Map.of("X-Shopify-Hmac-Sha256", hex(sha256(SECRET, BODY)))), BODY, null));
        assertEquals("expected 44 base64 characters (HMAC-SHA256) in X-Shopify-Hmac-Sha256, got 64 hex characters;"
                + " hint: it looks like hex: the sender encodes hex where base64 is expected", r.detail());
    }

    @Test
    void namesAHexDigestEncodedAgainInBase64() {
        AuthResult.Rejected r = assertRejected(Reason.SIGNATURE_MALFORMED, verify(
                authenticator(Config.preset("shopify").secrets(SECRET).build()),
                headers(Map.of("X-Shopify-Hmac-Sha256", b64(utf8(hex(sha256(SECRET, BODY)))))), BODY, null));
        assertEquals("expected 44 base64 characters (HMAC-SHA256) in X-Shopify-Hmac-Sha256, got 88 base64 characters;"
                + " hint: it is a hex digest encoded again in base64: the sender should base64-encode the raw MAC"
                + " bytes", r.detail());
    }

    @Test
    void treatsADecodedLengthOtherThanTheMacsAsMalformed() {
        assertEquals("expected 64 hex characters (HMAC-SHA256) after 'sha256=', got 40 hex characters; hint: it looks like HMAC-SHA1: the sender signs with "
                + "HMAC-SHA1 where HMAC-SHA256 is expected",
                githubRejects(Reason.SIGNATURE_MALFORMED, "sha256=" + "ab".repeat(20)).detail());
        assertEquals("expected hex after 'sha256=', got an empty value",
                githubRejects(Reason.SIGNATURE_MALFORMED, "sha256=").detail());
        assertEquals("expected hex after 'sha256=', got 5 characters that are neither hex nor base64",
                githubRejects(Reason.SIGNATURE_MALFORMED, "sha256=ab cd").detail());
    }

    @Test
    void namesAWrongPrefixWithoutTheValue() {
        assertEquals("expected 'sha256=' at the start of X-Hub-Signature-256, got 'sha1=' instead; hint: it looks like HMAC-SHA1: the sender signs with "
                + "HMAC-SHA1 where HMAC-SHA256 is expected",
                githubRejects(Reason.SIGNATURE_MALFORMED, "sha1=" + "ab".repeat(20)).detail());
        assertEquals("expected 'sha256=' at the start of X-Hub-Signature-256, got 64 hex characters without it",
                githubRejects(Reason.SIGNATURE_MALFORMED, hex(sha256(SECRET, BODY))).detail());
    }

    @Test
    void acceptsUpperCaseHex() {
        assertAccepted(verify(github(), headers(Map.of("X-Hub-Signature-256",
                "sha256=" + hex(sha256(SECRET, BODY)).toUpperCase())), BODY, null));
    }

    @Test
    void rejectsTwoSignatureHeadersAsMalformed() {
        HttpHeaders h = new DefaultHttpHeaders();
        h.add("X-Hub-Signature-256", "sha256=" + hex(sha256(SECRET, BODY)));
        h.add("X-Hub-Signature-256", "sha256=" + hex(sha256("other", BODY)));
        assertEquals("expected one X-Hub-Signature-256 header, got 2",
                assertRejected(Reason.SIGNATURE_MALFORMED, verify(github(), h, BODY, null)).detail());
    }

    @Test
    void detailsAMismatchWithBytesHashedAlgorithmAndSecretsTried() {
        AuthResult.Rejected r = githubRejects(Reason.SIGNATURE_MISMATCH, "sha256=" + hex(sha256("other", BODY)));
        assertEquals("signature does not match the body (HMAC-SHA256 over 13 bytes: {body}, body 13 bytes; 1 secret"
                + " tried)", r.detail());
        HmacAuthenticator slack = authenticator(Config.preset("slack").secrets(SECRET, "second-secret").build());
        AuthResult.Rejected s = assertRejected(Reason.SIGNATURE_MISMATCH, verify(slack, headers(Map.of(
                "X-Slack-Request-Timestamp", Long.toString(NOW),
                "X-Slack-Signature", "v0=" + hex(sha256("other", utf8("v0:" + NOW + ":"), BODY)))), BODY, null));
        assertEquals("signature does not match the body (HMAC-SHA256 over 27 bytes: v0:{timestamp}:{body}, body 13"
                + " bytes; 2 secrets tried)", s.detail());
    }

    @Test
    void acceptsAnyStripeV1AndIgnoresV0() {
        HmacAuthenticator stripe = authenticator(Config.preset("stripe").secrets("whsec_test").build());
        String good = hex(sha256("whsec_test", utf8(NOW + "."), BODY));
        String bad = hex(sha256("whsec_old", utf8(NOW + "."), BODY));
        assertAccepted(verify(stripe, headers(Map.of("Stripe-Signature",
                "t=" + NOW + ",v1=" + bad + ",v1=" + good + ",v0=" + good)), BODY, null));
        assertEquals("signature does not match the body (HMAC-SHA256 over 24 bytes: {timestamp}.{body}, body 13 bytes;"
                + " 1 secret tried against 2 signatures)", assertRejected(Reason.SIGNATURE_MISMATCH, verify(stripe,
                headers(Map.of("Stripe-Signature", "t=" + NOW + ",v1=" + bad + ",v1=" + bad)), BODY, null)).detail());
        assertEquals("expected at least one 'v1=<hex>' in Stripe-Signature, got none",
                assertRejected(Reason.SIGNATURE_MALFORMED, verify(stripe, headers(Map.of("Stripe-Signature",
                        "t=" + NOW + ",v0=" + good)), BODY, null)).detail());
        assertEquals("Stripe-Signature has no 't=' timestamp", assertRejected(Reason.TIMESTAMP_MISSING,
                verify(stripe, headers(Map.of("Stripe-Signature", "v1=" + good)), BODY, null)).detail());
    }

    @Test
    void acceptsAnyPaddleH1() {
        HmacAuthenticator paddle = authenticator(Config.preset("paddle").secrets("pdl_ntfset_test").build());
        String good = hex(sha256("pdl_ntfset_test", utf8(NOW + ":"), BODY));
        assertAccepted(verify(paddle, headers(Map.of("Paddle-Signature",
                "ts=" + NOW + ";h1=" + "00".repeat(32) + ";h1=" + good)), BODY, null));
        assertEquals("Paddle-Signature has no 'ts=' timestamp", assertRejected(Reason.TIMESTAMP_MISSING,
                verify(paddle, headers(Map.of("Paddle-Signature", "h1=" + good)), BODY, null)).detail());
    }

    static AuthResult slackAt(String timestamp) {
        Map<String, String> h = new java.util.HashMap<>();
        h.put("X-Slack-Signature", "v0=" + hex(sha256(SECRET, utf8("v0:" + timestamp + ":"), BODY)));
        if (timestamp != null) {
            h.put("X-Slack-Request-Timestamp", timestamp);
        }
        return verify(authenticator(Config.preset("slack").secrets(SECRET).build()), headers(h), BODY, null);
    }

    @Test
    void detailsMissingMalformedAndMillisecondTimestamps() {
        assertEquals("X-Slack-Request-Timestamp header is missing",
                assertRejected(Reason.TIMESTAMP_MISSING, slackAt(null)).detail());
        assertEquals("the timestamp in X-Slack-Request-Timestamp is empty",
                assertRejected(Reason.TIMESTAMP_MISSING, slackAt("")).detail());
        assertEquals("expected unix seconds (digits only) in X-Slack-Request-Timestamp, got '2023-11-14T22:13:20Z'",
                assertRejected(Reason.TIMESTAMP_MALFORMED, slackAt("2023-11-14T22:13:20Z")).detail());
        assertEquals("expected unix seconds (digits only) in X-Slack-Request-Timestamp, got '-1700000000'",
                assertRejected(Reason.TIMESTAMP_MALFORMED, slackAt("-" + NOW)).detail());
        assertEquals("timestamp is " + (NOW * 1000 - NOW) + " s in the future (tolerance 300 s, both directions);"
                        + " it looks like milliseconds: send unix seconds",
                assertRejected(Reason.TIMESTAMP_OUT_OF_WINDOW, slackAt(Long.toString(NOW * 1000))).detail());
        assertRejected(Reason.TIMESTAMP_OUT_OF_WINDOW, slackAt("999999999999999999"));
        assertAccepted(slackAt(Long.toString(NOW)));
    }

    @Test
    void honoursAConfiguredToleranceExactly() {
        HmacAuthenticator a = authenticator(Config.preset("slack").secrets(SECRET)
                .tolerance(java.time.Duration.ofSeconds(30)).build());
        for (long skew : new long[]{-30, 30}) {
            String ts = Long.toString(NOW + skew);
            assertAccepted(verify(a, headers(Map.of("X-Slack-Request-Timestamp", ts, "X-Slack-Signature",
                    "v0=" + hex(sha256(SECRET, utf8("v0:" + ts + ":"), BODY)))), BODY, null));
        }
        String ts = Long.toString(NOW - 31);
        assertEquals("timestamp is 31 s old (tolerance 30 s, both directions)", assertRejected(
                Reason.TIMESTAMP_OUT_OF_WINDOW, verify(a, headers(Map.of("X-Slack-Request-Timestamp", ts,
                        "X-Slack-Signature", "v0=" + hex(sha256(SECRET, utf8("v0:" + ts + ":"), BODY)))), BODY,
                        null)).detail());
    }

    @Test
    void rejectsAStandardWebhooksDeliveryWithoutItsSignedId() {
        HmacAuthenticator a = authenticator(Config.preset("standard-webhooks")
                .secrets("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").build());
        assertEquals("the signed webhook-id header is missing", assertRejected(Reason.SIGNATURE_MALFORMED,
                verify(a, headers(Map.of("webhook-timestamp", Long.toString(NOW), "webhook-signature",
                        "v1," + b64(new byte[32]))), BODY, null)).detail());
        assertEquals("expected at least one 'v1,<base64>' in webhook-signature, got none",
                assertRejected(Reason.SIGNATURE_MALFORMED, verify(a, headers(Map.of("webhook-id", "msg_1",
                        "webhook-timestamp", Long.toString(NOW), "webhook-signature", "v1a,abcd")), BODY, null))
                        .detail());
    }

    @Test
    void namesTheSignatureHeaderInTheChallenge() {
        assertEquals("HMAC realm=\"authgate\", header=\"X-Hub-Signature-256\"", github().challenge());
        assertEquals("HMAC realm=\"authgate\", header=\"X-Maia-Signature\"",
                authenticator(Config.generic("X-Maia-Signature").secrets(SECRET).build()).challenge());
        assertEquals("hmac", github().scheme());
    }

    @Test
    void verifiesAGenericSchemeOverMethodPathUrlIdAndTimestamp() {
        HmacAuthenticator a = authenticator(Config.generic("X-Sig").algorithm("sha512").encoding("base64")
                .prefix("v1=").payload("{method} {path} {url}|{id}.{timestamp}.{body}").timestampHeader("X-Ts")
                .idHeader("X-Id").publicUrl("https://example.com/hook").secrets(SECRET).build());
        byte[] mac = HmacFixtures.hmac("HmacSHA512", utf8(SECRET),
                utf8("POST /hook https://example.com/hook?a=1|id-7." + NOW + "."), BODY);
        Map<String, String> h = Map.of("X-Sig", "v1=" + b64(mac), "X-Ts", Long.toString(NOW), "X-Id", "id-7");
        assertAccepted(verify(a, headers(h), BODY, "a=1"));
        assertRejected(Reason.SIGNATURE_MISMATCH, verify(a, headers(h), BODY, "a=2"));
        assertEquals("expected 88 base64 characters (HMAC-SHA512) after 'v1=', got 44 base64 characters; hint: it looks like HMAC-SHA256: the sender signs with "
                + "HMAC-SHA256 where HMAC-SHA512 is expected",
                assertRejected(Reason.SIGNATURE_MALFORMED, verify(a, headers(Map.of("X-Sig", "v1=" + b64(new byte[32]),
                        "X-Ts", Long.toString(NOW), "X-Id", "id-7")), BODY, null)).detail());
    }

    @Test
    void verifiesAGenericSha1HexScheme() {
        HmacAuthenticator a = authenticator(Config.generic("X-Hub-Signature").algorithm("sha1").prefix("sha1=")
                .secrets(SECRET).build());
        assertAccepted(verify(a, headers(Map.of("X-Hub-Signature",
                "sha1=" + hex(HmacFixtures.hmac("HmacSHA1", utf8(SECRET), BODY)))), BODY, null));
    }
}
