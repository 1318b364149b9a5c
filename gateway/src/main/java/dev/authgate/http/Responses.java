package dev.authgate.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The single factory for responses the gateway makes itself (never for relayed upstream responses).
 *
 * <p>Every response carries {@code Server: authgate} (no version) and {@code X-Request-Id}, and always a
 * {@code Content-Length}; {@code Connection: close} when the connection closes after it. Errors carry an RFC 9457
 * {@code application/problem+json} body with {@code type, title, status, detail, reason, route, request_id,
 * trace_id, gateway}. With {@code errors.expose_reason: false} the body keeps only {@code type} ({@code about:blank}),
 * {@code title}, {@code status}, a generic {@code detail}, {@code request_id}, {@code trace_id} and {@code gateway}: the reason code,
 * the specific detail and the route appear nowhere in it (they stay in the access log).
 *
 * <p>Immutable and thread-safe; one instance per config.
 */
public final class Responses {
    /** The {@code Server} header value of gateway-made responses: no version, so it tells nothing to a scanner. */
    public static final String SERVER = "authgate";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    public static final String PROBLEM_JSON = "application/problem+json";
    /** The {@code type} of a problem with its reason exposed: {@code urn:authgate:reason:<code>}. */
    public static final String TYPE_PREFIX = "urn:authgate:reason:";

    private static final JsonFactory JSON = new JsonFactory();
    // Canonical casing for humans reading `curl -i` (HttpHeaderNames are lower case, for HTTP/2).
    private static final String SERVER_HEADER = "Server";
    private static final String CONTENT_TYPE = "Content-Type";
    private static final String CONTENT_LENGTH = "Content-Length";
    private static final String CONNECTION = "Connection";
    private static final String CACHE_CONTROL = "Cache-Control";
    private static final String ALLOW = "Allow";
    private static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    private static final String RETRY_AFTER = "Retry-After";
    private static final String GENERIC_CLIENT_DETAIL =
            "The gateway refused the request; quote the request_id to the operator.";
    private static final String GENERIC_SERVER_DETAIL =
            "The gateway could not complete the request; quote the request_id to the operator.";

    private final String gatewayName;
    private final boolean exposeReason;

    /**
     * @param gatewayName  {@code gateway.name}, in every problem body
     * @param exposeReason {@code errors.expose_reason}
     */
    public Responses(String gatewayName, boolean exposeReason) {
        this.gatewayName = Objects.requireNonNull(gatewayName, "gatewayName");
        this.exposeReason = exposeReason;
    }

    /** The problem as a complete response, without a trace id; see {@link #problem(ByteBufAllocator, Problem, String, String, boolean)}. */
    public FullHttpResponse problem(ByteBufAllocator alloc, Problem problem, String requestId, boolean close) {
        return problem(alloc, problem, requestId, null, close);
    }

    /**
     * The problem as a complete response; the caller writes it and owns the buffer until then.
     *
     * @param traceId the request's W3C trace id for the body's {@code trace_id}, or null ({@code trace.mode: ignore})
     */
    public FullHttpResponse problem(ByteBufAllocator alloc, Problem problem, String requestId, String traceId,
                                    boolean close) {
        ByteBuf body = alloc.buffer(256);
        try {
            writeBody(body, problem, requestId, traceId);
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status(problem.status()), body);
        HttpHeaders h = response.headers();
        common(h, requestId, body.readableBytes(), close);
        h.set(CONTENT_TYPE, PROBLEM_JSON);
        // A rejection is about this one request: no cache may keep it and serve it to the next sender.
        h.set(CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (!problem.allow().isEmpty()) {
            h.set(ALLOW, String.join(", ", problem.allow()));
        }
        for (String challenge : problem.challenges()) {
            h.add(WWW_AUTHENTICATE, challenge);
        }
        if (problem.retryAfter() > 0) {
            h.set(RETRY_AFTER, Long.toString(problem.retryAfter()));
        }
        return response;
    }

    /**
     * A bodyless response made by the gateway: {@code respond: 204} routes and duplicates acknowledged under
     * {@code on_duplicate: acknowledge} (200).
     */
    public FullHttpResponse empty(int status, String requestId, boolean close) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status(status),
                Unpooled.EMPTY_BUFFER);
        common(response.headers(), requestId, 0, close);
        return response;
    }

    /** The interim {@code 100 Continue}, sent only once a request's route, method and size are accepted. */
    public static FullHttpResponse continueResponse() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);
    }

    /** The problem title for a status: its RFC 9110 reason phrase. */
    public static String title(int status) {
        switch (status) {
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 413: return "Content Too Large";
            case 429: return "Too Many Requests";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            default: return HttpResponseStatus.valueOf(status).reasonPhrase();
        }
    }

    private static HttpResponseStatus status(int code) {
        return new HttpResponseStatus(code, title(code));
    }

    private void common(HttpHeaders h, String requestId, int contentLength, boolean close) {
        h.set(SERVER_HEADER, SERVER);
        h.set(REQUEST_ID_HEADER, requestId);
        h.setInt(CONTENT_LENGTH, contentLength);
        if (close) {
            h.set(CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    private void writeBody(ByteBuf body, Problem p, String requestId, String traceId) {
        try (JsonGenerator g = JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(body))) {
            g.writeStartObject();
            if (exposeReason) {
                g.writeStringField("type", p.reason() != null ? TYPE_PREFIX + p.reason().code() : "about:blank");
                g.writeStringField("title", title(p.status()));
                g.writeNumberField("status", p.status());
                g.writeStringField("detail", p.detail());
                if (p.reason() != null) g.writeStringField("reason", p.reason().code());
                if (p.route() != null) g.writeStringField("route", p.route());
            } else {
                g.writeStringField("type", "about:blank");
                g.writeStringField("title", title(p.status()));
                g.writeNumberField("status", p.status());
                g.writeStringField("detail", p.status() >= 500 ? GENERIC_SERVER_DETAIL : GENERIC_CLIENT_DETAIL);
            }
            g.writeStringField("request_id", requestId);
            // Not a secret and the same in either mode: the sender quotes it to find the request in every system.
            if (traceId != null) g.writeStringField("trace_id", traceId);
            g.writeStringField("gateway", gatewayName);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a problem body to memory failed", e);
        }
    }
}
