package dev.authgate.auth.hmac;

import dev.authgate.auth.AuthResult;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;

import static dev.authgate.auth.hmac.HmacFixtures.Config;
import static dev.authgate.auth.hmac.HmacFixtures.NOW;
import static dev.authgate.auth.hmac.HmacFixtures.assertAccepted;
import static dev.authgate.auth.hmac.HmacFixtures.authenticator;
import static dev.authgate.auth.hmac.HmacFixtures.headers;
import static dev.authgate.auth.hmac.HmacFixtures.hex;
import static dev.authgate.auth.hmac.HmacFixtures.sha256;
import static dev.authgate.auth.hmac.HmacFixtures.utf8;
import static dev.authgate.auth.hmac.HmacFixtures.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@link AuthResult.ReplayKey} of accepted deliveries: key, namespace, ttl and the acknowledge flag. */
class ReplayKeyTest {
    static final String SECRET = "replay-test-secret";
    static final byte[] BODY = utf8("{\"id\":1}");

    static AuthResult.ReplayKey githubKey(Config c, Map<String, String> extra) {
        java.util.Map<String, String> h = new java.util.HashMap<>(extra);
        h.put("X-Hub-Signature-256", "sha256=" + hex(sha256(SECRET, BODY)));
        return assertAccepted(verify(authenticator(c.build()), headers(h), BODY, null)).replayKey();
    }

    static String sha256Hex(byte[] b) throws Exception {
        return hex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void keysByDeliveryIdNamespacedByPresetWithADayByDefault() {
        AuthResult.ReplayKey k = githubKey(Config.preset("github").secrets(SECRET).replay("id", null, null),
                Map.of("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"));
        assertEquals("github:id:72d3162e-cc78-11e3-81ab-4c9367dc0958", k.key());
        assertEquals(Duration.ofHours(24), k.ttl());
        assertFalse(k.acknowledge());
    }

    @Test
    void keysBySignatureWithTheHashOfTheMacNeverTheMacItself() throws Exception {
        AuthResult.ReplayKey k = githubKey(Config.preset("github").secrets(SECRET)
                .replay("signature", Duration.ofMinutes(30), "acknowledge"), Map.of());
        assertEquals("github:sig:" + sha256Hex(sha256(SECRET, BODY)), k.key());
        assertFalse(k.key().contains(hex(sha256(SECRET, BODY))));
        assertEquals(Duration.ofMinutes(30), k.ttl());
        assertTrue(k.acknowledge());
    }

    @Test
    void fallsBackToTheSignatureWhenTheIdHeaderIsAbsentAndSaysSo() throws Exception {
        java.util.Map<String, String> h = Map.of("X-Hub-Signature-256", "sha256=" + hex(sha256(SECRET, BODY)));
        AuthResult.Accepted ok = assertAccepted(verify(authenticator(Config.preset("github").secrets(SECRET)
                .replay("id", null, null).build()), headers(h), BODY, null));
        assertEquals("github:sig:" + sha256Hex(sha256(SECRET, BODY)), ok.replayKey().key());
        assertEquals("secret #1 of 1 matched; no X-GitHub-Delivery header, replay key from the signature",
                ok.detail());
    }

    @Test
    void hashesAnIdThatIsLongOrHasUnusualCharacters() throws Exception {
        String id = "weird id/with spaces";
        assertEquals("github:id:sha256:" + sha256Hex(utf8(id)), githubKey(Config.preset("github").secrets(SECRET)
                .replay("id", null, null), Map.of("X-GitHub-Delivery", id)).key());
    }

    @Test
    void keepsKeysAtLeastTwiceTheToleranceWhereATimestampIsSigned() {
        String sig = "v0=" + hex(sha256(SECRET, utf8("v0:" + NOW + ":"), BODY));
        Map<String, String> h = Map.of("X-Slack-Request-Timestamp", Long.toString(NOW), "X-Slack-Signature", sig);
        assertEquals(Duration.ofMinutes(10), ttl(Config.preset("slack").secrets(SECRET)
                .replay("signature", null, null), h));
        assertEquals(Duration.ofMinutes(10), ttl(Config.preset("slack").secrets(SECRET)
                .replay("signature", Duration.ofMinutes(1), null), h));
        assertEquals(Duration.ofHours(1), ttl(Config.preset("slack").secrets(SECRET)
                .replay("signature", Duration.ofHours(1), null), h));
        assertEquals(Duration.ofHours(2), ttl(Config.preset("slack").secrets(SECRET).tolerance(Duration.ofHours(1))
                .replay("signature", Duration.ofMinutes(10), null), h));
    }

    static Duration ttl(Config c, Map<String, String> h) {
        return assertAccepted(verify(authenticator(c.build()), headers(h), BODY, null)).replayKey().ttl();
    }

    @Test
    void namespacesAGenericSchemeByItsHeaderAndUsesStandardWebhooksIds() {
        AuthResult.ReplayKey k = assertAccepted(verify(authenticator(Config.generic("X-Maia-Signature")
                .idHeader("X-Maia-Id").secrets(SECRET).replay("id", null, null).build()), headers(Map.of(
                "X-Maia-Signature", hex(sha256(SECRET, BODY)), "X-Maia-Id", "evt_1")), BODY, null)).replayKey();
        assertEquals("hmac:x-maia-signature:id:evt_1", k.key());
    }

    @Test
    void carriesNoReplayKeyWithoutReplayConfig() {
        assertNull(githubKey(Config.preset("github").secrets(SECRET), Map.of("X-GitHub-Delivery", "d1")));
    }
}
