package dev.authgate.tls;

import dev.authgate.tls.TlsConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@code scripts/gen-certs} (run into a temp dir via CERT_DIR) makes files the gateway loads and clients trust. */
class GenCertsScriptTest {
    @TempDir
    Path dir;

    @Test
    void generatesCertsTheGatewayServesAndIsIdempotent() throws Exception {
        Path certDir = dir.resolve("certs");
        String first = run(certDir);
        assertTrue(first.contains("wrote"), first);
        String serverPem = Files.readString(certDir.resolve("server.crt"));

        String second = run(certDir);
        assertTrue(second.contains("already present"), second);
        assertEquals(serverPem, Files.readString(certDir.resolve("server.crt")), "a second run must change nothing");

        // The same files as `authgate gen-certs` writes (the script's fallback without openssl).
        Path javaDir = dir.resolve("java");
        assertEquals(0, dev.authgate.Main.execute("gen-certs", "--dir", javaDir.toString()));
        assertEquals(listing(javaDir), listing(certDir));
        for (String name : listing(certDir)) {
            String mode = java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(certDir.resolve(name)));
            assertEquals(name.endsWith(".key") ? "rw-------" : "rw-r--r--", mode, name);
        }
        X509Certificate client = read(certDir.resolve("client.crt"));
        client.verify(read(certDir.resolve("client-ca.crt")).getPublicKey());
        assertEquals("CN=demo-partner", client.getSubjectX500Principal().getName());
        assertEquals("[[6, spiffe://authgate.demo/partner]]", String.valueOf(client.getSubjectAlternativeNames()));
        assertEquals(java.util.List.of("1.3.6.1.5.5.7.3.2"), client.getExtendedKeyUsage());
        assertTrue(Files.readString(certDir.resolve("jwt-demo.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(certDir.resolve("jwt-demo.pub")).startsWith("-----BEGIN PUBLIC KEY-----"));

        // An older certs/ with the CA and server files only gets the rest, and keeps those.
        for (String name : listing(certDir)) {
            if (name.startsWith("client") || name.startsWith("jwt")) Files.delete(certDir.resolve(name));
        }
        String third = run(certDir);
        assertTrue(third.contains("reusing the CA"), third);
        assertEquals(listing(javaDir), listing(certDir));
        assertEquals(serverPem, Files.readString(certDir.resolve("server.crt")), "the server pair is kept");

        ServerTls tls = SslContexts.load(new TlsConfig(certDir.resolve("server.crt"), certDir.resolve("server.key"), null));
        Instant in390Days = Instant.now().plus(Duration.ofDays(390));
        assertTrue(tls.notAfter().isAfter(in390Days), "leaf should be valid for ~397 days: " + tls.notAfter());

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (TlsTestServer server = TlsTestServer.start(group, tls.context());
             SSLSocket socket = (SSLSocket) trusting(certDir.resolve("ca.crt")).getSocketFactory()
                     .createSocket("localhost", server.port())) {
            socket.setSoTimeout(20_000);
            SSLParameters params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.startHandshake();
            socket.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertEquals("hi", new String(in.readNBytes(2), StandardCharsets.US_ASCII));
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static java.util.List<String> listing(Path d) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.list(d)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static String run(Path certDir) throws Exception {
        Path root = Path.of(System.getProperty("authgate.projectRoot", "..")).toAbsolutePath().normalize();
        Path script = root.resolve("scripts/gen-certs");
        assertTrue(Files.isExecutable(script), "missing or not executable: " + script);
        ProcessBuilder pb = new ProcessBuilder(script.toString())
                .directory(certDir.getParent().toFile())      // any cwd works: the script resolves its own paths
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("CERT_DIR", certDir.toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();   // the script ends on its own; output is small
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("gen-certs did not finish within 60 s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    private static SSLContext trusting(Path caCert) throws Exception {
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(caCert)) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
