package dev.authgate.server;

import dev.authgate.auth.AuthResult;
import dev.authgate.http.Problem;
import dev.authgate.http.RequestIds;
import dev.authgate.http.Responses;
import dev.authgate.http.TraceContext;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.observe.RequestLog;
import dev.authgate.proxy.ForwardOutcome;
import dev.authgate.route.RequestTarget;
import dev.authgate.route.Route;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpRequest;

import java.util.List;

/**
 * One client request on its way through the gateway: its head, route, buffered body, who was let in, and its
 * {@link RequestLog}. Confined to the connection's event loop; created when a head arrives (or when a head never
 * completes, for the 408). Takes a snapshot of the runtime, so a reload mid-request does not change its rules.
 */
final class ClientRequest {
    /** The header a trusted proxy names the client in ({@code limits.trusted_proxies}). */
    private static final String X_FORWARDED_FOR = "X-Forwarded-For";

    final GatewayRuntime runtime;
    final ClientPeer peer;
    final String requestId;
    /** The W3C trace this request belongs to (continued or started here), or null with {@code trace.mode: ignore}. */
    final TraceContext trace;
    final HttpRequest head;            // null when no head arrived
    final RequestLog log;
    RequestTarget target;
    Route route;
    boolean keepAlive;
    private ByteBuf body;
    private String authDetail;
    private String clientIp;

    ClientRequest(GatewayRuntime runtime, ServerContext server, ClientPeer peer, HttpRequest head) {
        this.runtime = runtime;
        this.peer = peer;
        this.head = head;
        this.requestId = RequestIds.acceptOrGenerate(
                head == null ? null : head.headers().get(Responses.REQUEST_ID_HEADER));
        this.trace = TraceContext.of(runtime.config().trace(),
                head == null ? List.of() : head.headers().getAll(TraceContext.TRACEPARENT),
                head == null ? List.of() : head.headers().getAll(TraceContext.TRACESTATE));
        this.log = new RequestLog(server.metrics(), requestId, peer.tls(), traceId());
        if (head != null) log.headers(head.headers());
    }

    /** The trace id for the log and problem bodies, or null. */
    String traceId() {
        return trace == null ? null : trace.traceId();
    }

    /**
     * The client's IP: the socket peer, or what {@code X-Forwarded-For} says when the peer is a trusted proxy
     * ({@code limits.trusted_proxies}). The key of the failed-auth throttle and the log's {@code client}.
     */
    String clientIp() {
        if (clientIp == null) {
            if (peer.address() == null || head == null) {
                clientIp = peer.clientIp();
            } else {
                clientIp = runtime.clientIps().resolve(peer.address(), head.headers().getAll(X_FORWARDED_FOR));
            }
        }
        return clientIp;
    }

    void route(Route route) {
        this.route = route;
        log.route(route == null ? null : route.name());
    }

    /**
     * Allocates the buffer the body is read into: exactly the declared length, or for a chunked body ({@code -1})
     * one that grows up to {@code max_body}.
     */
    void allocateBody(ByteBufAllocator alloc, long contentLength) {
        long max = runtime.limits().maxBody();
        if (contentLength > 0) {
            body = alloc.buffer((int) contentLength, (int) contentLength);
        } else if (contentLength < 0) {
            body = alloc.buffer((int) Math.min(8192, max), (int) max);
        } else {
            body = Unpooled.EMPTY_BUFFER;
        }
    }

    ByteBuf body() {
        return body;
    }

    /** Hands the body to a new owner (the forwarder); this request no longer releases it. */
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

    /** Auth is about to run with {@code scheme} (logged even when it rejects). */
    void authenticatingWith(String scheme) {
        log.auth(scheme, null);
    }

    void accepted(AuthResult.Accepted accepted) {
        this.authDetail = accepted.detail();
        log.auth(accepted.scheme(), accepted.identity());
    }

    /** Which credential matched, for the log of a relayed response; null before auth passed. */
    String authDetail() {
        return authDetail;
    }

    void forwarded(ForwardOutcome outcome) {
        log.upstream(route != null && route.upstream() != null ? route.upstream().name() : null,
                outcome.upstreamStatus(), outcome.upstreamNanos());
    }

    /** Logs a gateway-made answer. */
    void logGateway(Problem problem, long bytesOut) {
        log(RequestLog.Answer.gateway(problem.status(), problem.reasonCode(), problem.detail(), bytesOut));
    }

    /** Writes the access-log line once; later calls are ignored (one line per request). */
    void log(RequestLog.Answer answer) {
        String method = head == null ? null : head.method().name();
        RequestTarget t = target != null ? target : head == null ? null : RequestTarget.parse(head.uri());
        String path = t == null ? null : AccessLogEntry.loggedPath(t.rawPath(), t.rawQuery());
        log.write(loggedClient(), method, path, answer);
    }

    /** The log's {@code client}: the peer's {@code ip:port}, or the forwarded-for IP alone when it differs. */
    private String loggedClient() {
        String ip = clientIp();
        if (ip == null || ip.equals(peer.clientIp())) return peer.client();
        return ip;
    }
}
