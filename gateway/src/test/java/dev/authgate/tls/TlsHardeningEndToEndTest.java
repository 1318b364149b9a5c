package dev.authgate.tls;

import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestCerts;
import dev.authgate.testing.TestConfigs;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * TLS against hostile or broken clients: a handshake that never starts or stalls is cut at {@code header_timeout};
 * a TLS 1.2 client's renegotiation is refused by both providers; no compression is negotiated. Driven by
 * {@code openssl s_client}, a real client that can ask for renegotiation (its {@code R} command).
 */
class TlsHardeningEndToEndTest {
    @TempDir
    static Path dir;
    private static TestCerts certs;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() {
        certs = TestCerts.create(dir);
        gw = GatewayFixture.start(TestConfigs.gateway().tls(certs.tlsConfig())
                .headerTimeout(Duration.ofMillis(500)).idleTimeout(Duration.ofMinutes(5))
                .route(TestConfigs.respond("hook", "/hook", none(), "GET")).build());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void aConnectionThatNeverStartsTheHandshakeIsClosedAtTheHeaderTimeout() {
        try (RawHttp c = gw.connect()) {
            long start = System.nanoTime();
            assertTrue(c.isClosedByPeer());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 10_000, "closed after " + millis + " ms, not at the 5 min idle timeout");
        }
    }

    @Test
    void aStalledHandshakeIsClosedAtTheHeaderTimeout() {
        try (RawHttp c = gw.connect()) {
            // A handshake record header announcing 512 bytes, then 4 of them.
            c.send(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc});
            long start = System.nanoTime();
            assertTrue(c.isClosedByPeer());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000);
        }
    }

    @Test
    void negotiatesNoCompression() throws Exception {
        String out = sClient(gw.port(), "(sleep 1)");
        assertTrue(out.contains("Protocol  : TLSv1.2"), out);
        assertTrue(out.contains("Compression: NONE"), out);
    }

    @Test
    void theGatewayRefusesATls12Renegotiation() throws Exception {
        String out = sClient(gw.port(), "(sleep 1; echo R; sleep 1; echo GET /hook HTTP/1.1; echo Host: x; echo; "
                + "sleep 1)");
        assertTrue(out.contains("RENEGOTIATING"), out);
        assertTrue(out.contains("no renegotiation") || out.contains("handshake failure"), out);
        assertFalse(out.contains("HTTP/1.1 204"), "no request is served after a refused renegotiation: " + out);
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void bothProvidersRefuseAClientInitiatedRenegotiation(SslProvider provider) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (TlsTestServer server = TlsTestServer.start(group,
                SslContexts.load(certs.tlsConfig(), provider).context())) {
            String out = sClient(server.port(), "(sleep 1; echo R; sleep 1; echo echoed-after-renegotiation; "
                    + "sleep 1)");
            assertTrue(out.contains("RENEGOTIATING"), out);
            assertFalse(out.contains("echoed-after-renegotiation"), provider + " renegotiated: " + out);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** {@code openssl s_client -tls1_2 -crlf} on 127.0.0.1:port fed by the shell snippet {@code input}. */
    private static String sClient(int port, String input) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(List.of("bash", "-c", input + " | openssl s_client -connect 127.0.0.1:" + port
                    + " -servername localhost -tls1_2 -crlf"))
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            fail("bash and openssl are required (.ci/run installs openssl): " + e.getMessage());
            throw e;
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("openssl s_client did not finish within 60 s");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
