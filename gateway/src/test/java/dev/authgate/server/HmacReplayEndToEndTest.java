package dev.authgate.server;

import dev.authgate.auth.hmac.HmacSchemes;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import dev.authgate.testing.TestCerts;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLSocketFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Replay protection for every preset over TLS, with deliveries signed by {@code authgate sign}: a duplicate is
 * {@code replayed}; under {@code on_duplicate: acknowledge} it gets 200 from the gateway and the upstream sees one
 * request; a delivery that got 502 because the upstream was down passes when the sender retries it after the upstream
 * is back on its port. Presets with a delivery id are keyed by it, the others by the signature.
 * ({@link ReplayEndToEndTest} covers the in-flight duplicate, a 5xx and a timeout releasing the key, on plain HTTP.)
 */
class HmacReplayEndToEndTest {
    @TempDir
    static Path certsDir;
    @TempDir
    Path dir;
    private static SSLSocketFactory sockets;
    private TestUpstream backend;
    private GatewayFixture gw;

    @BeforeAll
    static void certs() {
        sockets = TestCerts.create(certsDir).clientSslContext().getSocketFactory();
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (backend != null) backend.close();
    }

    static Stream<String> presets() {
        return HmacSchemes.presetNames().stream();
    }

    /** A gateway over TLS with replay routes for every preset, forwarding to {@code upstreamUrl}. */
    private GatewayFixture gateway(String upstreamUrl) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("certs"));
        for (String f : List.of("server.crt", "server.key")) {
            java.nio.file.Files.copy(certsDir.resolve(f), dir.resolve("certs").resolve(f));
        }
        return GatewayFixture.start(TestConfigs.load(dir, SignedDelivery.config(dir, upstreamUrl,
                p -> List.of("current"), true)));
    }

    private SignedDelivery sign(String route, String path, String body) {
        return SignedDelivery.sign(dir.resolve("gateway.yaml"), route, path, body.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("presets")
    void rejectsADuplicateAsReplayedWithoutForwardingIt(String preset) throws Exception {
        backend = TestUpstream.start();
        gw = gateway(backend.url());
        SignedDelivery d = sign(preset, "/hooks/" + preset, "{\"delivery\":\"" + preset + "\"}");
        assertEquals(200, d.sendTls(gw.port(), sockets).status());
        backend.takeRequest();

        RawHttp.Response again = d.sendTls(gw.port(), sockets);
        assertEquals(401, again.status(), again::toString);
        assertEquals("replayed", again.json().get("reason"));
        assertEquals("this delivery was already accepted", again.json().get("detail"));
        assertEquals("authgate", again.header("Server"));
        assertEquals(0, backend.pendingRequests(), "the upstream got the delivery once");
        AccessLogEntry e = gw.accessLog().await(again.header("X-Request-Id"));
        assertEquals("replayed", e.reason());
        assertEquals(preset, e.route());
    }

    @ParameterizedTest
    @MethodSource("presets")
    void acknowledgesADuplicateWith200FromTheGatewayAndOneUpstreamRequest(String preset) throws Exception {
        backend = TestUpstream.start();
        gw = gateway(backend.url());
        SignedDelivery d = sign(preset + "-ack", "/ack/" + preset, "{\"n\":1}");
        RawHttp.Response first = d.sendTls(gw.port(), sockets);
        assertEquals(200, first.status());
        assertNull(first.header("Server"), "the first answer is the upstream's");
        backend.takeRequest();

        for (int i = 0; i < 2; i++) {
            RawHttp.Response ack = d.sendTls(gw.port(), sockets);
            assertEquals(200, ack.status(), ack::toString);
            assertEquals("authgate", ack.header("Server"), "the gateway acknowledged it");
            assertNull(ack.header("Via"));
            assertEquals(0, ack.body().length);
        }
        assertEquals(0, backend.pendingRequests(), "one upstream request for three deliveries");
        assertEquals(1, backend.connectionCount());
    }

    @Test
    void aDeliveryThatGot502PassesWhenRetriedAfterTheUpstreamIsBackOnItsPort() throws Exception {
        TestUpstream first = TestUpstream.start();
        int port = first.port();
        first.close(); // the upstream is down: its port refuses
        gw = gateway("http://127.0.0.1:" + port);
        List<SignedDelivery> deliveries = new ArrayList<>();
        for (String preset : HmacSchemes.presetNames()) {
            SignedDelivery d = sign(preset, "/hooks/" + preset, "{\"retry\":\"" + preset + "\"}");
            RawHttp.Response r = d.sendTls(gw.port(), sockets);
            assertEquals(502, r.status(), preset);
            assertEquals("upstream_unavailable", r.json().get("reason"));
            deliveries.add(d);
        }

        backend = TestUpstream.start(port); // back, on the same port
        for (SignedDelivery d : deliveries) {
            RawHttp.Response retry = d.sendTls(gw.port(), sockets);
            assertEquals(200, retry.status(), () -> "the 502 released the key: " + retry);
            TestUpstream.Recorded got = backend.takeRequest();
            assertArrayEquals(d.body(), got.body());
        }
        for (SignedDelivery d : deliveries) {
            RawHttp.Response again = d.sendTls(gw.port(), sockets);
            assertEquals(401, again.status(), "the 200 committed the key");
            assertEquals("replayed", again.json().get("reason"));
        }
        assertEquals(0, backend.pendingRequests());
    }
}
