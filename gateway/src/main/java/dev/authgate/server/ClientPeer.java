package dev.authgate.server;

import io.netty.channel.ChannelHandlerContext;
import dev.authgate.tls.ClientCertificate;
import dev.authgate.tls.ServerTls;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.util.Locale;

/**
 * Who is at the other end of a client connection, fixed for the connection's lifetime. (In this codebase a
 * "connection" is a TCP connection: a client's, served by {@link ClientConnectionHandler}, or an upstream one, pooled
 * by {@code proxy.upstream.UpstreamPool}.)
 *
 * @param client   {@code ip:port} ({@code [v6]:port}) for the log
 * @param clientIp the peer's IP
 * @param tls      the negotiated protocol, or null on plain HTTP
 * @param address  the peer's address, or null when the channel has none (embedded tests)
 * @param clientCertificate the client certificate and the verdict on its chain, judged once per connection; null when
 *                 the listener requests none (no {@code listen.tls.client_ca}, or plain HTTP)
 */
record ClientPeer(String client, String clientIp, String tls, InetAddress address,
                  ClientCertificate clientCertificate) {

    /**
     * Reads the peer address and the TLS session (the handshake is done once a request arrives), and judges the
     * client certificate against the listener's {@code client_ca} when it has one: the handshake accepted any chain.
     */
    static ClientPeer of(ChannelHandlerContext ctx, ServerContext server) {
        String client = "-";
        String ip = null;
        InetAddress address = null;
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress) {
            InetSocketAddress a = (InetSocketAddress) ctx.channel().remoteAddress();
            address = a.getAddress();
            ip = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
            client = (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        String tls = ssl == null ? null : ssl.engine().getSession().getProtocol();
        ServerTls serverTls = server.tls();
        ClientCertificate cert = null;
        if (ssl != null && serverTls != null && serverTls.clients() != null) {
            cert = serverTls.clients().verify(peerCertificates(ssl.engine().getSession()));
            server.metrics().keys().clientCertificateVerified(cert.verdict().name().toLowerCase(Locale.ROOT));
        }
        return new ClientPeer(client, ip, tls, address, cert);
    }

    private static Certificate[] peerCertificates(SSLSession session) {
        try {
            return session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null; // the client sent none
        }
    }

    /** {@code https} or {@code http}, for {@code X-Forwarded-Proto}. */
    String proto() {
        return tls == null ? "http" : "https";
    }
}
