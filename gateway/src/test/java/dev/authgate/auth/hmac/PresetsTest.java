package dev.authgate.auth.hmac;

import dev.authgate.auth.AuthResult;
import dev.authgate.auth.SignedRequest;
import dev.authgate.http.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static dev.authgate.auth.hmac.HmacFixtures.CLOCK;
import static dev.authgate.auth.hmac.HmacFixtures.Config;
import static dev.authgate.auth.hmac.HmacFixtures.NOW;
import static dev.authgate.auth.hmac.HmacFixtures.assertAccepted;
import static dev.authgate.auth.hmac.HmacFixtures.assertNoSecret;
import static dev.authgate.auth.hmac.HmacFixtures.assertRejected;
import static dev.authgate.auth.hmac.HmacFixtures.headers;
import static dev.authgate.auth.hmac.HmacFixtures.support;
import static dev.authgate.auth.hmac.HmacFixtures.utf8;
import static dev.authgate.auth.hmac.HmacFixtures.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every preset against an independent sender ({@link ProviderSender}): valid deliveries pass; a changed body byte,
 * a changed signed part and a wrong secret fail with the right reason; rotation; the timestamp window on both sides;
 * 1 MiB binary bodies in heap, direct and composite buffers; and {@link HmacSigner}'s output.
 */
class PresetsTest {
    static final String ID = "delivery-0001";
    static final byte[] JSON = utf8("{\"event\":\"ping\",\"n\":1}");
    static final byte[] FORM = utf8("From=%2B15550001111&Body=hello+world%21&To=%2B15550002222&AccountSid=AC1");

    static Stream<String> presets() {
        return HmacSchemes.presetNames().stream();
    }

    static Stream<String> timestampedPresets() {
        return Stream.of("stripe", "slack", "standard-webhooks", "svix", "zoom", "paddle");
    }

    static String newSecret(String preset) {
        return secretFor(preset, "new-test-key-0123456789");
    }

    static String oldSecret(String preset) {
        return secretFor(preset, "old-test-key-9876543210");
    }

    static String secretFor(String preset, String seed) {
        if (preset.equals("standard-webhooks") || preset.equals("svix")) {
            return "whsec_" + Base64.getEncoder().encodeToString(utf8(seed));
        }
        return preset.equals("stripe") ? "whsec_" + seed : seed;
    }

    static HmacConfig config(String preset, String... secrets) {
        Config c = Config.preset(preset).secrets(secrets);
        if (preset.equals("square") || preset.equals("twilio")) {
            c.publicUrl(ProviderSender.PUBLIC_URL);
        }
        return c.build();
    }

    static HmacAuthenticator authenticator(String preset, String... secrets) {
        return new HmacAuthenticator(config(preset, secrets), support(CLOCK));
    }

    static ProviderSender.Sent send(String preset, String secret, long ts) {
        boolean twilio = preset.equals("twilio");
        return ProviderSender.send(preset, secret, twilio ? FORM : JSON,
                twilio ? "application/x-www-form-urlencoded" : "application/json", ts, ID, null);
    }

    static AuthResult verifySent(HmacAuthenticator a, ProviderSender.Sent s) {
        return verify(a, headers(s.headers()), s.body(), s.query());
    }

    static String signatureHeader(String preset) {
        return HmacSchemes.preset(preset).signatureHeaders().get(0);
    }

    @ParameterizedTest
    @MethodSource("presets")
    void acceptsAValidDeliveryNamingThePresetAndTheSecretIndex(String preset) {
        AuthResult.Accepted ok = assertAccepted(verifySent(authenticator(preset, newSecret(preset)),
                send(preset, newSecret(preset), NOW)));
        assertEquals("hmac", ok.scheme());
        assertEquals(preset, ok.identity());
        assertEquals("secret #1 of 1 matched", ok.detail());
        assertEquals(List.of(signatureHeader(preset)), ok.credentialHeaders());
        assertNull(ok.replayKey());
    }

    @ParameterizedTest
    @MethodSource("presets")
    void rejectsOneChangedBodyByteWithSignatureMismatch(String preset) {
        ProviderSender.Sent s = send(preset, newSecret(preset), NOW);
        byte[] body = s.body().clone();
        body[body.length - 1] ^= 1;
        AuthResult.Rejected r = assertRejected(Reason.SIGNATURE_MISMATCH,
                verifySent(authenticator(preset, newSecret(preset)), s.withBody(body)));
        assertTrue(r.credentialPresent());
        assertTrue(r.detail().startsWith("signature does not match the body ("), r.detail());
        assertNoSecret(r.detail(), newSecret(preset));
    }

    /** The signed part that is not the body: timestamp, id, URL query; or, where only the body is signed, the MAC. */
    @ParameterizedTest
    @MethodSource("presets")
    void rejectsAChangedSignedPartWithSignatureMismatch(String preset) {
        ProviderSender.Sent s = send(preset, newSecret(preset), NOW);
        HmacAuthenticator a = authenticator(preset, newSecret(preset));
        String sigHeader = signatureHeader(preset);
        ProviderSender.Sent changed;
        switch (preset) {
            case "stripe":
                changed = s.with(sigHeader, s.headers().get(sigHeader).replace("t=" + NOW, "t=" + (NOW - 1)));
                break;
            case "paddle":
                changed = s.with(sigHeader, s.headers().get(sigHeader).replace("ts=" + NOW, "ts=" + (NOW - 1)));
                break;
            case "slack":
                changed = s.with("X-Slack-Request-Timestamp", Long.toString(NOW - 1));
                break;
            case "zoom":
                changed = s.with("x-zm-request-timestamp", Long.toString(NOW - 1));
                break;
            case "standard-webhooks":
            case "svix": {
                String p = preset.equals("svix") ? "svix-" : "webhook-";
                assertRejected(Reason.SIGNATURE_MISMATCH, verifySent(a, s.with(p + "id", "delivery-0002")));
                changed = s.with(p + "timestamp", Long.toString(NOW + 1));
                break;
            }
            case "square":
            case "twilio":
                changed = s.withQuery("x=1");
                break;
            default: {
                // github, meta, shopify, linear sign the body only: change one character of the MAC itself.
                String v = s.headers().get(sigHeader);
                char last = v.charAt(v.length() - 1);
                char other = last == '0' ? '1' : '0';
                if (v.endsWith("=")) { // base64 with padding: change a character before the padding
                    int i = v.indexOf('=') - 2;
                    v = v.substring(0, i) + (v.charAt(i) == 'A' ? 'B' : 'A') + v.substring(i + 1);
                } else {
                    v = v.substring(0, v.length() - 1) + other;
                }
                changed = s.with(sigHeader, v);
            }
        }
        assertRejected(Reason.SIGNATURE_MISMATCH, verifySent(a, changed));
    }

    @ParameterizedTest
    @MethodSource("presets")
    void rejectsAWrongSecretWithSignatureMismatchSayingHowManySecretsWereTried(String preset) {
        AuthResult.Rejected r = assertRejected(Reason.SIGNATURE_MISMATCH,
                verifySent(authenticator(preset, newSecret(preset)), send(preset, oldSecret(preset), NOW)));
        assertTrue(r.detail().contains("1 secret tried"), r.detail());
        assertNoSecret(r.detail(), newSecret(preset), oldSecret(preset));
    }

    @ParameterizedTest
    @MethodSource("presets")
    void acceptsTheOldSecretDuringRotationAndNamesItsIndex(String preset) {
        HmacAuthenticator a = authenticator(preset, newSecret(preset), oldSecret(preset));
        assertEquals("secret #2 of 2 matched",
                assertAccepted(verifySent(a, send(preset, oldSecret(preset), NOW))).detail());
        assertEquals("secret #1 of 2 matched",
                assertAccepted(verifySent(a, send(preset, newSecret(preset), NOW))).detail());
        AuthResult.Rejected r = assertRejected(Reason.SIGNATURE_MISMATCH,
                verifySent(a, send(preset, secretFor(preset, "third-test-key-5555555"), NOW)));
        assertTrue(r.detail().contains("2 secrets tried"), r.detail());
    }

    @ParameterizedTest
    @MethodSource("timestampedPresets")
    void acceptsTimestampsJustInsideTheFiveMinuteWindowOnBothSides(String preset) {
        HmacAuthenticator a = authenticator(preset, newSecret(preset));
        assertAccepted(verifySent(a, send(preset, newSecret(preset), NOW - 300)));
        assertAccepted(verifySent(a, send(preset, newSecret(preset), NOW + 300)));
    }

    @ParameterizedTest
    @MethodSource("timestampedPresets")
    void rejectsTimestampsJustOutsideTheWindowOnBothSides(String preset) {
        HmacAuthenticator a = authenticator(preset, newSecret(preset));
        assertEquals("timestamp is 301 s old (tolerance 300 s, both directions)",
                assertRejected(Reason.TIMESTAMP_OUT_OF_WINDOW,
                        verifySent(a, send(preset, newSecret(preset), NOW - 301))).detail());
        assertEquals("timestamp is 301 s in the future (tolerance 300 s, both directions)",
                assertRejected(Reason.TIMESTAMP_OUT_OF_WINDOW,
                        verifySent(a, send(preset, newSecret(preset), NOW + 301))).detail());
    }

    @ParameterizedTest
    @MethodSource("presets")
    void rejectsAMissingSignatureHeaderAsSignatureMissingWithoutCredential(String preset) {
        ProviderSender.Sent s = send(preset, newSecret(preset), NOW);
        Map<String, String> h = new java.util.LinkedHashMap<>(s.headers());
        h.keySet().removeIf(k -> k.equalsIgnoreCase(signatureHeader(preset)));
        AuthResult.Rejected r = assertRejected(Reason.SIGNATURE_MISSING,
                verify(authenticator(preset, newSecret(preset)), headers(h), s.body(), s.query()));
        assertFalse(r.credentialPresent());
        assertEquals(signatureHeader(preset) + " header is missing", r.detail());
    }

    enum BufferKind { HEAP, POOLED_DIRECT, COMPOSITE }

    static ByteBuf buffer(BufferKind kind, byte[] bytes) {
        switch (kind) {
            case HEAP:
                return Unpooled.wrappedBuffer(bytes);
            case POOLED_DIRECT:
                return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
            case COMPOSITE: {
                // Three components of different kinds, split at odd offsets, as an aggregated body may be.
                CompositeByteBuf c = Unpooled.compositeBuffer();
                int a = 333_333;
                int b = 777_777;
                c.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 0, a)));
                c.addComponent(true, PooledByteBufAllocator.DEFAULT.directBuffer(b - a)
                        .writeBytes(bytes, a, b - a));
                c.addComponent(true, Unpooled.directBuffer(bytes.length - b).writeBytes(bytes, b, bytes.length - b));
                return c;
            }
            default:
                throw new AssertionError(kind);
        }
    }

    @ParameterizedTest
    @MethodSource("presets")
    void verifiesAOneMebibyteRandomBinaryBodyInHeapDirectAndCompositeBuffers(String preset) {
        byte[] body = new byte[1024 * 1024];
        new Random(preset.hashCode()).nextBytes(body);
        ProviderSender.Sent s = ProviderSender.send(preset, newSecret(preset), body, "application/octet-stream",
                NOW, ID, null);
        HmacAuthenticator a = authenticator(preset, newSecret(preset));
        for (BufferKind kind : BufferKind.values()) {
            ByteBuf buf = buffer(kind, body);
            buf.readerIndex(0);
            assertAccepted(verify(a, headers(s.headers()), buf, s.query()));
        }
        body[512 * 1024] ^= 0x40;
        ByteBuf changed = buffer(BufferKind.COMPOSITE, body);
        AuthResult.Rejected r = assertRejected(Reason.SIGNATURE_MISMATCH,
                verify(a, headers(s.headers()), changed, s.query()));
        assertFalse(r.detail().contains("hint"), "no hints for bodies over 64 KiB: " + r.detail());
    }

    @ParameterizedTest
    @MethodSource("presets")
    void acceptsWhatTheSignerProducesForEveryPreset(String preset) {
        HmacConfig config = config(preset, newSecret(preset), oldSecret(preset));
        HmacAuthenticator a = authenticator(preset, newSecret(preset), oldSecret(preset));
        for (byte[] body : List.of(JSON, FORM, new byte[0], "line one\nline two\n".getBytes())) {
            SignedRequest signed = HmacSigner.sign(config, body, "POST", "/hook", null, CLOCK);
            AuthResult.Accepted ok = assertAccepted(verify(a, headers(signed.headers()), body, signed.query()));
            assertEquals("secret #1 of 2 matched", ok.detail());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"square", "twilio"})
    void signsThePublicUrlWithTheQueryAsReceived(String preset) {
        ProviderSender.Sent s = ProviderSender.send(preset, newSecret(preset), FORM,
                "application/x-www-form-urlencoded", NOW, ID, "a=1&b=%20x");
        HmacAuthenticator a = authenticator(preset, newSecret(preset));
        assertAccepted(verifySent(a, s));
        assertRejected(Reason.SIGNATURE_MISMATCH, verifySent(a, s.withQuery("b=%20x&a=1")));
        assertRejected(Reason.SIGNATURE_MISMATCH, verifySent(a, s.withQuery(null)));
    }
}
