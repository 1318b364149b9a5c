package dev.authgate.server;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.config.LimitsConfig;
import dev.authgate.http.Problem;
import dev.authgate.http.Reason;
import dev.authgate.route.Route;
import dev.authgate.route.RouteMatch;
import dev.authgate.route.RequestTarget;
import dev.authgate.route.Router;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The gateway's decisions about a request head, in order: strict head checks ({@link FramingRules}, {@link HostRules},
 * 400/431), route (404), method (405), declared size (413); then, for {@code authgate explain}, the whole verdict
 * with credentials ({@link #judge}, through {@link AuthStage}). Needs no channel: the connection handler calls
 * {@link #decideHead} when a head arrives. Immutable; one per {@link GatewayRuntime}.
 */
public final class RequestGate {
    private final Router router;
    private final LimitsConfig limits;

    RequestGate(Router router, LimitsConfig limits) {
        this.router = router;
        this.limits = limits;
    }

    /** What the head alone decides. */
    public sealed interface HeadDecision permits Refused, Admitted {
        /** The parsed target (for the log's path), never null. */
        RequestTarget target();
    }

    /**
     * Refused from the head: the body, if any, is not read.
     *
     * @param problem the rejection (400, 404, 405, 413 or 431)
     * @param route   the route whose path matched (a 405 or 413), else null
     */
    public record Refused(Problem problem, RequestTarget target, Route route) implements HeadDecision {
    }

    /**
     * Route, method and declared size accepted: read the body (answering {@code 100-continue} now), then
     * {@link AuthStage#authenticate}.
     *
     * @param contentLength the declared length, or -1 for a chunked body
     */
    public record Admitted(Route route, RequestTarget target, long contentLength) implements HeadDecision {
    }

    /**
     * The verdict on a whole request.
     *
     * @param route    the route that decided, or null when none matched
     * @param problem  why it is refused, or null when it passes
     * @param accepted who was authenticated when it passes, else null
     */
    public record Verdict(Route route, Problem problem, AuthResult.Accepted accepted) {
        public boolean passed() {
            return problem == null;
        }
    }

    /** {@link #decideHead(HttpVersion, String, String, HttpHeaders)} for an HTTP/1.1 request. */
    public HeadDecision decideHead(String method, String uri, HttpHeaders headers) {
        return decideHead(HttpVersion.HTTP_1_1, method, uri, headers);
    }

    /**
     * Decides from the request line and headers: head size, framing, version and {@code Host} ({@link HostRules}),
     * target, route, method, declared size. A chunked body over {@code max_body} is refused later, by the reader,
     * as it grows.
     */
    public HeadDecision decideHead(HttpVersion version, String method, String uri, HttpHeaders headers) {
        RequestTarget target = RequestTarget.parse(uri);
        long headBytes = FramingRules.headBytes(method, uri, headers);
        if (headBytes > limits.maxHeaderBytes()) {
            return refused(Reason.HEADERS_TOO_LARGE, "request head of " + headBytes
                    + " bytes exceeds limits.max_header_bytes (" + limits.maxHeaderBytes() + " bytes)", target, null);
        }
        String framing = FramingRules.problem(headers);
        if (framing == null) framing = HostRules.problem(version, uri, headers);
        if (framing != null) return refused(Reason.BAD_REQUEST, framing, target, null);
        if (!target.ok()) return refused(Reason.BAD_REQUEST, target.problem(), target, null);

        RouteMatch match = router.match(target.matchPath(), method);
        if (!match.found()) {
            return refused(Reason.ROUTE_NOT_FOUND, "no route matches " + target.matchPath(), target, null);
        }
        Route route = match.route();
        if (!match.methodAllowed()) {
            Problem p = Problem.of(Reason.METHOD_NOT_ALLOWED, "route " + route.name() + " takes "
                    + String.join(", ", match.allow()) + ", not " + method, route.name()).withAllow(match.allow());
            return new Refused(p, target, route);
        }
        long contentLength = FramingRules.contentLength(headers);
        if (contentLength > limits.maxBody()) {
            return refused(Reason.BODY_TOO_LARGE, "Content-Length " + contentLength + " exceeds limits.max_body ("
                    + limits.maxBody() + " bytes)", target, route);
        }
        boolean chunked = headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
        return new Admitted(route, target, chunked ? -1 : Math.max(contentLength, 0));
    }

    /** The problem for a chunked body that grew past {@code max_body} while it was read. */
    public Problem bodyTooLarge(Route route, long bytesSoFar) {
        return Problem.of(Reason.BODY_TOO_LARGE, "chunked body reached " + bytesSoFar
                + " bytes, over limits.max_body (" + limits.maxBody() + " bytes)", route.name());
    }

    /**
     * Judges a whole captured request offline, as the server would (without replay state or rate limits):
     * head decisions, the buffered body's size, then the credentials.
     *
     * @param body the raw body; read, not consumed or released
     */
    public CompletionStage<Verdict> judge(String method, String uri, HttpHeaders headers, ByteBuf body,
                                          String clientIp) {
        HeadDecision head = decideHead(method, uri, headers);
        if (head instanceof Refused) {
            Refused r = (Refused) head;
            return CompletableFuture.completedFuture(new Verdict(r.route(), r.problem(), null));
        }
        Admitted admitted = (Admitted) head;
        Route route = admitted.route();
        if (body.readableBytes() > limits.maxBody()) {
            return CompletableFuture.completedFuture(
                    new Verdict(route, bodyTooLarge(route, body.readableBytes()), null));
        }
        RequestTarget t = admitted.target();
        AuthRequest request = new AuthRequest(method, t.rawPath(), t.rawQuery(), headers, body, clientIp);
        return AuthStage.authenticate(route, request).handle((result, error) -> {
            if (error != null) return new Verdict(route, AuthStage.failure(route, error), null);
            if (result instanceof AuthResult.Rejected) {
                return new Verdict(route, AuthStage.rejection(route, (AuthResult.Rejected) result), null);
            }
            return new Verdict(route, null, (AuthResult.Accepted) result);
        });
    }

    private static Refused refused(Reason reason, String detail, RequestTarget target, Route route) {
        return new Refused(Problem.of(reason, detail, route == null ? null : route.name()), target, route);
    }

}
