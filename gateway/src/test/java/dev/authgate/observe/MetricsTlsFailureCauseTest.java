package dev.authgate.observe;

import dev.authgate.testing.TestCerts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link TlsFailureCause}: known messages, and the failures real BoringSSL and JDK servers report. */
class MetricsTlsFailureCauseTest {
    private static final List<String> SERVER_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");

    @TempDir
    static Path dir;
    static TestCerts certs;
    static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        certs = TestCerts.create(dir);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void classifiesKnownProviderMessages() {
        assertEquals("no_shared_cipher", TlsFailureCause.classify(new SSLHandshakeException(
                "error:100000b8:SSL routines:OPENSSL_internal:NO_SHARED_CIPHER")));
        assertEquals("no_shared_cipher", TlsFailureCause.classify(new SSLHandshakeException(
                "no cipher suites in common")));
        assertEquals("no_shared_cipher", TlsFailureCause.classify(new SSLHandshakeException("no shared cipher")));
        assertEquals("protocol_version", TlsFailureCause.classify(new SSLHandshakeException(
                "error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL")));
        assertEquals("protocol_version", TlsFailureCause.classify(new SSLHandshakeException(
                "The client supported protocol versions [TLSv1.1] are not accepted by server preferences [TLS13, TLS12]")));
        assertEquals("protocol_version", TlsFailureCause.classify(new SSLHandshakeException(
                "Client requested protocol TLSv1.1 is not enabled or supported in server context")));
        assertEquals("protocol_version", TlsFailureCause.classify(
                new SSLException("handshake failed", new SSLHandshakeException("TLSV1_ALERT_PROTOCOL_VERSION"))));
    }

    @Test
    void classifiesEverythingElseAsOther() {
        assertEquals("other", TlsFailureCause.classify(null));
        assertEquals("other", TlsFailureCause.classify(new SSLHandshakeException(null)));
        assertEquals("other", TlsFailureCause.classify(new NotSslRecordException("not an SSL/TLS record: 474554")));
        assertEquals("other", TlsFailureCause.classify(new SslHandshakeTimeoutException("handshake timed out")));
        assertEquals("other", TlsFailureCause.classify(new ClosedChannelException()));
        assertEquals("other", TlsFailureCause.classify(new SSLHandshakeException(
                "error:10000460:SSL routines:OPENSSL_internal:NO_APPLICATION_PROTOCOL")));
        assertEquals("other", TlsFailureCause.classify(new SSLHandshakeException(
                "Received fatal alert: certificate_unknown")));
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void aTls12ClientAgainstATls13OnlyServerIsProtocolVersion(SslProvider provider) throws Exception {
        Throwable cause = serverSideFailure(provider, List.of("TLSv1.3"),
                new String[] {"TLSv1.2"}, new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"});
        assertEquals("protocol_version", TlsFailureCause.classify(cause), describe(cause));
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void aClientWithOnlyCbcSuitesIsNoSharedCipher(SslProvider provider) throws Exception {
        Throwable cause = serverSideFailure(provider, List.of("TLSv1.2"),
                new String[] {"TLSv1.2"}, new String[] {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"});
        assertEquals("no_shared_cipher", TlsFailureCause.classify(cause), describe(cause));
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void plainHttpOnTheTlsPortIsOther(SslProvider provider) throws Exception {
        assumeProvider(provider);
        try (Server server = new Server(serverContext(provider, List.of("TLSv1.3", "TLSv1.2")));
             Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Throwable cause = server.nextFailure();
            assertEquals("other", TlsFailureCause.classify(cause), describe(cause));
        }
    }

    private static Throwable serverSideFailure(SslProvider provider, List<String> serverProtocols,
                                               String[] clientProtocols, String[] clientCiphers) throws Exception {
        assumeProvider(provider);
        try (Server server = new Server(serverContext(provider, serverProtocols));
             SSLSocket socket = (SSLSocket) certs.clientSslContext().getSocketFactory()
                     .createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            socket.setEnabledProtocols(clientProtocols);
            socket.setEnabledCipherSuites(clientCiphers);
            assertThrows(IOException.class, socket::startHandshake);
            return server.nextFailure();
        }
    }

    private static void assumeProvider(SslProvider provider) {
        assumeTrue(provider != SslProvider.OPENSSL || OpenSsl.isAvailable(), "BoringSSL is not available here");
    }

    private static SslContext serverContext(SslProvider provider, List<String> protocols) throws SSLException {
        return SslContextBuilder.forServer(certs.serverCert().toFile(), certs.serverKey().toFile())
                .sslProvider(provider)
                .protocols(protocols)
                .ciphers(SERVER_CIPHERS)
                .build();
    }

    private static String describe(Throwable t) {
        StringBuilder s = new StringBuilder("server-side failure chain:");
        for (Throwable c = t; c != null; c = c.getCause()) {
            s.append(" [").append(c).append(']');
        }
        return s.toString();
    }

    /** A TLS server on 127.0.0.1:0 that records each failed handshake's cause. */
    private static final class Server implements AutoCloseable {
        private final SslContext context;
        private final Channel channel;
        private final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();

        Server(SslContext context) throws InterruptedException {
            this.context = context;
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(context.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
                                        failures.add(e.cause());
                                    }
                                    ctx.fireUserEventTriggered(evt);
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        }

        int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        Throwable nextFailure() throws InterruptedException {
            Throwable t = failures.poll(20, TimeUnit.SECONDS);
            assertNotNull(t, "the server saw no failed handshake within 20 s");
            return t;
        }

        @Override
        public void close() throws InterruptedException {
            channel.close().sync();
            ReferenceCountUtil.release(context);
        }
    }
}
