package dev.authgate.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Who is at the other end of a client connection, fixed for the connection's lifetime. (In this codebase a
 * "connection" is a TCP connection: a client's, served by {@link ClientConnectionHandler}, or an upstream one, pooled
 * by {@code proxy.upstream.UpstreamPool}.)
 *
 * @param client   {@code ip:port} ({@code [v6]:port}) for the log
 * @param clientIp the peer's IP
 * @param tls      the negotiated protocol, or null on plain HTTP
 * @param address  the peer's address, or null when the channel has none (embedded tests)
 */
record ClientPeer(String client, String clientIp, String tls, InetAddress address) {

    /** Reads the peer address and the TLS session (the handshake is done once a request arrives). */
    static ClientPeer of(ChannelHandlerContext ctx) {
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
        return new ClientPeer(client, ip, tls, address);
    }

    /** {@code https} or {@code http}, for {@code X-Forwarded-Proto}. */
    String proto() {
        return tls == null ? "http" : "https";
    }
}
