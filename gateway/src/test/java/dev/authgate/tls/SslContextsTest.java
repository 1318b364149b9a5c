package dev.authgate.tls;

import dev.authgate.tls.TlsConfig;
import dev.authgate.testing.TestCerts;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real handshakes against a Netty server built from {@link SslContexts}, with JDK and OpenSSL command-line clients. */
class SslContextsTest {
    @TempDir
    static Path dir;
    static TestCerts certs;
    static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        certs = TestCerts.create(dir);
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Every provider usable here: the JDK always, OpenSSL (BoringSSL) when tcnative loaded. */
    static Stream<SslProvider> providers() {
        List<SslProvider> providers = new ArrayList<>(List.of(SslProvider.JDK));
        if (OpenSsl.isAvailable()) {
            providers.add(SslProvider.OPENSSL);
        }
        return providers.stream();
    }

    static Stream<Arguments> keyFormats() {
        List<Arguments> args = new ArrayList<>();
        providers().forEach(p -> {
            args.add(Arguments.of(p, "EC PKCS#8", "-----BEGIN PRIVATE KEY-----",
                    (Function<TestCerts, TlsConfig>) c -> c.tlsConfig(c.serverCert(), c.serverKey())));
            args.add(Arguments.of(p, "EC SEC1", "-----BEGIN EC PRIVATE KEY-----",
                    (Function<TestCerts, TlsConfig>) c -> c.tlsConfig(c.serverCert(), c.serverKeySec1())));
            args.add(Arguments.of(p, "RSA PKCS#8", "-----BEGIN PRIVATE KEY-----",
                    (Function<TestCerts, TlsConfig>) c -> c.tlsConfig(c.rsaCert(), c.rsaKey())));
            args.add(Arguments.of(p, "RSA PKCS#1", "-----BEGIN RSA PRIVATE KEY-----",
                    (Function<TestCerts, TlsConfig>) c -> c.tlsConfig(c.rsaCert(), c.rsaKeyPkcs1())));
        });
        return args.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void servesTls13Client(SslProvider provider) throws Exception {
        try (TlsTestServer server = TlsTestServer.start(group, SslContexts.load(certs.tlsConfig(), provider).context());
             SSLSocket socket = connect(server.port(), "TLSv1.3")) {
            SSLSession session = socket.getSession();
            assertEquals("TLSv1.3", session.getProtocol());
            assertTrue(SslContexts.TLS13_CIPHERS.contains(session.getCipherSuite()), session.getCipherSuite());
            assertEchoes(socket);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void servesTls12ClientWithEcdheAeadSuite(SslProvider provider) throws Exception {
        try (TlsTestServer server = TlsTestServer.start(group, SslContexts.load(certs.tlsConfig(), provider).context());
             SSLSocket socket = connect(server.port(), "TLSv1.2")) {
            SSLSession session = socket.getSession();
            assertEquals("TLSv1.2", session.getProtocol());
            assertTrue(session.getCipherSuite().startsWith("TLS_ECDHE_ECDSA_WITH_"), session.getCipherSuite());
            assertTrue(SslContexts.TLS12_CIPHERS.contains(session.getCipherSuite()), session.getCipherSuite());
            assertEchoes(socket);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void refusesTls11OnlyOpensslClient(SslProvider provider) throws Exception {
        try (TlsTestServer server = TlsTestServer.start(group, SslContexts.load(certs.tlsConfig(), provider).context())) {
            OpensslClient.Result result = OpensslClient.sClient(server.port(), dir,
                    "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
            assertFalse(result.handshakeSucceeded(), result.output());
            assertNotEquals(0, result.exitCode(), result.output());
            // The refusal must come from the server, not from a client that never sent a ClientHello.
            SslHandshakeCompletionEvent event = server.nextHandshake();
            assertFalse(event.isSuccess(), "server accepted a TLS 1.1 handshake");
            assertTrue(event.cause().toString().toLowerCase().contains("protocol"), event.cause().toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void servesOpensslTls12ClientOfferingEcdheSuiteSoTheRefusalTestsCanFail(SslProvider provider) throws Exception {
        try (TlsTestServer server = TlsTestServer.start(group, SslContexts.load(certs.tlsConfig(), provider).context())) {
            OpensslClient.Result result = OpensslClient.sClient(server.port(), dir,
                    "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
            assertTrue(result.handshakeSucceeded(), result.output());
            assertTrue(result.output().contains("ECDHE-ECDSA-AES128-GCM-SHA256"), result.output());
            assertTrue(server.nextHandshake().isSuccess());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void refusesTls12ClientOfferingOnlyRsaKeyExchange(SslProvider provider) throws Exception {
        // An RSA certificate, so TLS_RSA_WITH_AES_128_GCM_SHA256 would be possible if the server allowed it.
        TlsConfig rsa = certs.tlsConfig(certs.rsaCert(), certs.rsaKey());
        try (TlsTestServer server = TlsTestServer.start(group, SslContexts.load(rsa, provider).context())) {
            OpensslClient.Result result = OpensslClient.sClient(server.port(), dir,
                    "-tls1_2", "-cipher", "AES128-GCM-SHA256:@SECLEVEL=0");  // = TLS_RSA_WITH_AES_128_GCM_SHA256
            assertFalse(result.handshakeSucceeded(), result.output());
            assertNotEquals(0, result.exitCode(), result.output());
            SslHandshakeCompletionEvent event = server.nextHandshake();
            assertFalse(event.isSuccess(), "server accepted a non-ECDHE TLS 1.2 suite");
            assertTrue(event.cause().toString().toLowerCase().contains("cipher"), event.cause().toString());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("keyFormats")
    void loadsEachKeyFormatAndServesAHandshake(SslProvider provider, String format, String pemHeader,
                                               Function<TestCerts, TlsConfig> config) throws Exception {
        TlsConfig tls = config.apply(certs);
        assertEquals(pemHeader, Files.readAllLines(tls.key()).get(0), "test file is not in the format under test");
        ServerTls loaded = SslContexts.load(tls, provider);
        try (TlsTestServer server = TlsTestServer.start(group, loaded.context())) {
            for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                try (SSLSocket socket = connect(server.port(), protocol)) {
                    assertEquals(protocol, socket.getSession().getProtocol());
                    assertEquals(loaded.leaf(), socket.getSession().getPeerCertificates()[0]);
                    assertEchoes(socket);
                }
            }
        }
    }

    @Test
    void servesTheWholeChainLeafFirst() throws Exception {
        ServerTls loaded = SslContexts.load(certs.tlsConfig(certs.serverChain(), certs.serverKey()));
        assertEquals(List.of(certs.serverCertificate(), certs.caCertificate()), loaded.chain());
        assertEquals(certs.serverCertificate(), loaded.leaf());
        try (TlsTestServer server = TlsTestServer.start(group, loaded.context());
             SSLSocket socket = connect(server.port(), "TLSv1.3")) {
            Certificate[] peer = socket.getSession().getPeerCertificates();
            assertArrayEquals(new Certificate[] {certs.serverCertificate(), certs.caCertificate()}, peer);
        }
    }

    @Test
    void reportsTheChosenProviderByName() {
        String expected = OpenSsl.isAvailable() ? "OpenSSL" : "JDK";
        assertEquals(expected, SslContexts.providerName());
        ServerTls chosen = SslContexts.load(certs.tlsConfig());
        ServerTls jdk = SslContexts.load(certs.tlsConfig(), SslProvider.JDK);
        try {
            assertEquals(expected, chosen.provider());
            assertEquals("JDK", jdk.provider());
        } finally {
            chosen.release();
            jdk.release();
        }
    }

    @Test
    void exposesTheLeafExpiryAndLoadsAnExpiredCertificateSoOpsCanWarn() {
        Path cert = dir.resolve("expired.crt");
        Instant notAfter = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        X509Certificate written = certs.writeServerCert(cert, notAfter);
        ServerTls loaded = SslContexts.load(certs.tlsConfig(cert, certs.serverKey()));
        loaded.release();
        assertEquals(written, loaded.leaf());
        assertEquals(notAfter, loaded.notAfter());
    }

    @Test
    void restrictsProtocolsToTheConfiguredOnes() throws Exception {
        TlsConfig only13 = new TlsConfig(certs.serverCert(), certs.serverKey(), List.of("TLSv1.3"));
        try (TlsTestServer server = TlsTestServer.start(group, SslContexts.load(only13).context())) {
            try (SSLSocket socket = connect(server.port(), "TLSv1.3")) {
                assertEquals("TLSv1.3", socket.getSession().getProtocol());
            }
            assertTrue(server.nextHandshake().isSuccess());
            try (SSLSocket socket = openSocket(server.port(), "TLSv1.2")) {
                assertThrowsSsl(socket);
            }
            assertFalse(server.nextHandshake().isSuccess());
        }
    }

    private static void assertThrowsSsl(SSLSocket socket) {
        try {
            socket.startHandshake();
            throw new AssertionError("TLS 1.2 handshake succeeded against a TLSv1.3-only server");
        } catch (java.io.IOException expected) {
            // refused, as configured
        }
    }

    private static SSLSocket connect(int port, String protocol) throws Exception {
        SSLSocket socket = openSocket(port, protocol);
        socket.startHandshake();
        return socket;
    }

    /** A JDK client trusting the test CA, verifying the host name, limited to one protocol. */
    private static SSLSocket openSocket(int port, String protocol) throws Exception {
        SSLSocket socket = (SSLSocket) certs.clientSslContext().getSocketFactory().createSocket("localhost", port);
        socket.setSoTimeout(20_000);
        SSLParameters params = socket.getSSLParameters();
        params.setProtocols(new String[] {protocol});
        params.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(params);
        return socket;
    }

    private static void assertEchoes(SSLSocket socket) throws Exception {
        byte[] ping = "ping\n".getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(ping);
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        assertArrayEquals(ping, in.readNBytes(ping.length));
    }
}
