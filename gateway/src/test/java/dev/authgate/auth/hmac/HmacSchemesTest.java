package dev.authgate.auth.hmac;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.authgate.auth.hmac.HmacFixtures.Config;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link HmacSchemes#validate}: each bad block yields its exact message, "field: problem (expected: ...)". */
class HmacSchemesTest {

    static String problem(Config c) {
        HmacConfig hmac = c.build();
        return assertThrows(IllegalArgumentException.class, () -> HmacSchemes.validate(hmac)).getMessage();
    }

    @Test
    void listsThePresetsInTheIssuesOrder() {
        assertEquals(List.of("github", "stripe", "slack", "shopify", "standard-webhooks", "svix", "zoom", "paddle",
                "linear", "meta", "square", "twilio"), HmacSchemes.presetNames());
    }

    @Test
    void rejectsAnUnknownPresetListingTheKnownOnes() {
        assertEquals("preset: 'gihub' is unknown (expected: github, stripe, slack, shopify, standard-webhooks, svix,"
                + " zoom, paddle, linear, meta, square, twilio)", problem(Config.preset("gihub").secrets("s")));
    }

    @Test
    void rejectsAnUnknownAlgorithmAndEncoding() {
        assertEquals("algorithm: 'md5' (expected: sha1, sha256 or sha512)",
                problem(Config.generic("X-Sig").algorithm("md5").secrets("s")));
        assertEquals("algorithm: 'SHA256' (expected: sha1, sha256 or sha512)",
                problem(Config.generic("X-Sig").algorithm("SHA256").secrets("s")));
        assertEquals("encoding: 'base32' (expected: hex or base64)",
                problem(Config.generic("X-Sig").encoding("base32").secrets("s")));
    }

    @Test
    void rejectsPayloadTemplatesWithUnknownPlaceholdersOrMissingHeaders() {
        assertEquals("payload: unknown placeholder '{ts}' (expected: {body}, {timestamp}, {id}, {method}, {path},"
                + " {url})", problem(Config.generic("X-Sig").payload("{ts}.{body}").secrets("s")));
        assertEquals("payload: unclosed '{' at character 1 (expected: placeholders {body}, {timestamp}, {id},"
                + " {method}, {path}, {url})", problem(Config.generic("X-Sig").payload("{body").secrets("s")));
        assertEquals("payload: {timestamp} needs timestamp_header (expected: timestamp_header: the header that"
                + " carries the unix seconds)", problem(Config.generic("X-Sig").payload("{timestamp}.{body}")
                .secrets("s")));
        assertEquals("payload: {id} needs id_header (expected: id_header: the header that carries the delivery id)",
                problem(Config.generic("X-Sig").payload("{id}.{body}").secrets("s")));
        assertEquals("payload: must contain {body} (expected: e.g. {timestamp}.{body})",
                problem(Config.generic("X-Sig").payload("{method}").secrets("s")));
        assertEquals("payload: {url} needs public_url (expected: public_url: the absolute URL the sender calls,"
                + " without query string)", problem(Config.generic("X-Sig").payload("{url}{body}").secrets("s")));
        assertEquals("timestamp_header: the payload does not sign it (expected: {timestamp} in payload, e.g."
                + " {timestamp}.{body})", problem(Config.generic("X-Sig").timestampHeader("X-Ts").secrets("s")));
    }

    @Test
    void rejectsAGenericSchemeWithoutHeader() {
        assertEquals("header: required for a generic hmac scheme (expected: the signature header's name, e.g."
                + " X-Signature, or a preset: github, stripe, slack, shopify, standard-webhooks, svix, zoom, paddle,"
                + " linear, meta, square, twilio)", problem(new Config().secrets("s")));
        assertEquals("header: 'X Sig' (expected: an HTTP header name)", problem(Config.generic("X Sig").secrets("s")));
    }

    @Test
    void requiresAnAbsoluteHttpPublicUrlWithoutQueryForSquareAndTwilio() {
        for (String preset : List.of("square", "twilio")) {
            assertEquals("public_url: required for preset '" + preset + "' (expected: the absolute https URL the"
                    + " provider calls, without query string)", problem(Config.preset(preset).secrets("s")));
        }
        String expected = " (expected: an absolute https or http URL without query string)";
        assertEquals("public_url: '/webhooks/square'" + expected,
                problem(Config.preset("square").publicUrl("/webhooks/square").secrets("s")));
        assertEquals("public_url: 'ftp://example.com/x'" + expected,
                problem(Config.preset("square").publicUrl("ftp://example.com/x").secrets("s")));
        assertEquals("public_url: 'https://example.com/x?a=1'" + expected,
                problem(Config.preset("twilio").publicUrl("https://example.com/x?a=1").secrets("s")));
        assertEquals("public_url: 'https://example.com/x?'" + expected,
                problem(Config.preset("twilio").publicUrl("https://example.com/x?").secrets("s")));
        assertDoesNotThrow(() -> HmacSchemes.validate(Config.preset("twilio")
                .publicUrl("http://127.0.0.1:8080/twilio").secrets("s").build()));
        assertEquals("public_url: preset 'github' does not sign the URL (expected: leave it out)",
                problem(Config.preset("github").publicUrl("https://example.com/x").secrets("s")));
    }

    @Test
    void rejectsReplayKeyIdOnASchemeWithoutIdHeader() {
        for (String preset : List.of("stripe", "slack", "zoom", "paddle", "linear", "meta")) {
            assertEquals("replay.key: this scheme has no id header (use key: signature)",
                    problem(Config.preset(preset).secrets("s").replay("id", null, null)));
        }
        assertEquals("replay.key: this scheme has no id header (use key: signature)",
                problem(Config.generic("X-Sig").secrets("s").replay(null, null, null)));
        assertDoesNotThrow(() -> HmacSchemes.validate(Config.preset("github").secrets("s")
                .replay("id", null, null).build()));
        assertDoesNotThrow(() -> HmacSchemes.validate(Config.preset("stripe").secrets("s").idHeader("X-Event-Id")
                .replay("id", null, null).build()));
        assertDoesNotThrow(() -> HmacSchemes.validate(Config.preset("slack").secrets("s")
                .replay("signature", Duration.ofMinutes(10), "acknowledge").build()));
        assertEquals("replay.ttl: PT0S (expected: > 0, e.g. 10m)",
                problem(Config.preset("github").secrets("s").replay("signature", Duration.ZERO, null)));
    }

    @Test
    void rejectsShapeFieldsNextToAPreset() {
        assertEquals("header: is fixed by preset 'github' (expected: leave it out, or drop preset: for a generic"
                + " scheme)", problem(Config.preset("github").header("X-Other").secrets("s")));
        assertEquals("algorithm: is fixed by preset 'stripe' (expected: leave it out, or drop preset: for a generic"
                + " scheme)", problem(Config.preset("stripe").algorithm("sha1").secrets("s")));
        assertEquals("payload: is fixed by preset 'slack' (expected: leave it out, or drop preset: for a generic"
                + " scheme)", problem(Config.preset("slack").payload("{body}").secrets("s")));
    }

    @Test
    void rejectsToleranceWhereNoTimestampIsSignedAndNonPositiveTolerance() {
        assertEquals("tolerance: this scheme signs no timestamp (expected: leave it out, or set timestamp_header)",
                problem(Config.preset("github").tolerance(Duration.ofMinutes(5)).secrets("s")));
        assertEquals("tolerance: PT0S (expected: > 0, e.g. 5m)",
                problem(Config.preset("stripe").tolerance(Duration.ZERO).secrets("s")));
    }

    @Test
    void rejectsAStandardWebhooksSecretThatIsNotBase64NamingOnlyItsIndex() {
        String secret = "whsec_not*base64!";
        String message = problem(Config.preset("standard-webhooks").secrets("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                secret));
        assertEquals("secrets[1]: not base64 after 'whsec_' (expected: the whsec_... signing secret as the provider"
                + " shows it)", message);
    }

    @Test
    void acceptsEveryPresetWithItsDefaultsAndAFullGenericScheme() {
        for (String preset : HmacSchemes.presetNames()) {
            Config c = Config.preset(preset).secrets(preset.contains("webhooks") || preset.equals("svix")
                    ? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" : "s");
            if (preset.equals("square") || preset.equals("twilio")) {
                c.publicUrl("https://example.com/hook");
            }
            assertDoesNotThrow(() -> HmacSchemes.validate(c.build()), preset);
        }
        assertDoesNotThrow(() -> HmacSchemes.validate(Config.generic("X-Sig").algorithm("sha512").encoding("base64")
                .prefix("v1=").payload("{method} {path} {url} {id}.{timestamp}.{body}").timestampHeader("X-Ts")
                .idHeader("X-Id").publicUrl("https://example.com/hook").tolerance(Duration.ofSeconds(30))
                .secrets("a", "b").replay("id", Duration.ofMinutes(1), "acknowledge").build()));
    }

    @Test
    void defaultsTheToleranceToFiveMinutesWhereATimestampIsSigned() {
        assertEquals(Duration.ofMinutes(5), HmacSchemes.resolve(Config.preset("slack").secrets("s").build())
                .tolerance());
        assertEquals(Duration.ofMinutes(5), HmacSchemes.resolve(Config.generic("X-Sig").timestampHeader("X-Ts")
                .payload("{timestamp}.{body}").secrets("s").build()).tolerance());
        assertEquals(null, HmacSchemes.resolve(Config.preset("github").secrets("s").build()).tolerance());
    }
}
