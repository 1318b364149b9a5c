package dev.authgate.server;

import dev.authgate.auth.AuthResult;
import dev.authgate.http.Problem;
import dev.authgate.http.RequestIds;
import dev.authgate.http.Responses;
import dev.authgate.observe.AccessLog;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.observe.Metrics;
import dev.authgate.proxy.ForwardOutcome;
import dev.authgate.route.Route;
import dev.authgate.route.RequestTarget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One request on its way through the gateway: what the access log needs, the buffered body, the route. Confined to
 * the connection's event loop; created when a head arrives (or when a head never completes, for the 408).
 */
final class Exchange {
    /** The header a trusted proxy names the client in ({@code limits.trusted_proxies}). */
    private static final String X_FORWARDED_FOR = "X-Forwarded-For";

    final GatewayRuntime runtime;
    final Metrics metrics;
    final Connection connection;
    final String requestId;
    final Instant time = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    final long startNanos = System.nanoTime();
    final HttpRequest head;            // null when no head arrived
    RequestTarget target;
    Route route;
    boolean keepAlive;
    private ByteBuf body;
    long bytesIn;

    private String scheme;
    private String identity;
    private String authDetail;
    private int upstreamStatus;
    private long upstreamNanos = -1;
    private boolean forwarded;
    private boolean logged;
    private String clientIp;

    /**
     * The client side of the connection, fixed for its lifetime.
     *
     * @param client   {@code ip:port} ({@code [v6]:port}) for the log
     * @param clientIp the peer's IP
     * @param tls      the negotiated protocol, or null on plain HTTP
     * @param peer     the peer's address, or null when the channel has none (embedded tests)
     */
    record Connection(String client, String clientIp, String tls, InetAddress peer) {
        /** Reads the peer address and the TLS session (the handshake is done once a request arrives). */
        static Connection of(ChannelHandlerContext ctx) {
            String client = "-";
            String ip = null;
            InetAddress peer = null;
            if (ctx.channel().remoteAddress() instanceof InetSocketAddress) {
                InetSocketAddress a = (InetSocketAddress) ctx.channel().remoteAddress();
                peer = a.getAddress();
                ip = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
                client = (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
            }
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            String tls = ssl == null ? null : ssl.engine().getSession().getProtocol();
            return new Connection(client, ip, tls, peer);
        }

        String proto() {
            return tls == null ? "http" : "https";
        }
    }

    Exchange(GatewayRuntime runtime, Metrics metrics, Connection connection, HttpRequest head) {
        this.runtime = runtime;
        this.metrics = metrics;
        this.connection = connection;
        this.head = head;
        this.requestId = RequestIds.acceptOrGenerate(
                head == null ? null : head.headers().get(Responses.REQUEST_ID_HEADER));
    }

    /**
     * The client's IP: the socket peer, or what {@code X-Forwarded-For} says when the peer is a trusted proxy
     * ({@code limits.trusted_proxies}). The key of the failed-auth throttle and the log's {@code client}.
     */
    String clientIp() {
        if (clientIp == null) {
            if (connection.peer() == null || head == null) {
                clientIp = connection.clientIp();
            } else {
                clientIp = runtime.clientIps().resolve(connection.peer(), head.headers().getAll(X_FORWARDED_FOR));
            }
        }
        return clientIp;
    }

    /** The log's {@code client}: the peer's {@code ip:port}, or the forwarded-for IP alone when it differs. */
    private String loggedClient() {
        String ip = clientIp();
        if (ip == null || ip.equals(connection.clientIp())) return connection.client();
        return ip;
    }

    void body(ByteBuf buffer) {
        this.body = buffer;
    }

    ByteBuf body() {
        return body;
    }

    /** Hands the body to a new owner (the forwarder); this exchange no longer releases it. */
    ByteBuf takeBody() {
        ByteBuf b = body;
        body = null;
        return b;
    }

    void releaseBody() {
        ByteBuf b = body;
        body = null;
        if (b != null && b.refCnt() > 0) b.release();
    }

    void authenticatedBy(String scheme) {
        this.scheme = scheme;
    }

    void accepted(AuthResult.Accepted accepted) {
        this.scheme = accepted.scheme();
        this.identity = accepted.identity();
        this.authDetail = accepted.detail();
    }

    String authDetail() {
        return authDetail;
    }

    void forwarded(ForwardOutcome outcome) {
        this.forwarded = true;
        this.upstreamStatus = outcome.upstreamStatus();
        this.upstreamNanos = outcome.upstreamNanos();
    }

    /** Logs a gateway-made answer. */
    void logGateway(Problem problem, long bytesOut) {
        log(problem.status(), AccessLogEntry.SOURCE_GATEWAY, problem.reasonCode(), problem.detail(), bytesOut);
    }

    /** Logs the access line once; later calls are ignored (one line per request). */
    void log(int status, String source, String reason, String detail, long bytesOut) {
        if (logged) return;
        logged = true;
        String method = head == null ? null : head.method().name();
        RequestTarget t = target != null ? target : head == null ? null : RequestTarget.parse(head.uri());
        String path = t == null ? null : AccessLogEntry.loggedPath(t.rawPath(), t.rawQuery());
        long nanos = System.nanoTime() - startNanos;
        String routeName = route == null ? null : route.name();
        metrics.requestCompleted(routeName, status, source, nanos);
        AccessLog.write(new AccessLogEntry(time, requestId, loggedClient(), connection.tls(), method, path,
                routeName, scheme, identity, status, source, reason, detail,
                forwarded && route != null && route.upstream() != null ? route.upstream().name() : null,
                upstreamStatus, bytesIn, bytesOut, nanos / 1_000_000,
                upstreamNanos < 0 ? -1 : upstreamNanos / 1_000_000));
    }
}
