package dev.authgate.server;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.HashingExecutors;
import dev.authgate.config.LimitsConfig;
import dev.authgate.http.Problem;
import dev.authgate.http.Reason;
import dev.authgate.route.Route;
import dev.authgate.route.RouteMatch;
import dev.authgate.route.RequestTarget;
import dev.authgate.route.Router;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.TransferEncodingNotAllowedException;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * The gateway's decisions about a request, in the order of PRODUCT.md §2 — route (404), method (405), size (413),
 * credentials (401) — with the reason code and detail of each refusal. Needs no channel: the server calls
 * {@link #decideHead} when a head arrives and {@link #authenticate} once the body is buffered; {@code authgate
 * explain} calls {@link #judge} on a captured request. Immutable; one per {@link GatewayRuntime}.
 */
public final class RequestGate {
    /** Bytes per body chunk handed up by the codec; the body is copied into one buffer anyway. */
    private static final int MAX_CHUNK_SIZE = 16 * 1024;
    /** A quoted name with whitespace in it: keeps what comes before the whitespace. */
    private static final Pattern QUOTED_NAME_TAIL = Pattern.compile("'([^'\\s]*)\\s[^']*'");
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
     * {@link #authenticate}.
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
        long headBytes = headBytes(method, uri, headers);
        if (headBytes > limits.maxHeaderBytes()) {
            return refused(Reason.HEADERS_TOO_LARGE, "request head of " + headBytes
                    + " bytes exceeds limits.max_header_bytes (" + limits.maxHeaderBytes() + " bytes)", target, null);
        }
        String framing = framingProblem(headers);
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
        long contentLength = contentLength(headers);
        if (contentLength > limits.maxBody()) {
            return refused(Reason.BODY_TOO_LARGE, "Content-Length " + contentLength + " exceeds limits.max_body ("
                    + limits.maxBody() + " bytes)", target, route);
        }
        boolean chunked = headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
        return new Admitted(route, target, chunked ? -1 : Math.max(contentLength, 0));
    }

    /**
     * The HTTP/1.1 decoder settings the server uses for {@code limits}: request line and headers each capped at
     * {@code max_header_bytes}, and ambiguous framing (Content-Length with Transfer-Encoding, Transfer-Encoding on
     * HTTP/1.0 or not ending in chunked, several Content-Length values, bare LF line ends) refused instead of quietly
     * repaired. An offline reader of captured requests decodes with the same settings.
     */
    public static HttpDecoderConfig decoderConfig(LimitsConfig limits) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxHeaderBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(MAX_CHUNK_SIZE)
                .setUseRfc9112TransferEncoding(true)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true);
    }

    /** The answer to a request the decoder refused: 431 for a line or headers over the limit, else 400. */
    public static Problem decoderFailure(Throwable cause, LimitsConfig limits) {
        int max = limits.maxHeaderBytes();
        if (cause instanceof TooLongHttpLineException) {
            return Problem.of(Reason.HEADERS_TOO_LARGE, "request line exceeds limits.max_header_bytes (" + max
                    + " bytes)", null);
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return Problem.of(Reason.HEADERS_TOO_LARGE, "request headers exceed limits.max_header_bytes (" + max
                    + " bytes)", null);
        }
        if (cause instanceof ContentLengthNotAllowedException) {
            return Problem.of(Reason.BAD_REQUEST, "both Content-Length and Transfer-Encoding", null);
        }
        if (cause instanceof TransferEncodingNotAllowedException) {
            return Problem.of(Reason.BAD_REQUEST, "Transfer-Encoding is only allowed in HTTP/1.1", null);
        }
        return Problem.of(Reason.BAD_REQUEST, "malformed HTTP: " + describe(cause), null);
    }

    /**
     * Netty's message names the rule broken, but some quote what broke it: {@code Content-Length value is not a
     * number: <value>}, {@code ... of header '<name with a space and more>'}. A client's header value (a token typed
     * into the wrong header) must reach neither the response nor the access log, so the message is cut at its first
     * {@code ": "} and a quoted header name at its first whitespace (found by RequestHeadFuzzTest).
     */
    static String describe(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int quote = message.indexOf(": ");
        if (quote > 0) message = message.substring(0, quote);
        message = QUOTED_NAME_TAIL.matcher(message).replaceAll("'$1...'");
        if (message.length() > 120) message = message.substring(0, 120) + "...";
        return message;
    }


    /** The problem for a chunked body that grew past {@code max_body} while it was read. */
    public Problem bodyTooLarge(Route route, long bytesSoFar) {
        return Problem.of(Reason.BODY_TOO_LARGE, "chunked body reached " + bytesSoFar
                + " bytes, over limits.max_body (" + limits.maxBody() + " bytes)", route.name());
    }

    /**
     * Runs the route's authenticator. The stage may complete on another thread (bcrypt runs on the hashing pool);
     * it never completes exceptionally for a bad credential, only for a technical failure ({@link #authFailure}).
     */
    public CompletionStage<AuthResult> authenticate(Route route, AuthRequest request) {
        try {
            return route.authenticator().authenticate(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The 401 for a rejected credential, with one {@code WWW-Authenticate} challenge per scheme of the route. */
    public Problem rejection(Route route, AuthResult.Rejected rejected) {
        return Problem.of(rejected.reason(), rejected.detail(), route.name())
                .withChallenges(route.authenticator().challenges());
    }

    /**
     * The answer when authentication failed technically: 503 when the hashing pool refused the work (saturated),
     * else 500. The detail names the exception type only: a message might quote input.
     */
    public static Problem authFailure(Route route, Throwable error) {
        Throwable cause = unwrap(error);
        if (HashingExecutors.isOverload(cause)) {
            return Problem.failure(503, "the hashing pool is saturated (too many credential checks in flight); "
                    + "retry shortly", route.name());
        }
        return Problem.failure(500, "the " + route.authenticator().scheme() + " authenticator failed ("
                + cause.getClass().getSimpleName() + ")", route.name());
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
        return authenticate(route, request).handle((result, error) -> {
            if (error != null) return new Verdict(route, authFailure(route, error), null);
            if (result instanceof AuthResult.Rejected) {
                return new Verdict(route, rejection(route, (AuthResult.Rejected) result), null);
            }
            return new Verdict(route, null, (AuthResult.Accepted) result);
        });
    }

    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static Refused refused(Reason reason, String detail, RequestTarget target, Route route) {
        return new Refused(Problem.of(reason, detail, route == null ? null : route.name()), target, route);
    }

    /**
     * The request line and header block as sent, give or take optional whitespace. The codec caps the line and
     * the headers at {@code max_header_bytes} each; this caps them together.
     */
    private static long headBytes(String method, String uri, HttpHeaders headers) {
        long n = method.length() + 1L + uri.length() + 11; // " HTTP/1.1\r\n"
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> h = it.next();
            n += h.getKey().length() + 2L + h.getValue().length() + 2;
        }
        return n + 2;
    }

    /**
     * Ambiguous framing (request smuggling): Content-Length together with Transfer-Encoding, a transfer coding
     * other than a single {@code chunked}, several or unreadable Content-Length values, a header named like one of
     * them with {@code _} for {@code -}. The server's codec already
     * refuses these; this repeats the rules for offline judging.
     */
    private static String framingProblem(HttpHeaders headers) {
        for (String name : headers.names()) {
            // CGI-style upstreams (and some proxies) read '_' as '-': Transfer_Encoding would frame the body there.
            if (name.indexOf('_') >= 0) {
                String dashed = name.replace('_', '-');
                if (HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(dashed)
                        || HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(dashed)) {
                    return "header " + name + " looks like " + dashed;
                }
            }
        }
        List<String> te = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        List<String> cl = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (!te.isEmpty() && !cl.isEmpty()) return "both Content-Length and Transfer-Encoding";
        if (te.size() > 1 || (te.size() == 1 && !"chunked".equalsIgnoreCase(te.get(0).trim()))) {
            return "Transfer-Encoding must be exactly 'chunked'";
        }
        if (cl.size() > 1) return "several Content-Length headers";
        if (cl.size() == 1 && !isDigits(cl.get(0).trim())) return "Content-Length is not a non-negative integer";
        return null;
    }

    private static long contentLength(HttpHeaders headers) {
        String v = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (v == null) return -1;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // only after framingProblem() let it through: 19+ digits, far over any limit
        }
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty() || s.length() > 19) return s.length() > 19 && s.chars().allMatch(Character::isDigit);
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }
}
