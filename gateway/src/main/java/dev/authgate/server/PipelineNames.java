package dev.authgate.server;

/**
 * Names of the client-facing pipeline's handlers, in order:
 *
 * <pre>
 *   bytes ─▶ tlsObserver? TlsHandshakeObserver: counts failed handshakes by cause, then removes itself
 *         ─▶ tls?         SslHandler (only when listen.tls is set; the certificate current at accept time)
 *         ─▶ headTimeout  HeaderTimeoutHandler: first byte of a request → end of its head (408)
 *         ─▶ httpCodec    GatewayHttpCodec: line and headers capped at max_header_bytes (431), strict framing
 *                         and no obs-fold (400)
 *         ─▶ idle         IdleStateHandler: idle_timeout for kept-alive connections
 *         ─▶ request      RequestHandler: one request at a time (reads only while it wants a head or body);
 *                         gate (route, method, size), body (body_timeout), auth, replay, forward or answer, log;
 *                         Connection: close after max_requests_per_connection
 * </pre>
 *
 * The header timeout sits before the codec, not after it as a timeout usually would, because the codec emits
 * nothing until the head is complete and the clock must start at the head's first byte.
 */
public final class PipelineNames {
    public static final String TLS_OBSERVER = "tlsObserver";
    public static final String TLS = "tls";
    public static final String HEAD_TIMEOUT = "headTimeout";
    public static final String HTTP_CODEC = "httpCodec";
    public static final String IDLE = "idle";
    public static final String REQUEST = "request";

    private PipelineNames() {
    }
}
