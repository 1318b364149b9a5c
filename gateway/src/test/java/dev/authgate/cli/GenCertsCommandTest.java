package dev.authgate.cli;

import dev.authgate.Main;
import dev.authgate.tls.TlsConfig;
import dev.authgate.tls.ServerTls;
import dev.authgate.tls.SslContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCounted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code authgate gen-certs}: files the gateway loads (tls/SslContexts) and a client trusting ca.crt verifies. */
class GenCertsCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesCertsTheGatewayServesOverAVerifiedHandshake() throws Exception {
        Path certs = dir.resolve("certs");
        assertEquals(0, Main.execute("gen-certs", "--dir", certs.toString()));

        for (String key : List.of("ca.key", "server.key")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve(key))), key);
            assertTrue(Files.readString(certs.resolve(key)).startsWith("-----BEGIN PRIVATE KEY-----"), key);
        }
        X509Certificate leaf = read(certs.resolve("server.crt"));
        assertEquals("EC", leaf.getPublicKey().getAlgorithm());
        assertEquals("CN=localhost", leaf.getSubjectX500Principal().getName());
        List<String> sans = leaf.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
        assertEquals(List.of("localhost", "127.0.0.1"), sans);
        assertTrue(leaf.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(390))));

        ServerTls tls = SslContexts.load(new TlsConfig(certs.resolve("server.crt"), certs.resolve("server.key"), null));
        handshake(tls, certs.resolve("ca.crt"));
    }

    @Test
    void changesNothingWhenPresentReusesTheCaAndRegeneratesWithForce() throws Exception {
        Path certs = dir.resolve("c");
        assertEquals(0, Main.execute("gen-certs", "--dir", certs.toString()));
        String ca = Files.readString(certs.resolve("ca.crt"));
        String server = Files.readString(certs.resolve("server.crt"));

        assertEquals(0, Main.execute("gen-certs", "--dir", certs.toString()));
        assertEquals(server, Files.readString(certs.resolve("server.crt")), "a second run must change nothing");

        Files.delete(certs.resolve("server.key"));
        assertEquals(0, Main.execute("gen-certs", "--dir", certs.toString()));
        assertEquals(ca, Files.readString(certs.resolve("ca.crt")), "the CA must be reused");
        assertNotEquals(server, Files.readString(certs.resolve("server.crt")));
        read(certs.resolve("server.crt")).verify(read(certs.resolve("ca.crt")).getPublicKey());
        handshake(SslContexts.load(new TlsConfig(certs.resolve("server.crt"), certs.resolve("server.key"), null)),
                certs.resolve("ca.crt"));

        assertEquals(0, Main.execute("gen-certs", "--dir", certs.toString(), "--force"));
        assertNotEquals(ca, Files.readString(certs.resolve("ca.crt")), "--force makes a new CA");
    }

    @Test
    void makesAClientCaTwoClientCertificatesAndTheDemoJwtKeyPair() throws Exception {
        Path certs = dir.resolve("clients");
        assertEquals(0, Main.execute("gen-certs", "--dir", certs.toString()));
        for (String key : List.of("client-ca.key", "client.key", "client-other.key", "jwt-demo.key")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve(key))), key);
            assertTrue(Files.readString(certs.resolve(key)).startsWith("-----BEGIN PRIVATE KEY-----"), key);
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve("jwt-demo.pub"))));
        X509Certificate clientCa = read(certs.resolve("client-ca.crt"));
        assertEquals("CN=authgate dev client CA", clientCa.getSubjectX500Principal().getName());
        assertTrue(clientCa.getBasicConstraints() >= 0, "a CA certificate");
        for (String[] c : new String[][] {{"client", "CN=demo-partner", GenCertsCommand.PARTNER_SAN},
                {"client-other", "CN=demo-other", GenCertsCommand.OTHER_SAN}}) {
            X509Certificate leaf = read(certs.resolve(c[0] + ".crt"));
            leaf.verify(clientCa.getPublicKey());
            assertEquals(c[1], leaf.getSubjectX500Principal().getName());
            assertEquals(List.of(List.of(6, c[2])), leaf.getSubjectAlternativeNames().stream().map(List::copyOf).toList());
            assertEquals(List.of("1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage(), "clientAuth");
            assertEquals(-1, leaf.getBasicConstraints());
        }
        // The JWT pair belongs together: a signature by the private key verifies with the public one.
        java.security.PrivateKey jwtKey = DevPki.readKey(certs.resolve("jwt-demo.key"));
        String pub = Files.readString(certs.resolve("jwt-demo.pub"));
        assertTrue(pub.startsWith("-----BEGIN PUBLIC KEY-----"), pub);
        java.security.PublicKey jwtPub = java.security.KeyFactory.getInstance("EC").generatePublic(
                new java.security.spec.X509EncodedKeySpec(java.util.Base64.getMimeDecoder().decode(
                        pub.replaceAll("-----[A-Z ]+-----", ""))));
        java.security.Signature sig = java.security.Signature.getInstance("SHA256withECDSA");
        sig.initSign(jwtKey);
        sig.update(new byte[] {1, 2, 3});
        byte[] signature = sig.sign();
        sig.initVerify(jwtPub);
        sig.update(new byte[] {1, 2, 3});
        assertTrue(sig.verify(signature), "jwt-demo.key and jwt-demo.pub are one pair");
    }

    @Test
    void anOlderCertsFolderWithOnlyTheCaAndServerGetsTheNewFilesAndKeepsItsOwn() throws Exception {
        Path certs = dir.resolve("old");
        assertEquals(0, Main.execute("gen-certs", "--dir", certs.toString()));
        String ca = Files.readString(certs.resolve("ca.crt"));
        String server = Files.readString(certs.resolve("server.crt"));
        String clientCa = Files.readString(certs.resolve("client-ca.crt"));
        for (String name : List.of("client.crt", "client.key", "client-other.crt", "client-other.key",
                "jwt-demo.key", "jwt-demo.pub")) {
            Files.delete(certs.resolve(name));
        }
        assertEquals(0, Main.execute("gen-certs", "--dir", certs.toString()));
        assertEquals(ca, Files.readString(certs.resolve("ca.crt")));
        assertEquals(server, Files.readString(certs.resolve("server.crt")));
        assertEquals(clientCa, Files.readString(certs.resolve("client-ca.crt")), "the client CA is reused");
        read(certs.resolve("client.crt")).verify(read(certs.resolve("client-ca.crt")).getPublicKey());
        assertTrue(Files.size(certs.resolve("jwt-demo.pub")) > 0);

        // A new client CA remakes both client certificates, and nothing else.
        String client = Files.readString(certs.resolve("client.crt"));
        String jwt = Files.readString(certs.resolve("jwt-demo.pub"));
        Files.delete(certs.resolve("client-ca.key"));
        assertEquals(0, Main.execute("gen-certs", "--dir", certs.toString()));
        assertNotEquals(client, Files.readString(certs.resolve("client.crt")));
        read(certs.resolve("client-other.crt")).verify(read(certs.resolve("client-ca.crt")).getPublicKey());
        assertEquals(server, Files.readString(certs.resolve("server.crt")));
        assertEquals(jwt, Files.readString(certs.resolve("jwt-demo.pub")));
    }

    private static void handshake(ServerTls tls, Path caCert) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<Channel> accepted = new CopyOnWriteArrayList<>();
        List<SSLEngine> engines = new CopyOnWriteArrayList<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            accepted.add(ch);
                            SslHandler ssl = tls.context().newHandler(ch.alloc());
                            engines.add(ssl.engine());
                            ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush((ByteBuf) msg); // echo; the write releases it
                                }
                            });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            try (SSLSocket socket = (SSLSocket) trusting(caCert).getSocketFactory().createSocket("localhost", port)) {
                socket.setSoTimeout(20_000);
                SSLParameters params = socket.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(params);
                socket.startHandshake();
                socket.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                assertEquals("hi", new String(in.readNBytes(2), StandardCharsets.US_ASCII));
            } finally {
                server.close().sync();
                // A close queues the pipeline teardown, which frees the TLS engine, on the loop: let it run first.
                for (Channel ch : accepted) ch.close().sync();
                group.next().submit(() -> { }).sync();
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            tls.release();
        }
        // BoringSSL engines and contexts are reference-counted: the closed connection freed its engine, and the
        // release above the context (a leak here is a native-memory leak in the gateway).
        assertEquals(1, engines.size());
        if (engines.get(0) instanceof ReferenceCounted engine) assertEquals(0, engine.refCnt(), "engine freed");
        if (tls.context() instanceof ReferenceCounted context) assertEquals(0, context.refCnt(), "context freed");
    }

    private static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static SSLContext trusting(Path caCert) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", read(caCert));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
