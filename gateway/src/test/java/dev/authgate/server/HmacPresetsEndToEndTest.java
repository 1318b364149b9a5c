package dev.authgate.server;

import dev.authgate.auth.hmac.HmacSchemes;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import dev.authgate.testing.TestCerts;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocketFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every HMAC preset through the real gateway over TLS, signed by {@code authgate sign} against the config file the
 * gateway serves: the delivery passes and reaches the upstream byte for byte (a 1 MiB binary body too); one changed
 * body byte and a wrong secret are {@code signature_mismatch}; the previous secret still passes during a rotation.
 * (The authenticator-level matrix, timestamps and headers, is in {@code auth.hmac.PresetsTest}.)
 */
class HmacPresetsEndToEndTest {
    @TempDir
    static Path dir;
    private static SSLSocketFactory sockets;
    private static TestUpstream backend;
    private static GatewayFixture gw;
    private static String gatewayName;
    private static Path served;
    private static Path previousOnly;
    private static Path wrongSecret;

    @BeforeAll
    static void start() throws Exception {
        sockets = TestCerts.create(dir.resolve("certs")).clientSslContext().getSocketFactory();
        backend = TestUpstream.start();
        // Rotation: the new secret first (what senders switch to), the previous one until every sender has switched.
        var config = TestConfigs.load(dir, SignedDelivery.config(dir, backend.url(),
                p -> List.of("current", "previous"), false));
        gatewayName = config.name();
        gw = GatewayFixture.start(config);
        served = dir.resolve("gateway.yaml");
        previousOnly = Files.writeString(dir.resolve("previous.yaml"),
                SignedDelivery.config(dir, backend.url(), p -> List.of("previous"), false));
        wrongSecret = Files.writeString(dir.resolve("wrong.yaml"),
                SignedDelivery.config(dir, backend.url(), p -> List.of("not-the-secret"), false));
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        if (backend != null) backend.close();
    }

    static Stream<String> presets() {
        return HmacSchemes.presetNames().stream();
    }

    private static SignedDelivery sign(Path config, String preset, byte[] body) {
        return SignedDelivery.sign(config, preset, "/hooks/" + preset, body);
    }

    /** Sends, expects the upstream's 200, and checks what the upstream received against what was signed. */
    private static AccessLogEntry passes(String preset, SignedDelivery d) {
        RawHttp.Response r = d.sendTls(gw.port(), sockets);
        assertEquals(200, r.status(), () -> r + " " + r.bodyText());
        assertNull(r.header("Server"), "the upstream answered, not the gateway");
        assertEquals("1.1 " + gatewayName, r.header("Via"));
        TestUpstream.Recorded got = backend.takeRequest();
        assertArrayEquals(d.body(), got.body(), "the body reaches the upstream byte for byte");
        assertEquals(d.target(), got.uri());
        assertEquals("hmac", got.header("X-Auth-Scheme"));
        assertEquals(preset, got.header("X-Auth-Identity"));
        for (var h : d.headers()) {
            assertEquals(h.getValue(), got.header(h.getKey()), "the signed header " + h.getKey() + " is forwarded");
        }
        return gw.accessLog().await(r.header("X-Request-Id"));
    }

    private static void mismatch(SignedDelivery d) {
        RawHttp.Response r = d.sendTls(gw.port(), sockets);
        assertEquals(401, r.status(), r::toString);
        assertEquals("authgate", r.header("Server"));
        assertEquals("signature_mismatch", r.json().get("reason"), r.bodyText());
        assertEquals(0, backend.pendingRequests(), "a refused delivery never reaches the upstream");
    }

    @ParameterizedTest
    @MethodSource("presets")
    void whatSignPrintsPassesAndReachesTheUpstreamByteIdentical(String preset) {
        for (String body : List.of("{\"event\":\"ping\",\"id\":42}\n", "Body=hello+world&From=%2B15550001111", "")) {
            AccessLogEntry e = passes(preset, sign(served, preset, body.getBytes(StandardCharsets.UTF_8)));
            assertEquals("secret #1 of 2 matched", e.detail());
            assertEquals(preset, e.route());
            assertEquals("TLSv1.3", e.tls());
        }
    }

    @ParameterizedTest
    @MethodSource("presets")
    void aOneMebibyteBinaryBodySignsAndVerifiesEndToEnd(String preset) {
        byte[] body = new byte[1024 * 1024];
        new Random(preset.hashCode()).nextBytes(body);
        AccessLogEntry e = passes(preset, sign(served, preset, body));
        assertEquals(1024 * 1024, e.bytesIn());
    }

    @ParameterizedTest
    @MethodSource("presets")
    void oneChangedBodyByteIsASignatureMismatch(String preset) {
        byte[] body = "{\"event\":\"order.paid\",\"amount\":1999}".getBytes(StandardCharsets.UTF_8);
        SignedDelivery d = sign(served, preset, body);
        byte[] changed = body.clone();
        changed[body.length / 2] ^= 0x01;
        mismatch(d.withBody(changed));
        passes(preset, d); // the unchanged delivery still passes: only the byte made the difference
    }

    @ParameterizedTest
    @MethodSource("presets")
    void aWrongSecretIsASignatureMismatchAfterTryingBothSecrets(String preset) {
        SignedDelivery d = sign(wrongSecret, preset, "{\"event\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
        RawHttp.Response r = d.sendTls(gw.port(), sockets);
        assertEquals(401, r.status(), r::toString);
        assertEquals("signature_mismatch", r.json().get("reason"));
        assertTrue(((String) r.json().get("detail")).contains("2 secrets tried"), r.bodyText());
        assertNotNull(r.header("WWW-Authenticate"));
        assertEquals(0, backend.pendingRequests());
    }

    @ParameterizedTest
    @MethodSource("presets")
    void thePreviousSecretStillPassesDuringARotation(String preset) {
        AccessLogEntry e = passes(preset, sign(previousOnly, preset,
                "{\"event\":\"from-a-sender-not-yet-rotated\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("secret #2 of 2 matched", e.detail());
    }
}
