package dev.authgate.proxy;

import dev.authgate.auth.AuthResult;
import dev.authgate.config.UpstreamConfig;
import dev.authgate.http.TraceContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;

/**
 * The one place where messages are rewritten on their way through the gateway (docs/configuration.md, "What goes
 * upstream").
 *
 * <p>Request, in this order: hop-by-hop headers and {@code Expect} removed; with {@code hide_credentials} the
 * credential headers removed; client-sent {@code X-Auth-Scheme}/{@code X-Auth-Identity} replaced by the gateway's,
 * client-sent {@code Client-Cert}, {@code Client-Cert-Chain} and {@code X-Forwarded-Client-Cert} removed on every
 * route (the scheme's own {@code upstreamHeaders}, e.g. {@code mtls}'s, are set instead),
 * their {@code _} look-alikes ({@code X_Auth_Identity}) and {@code Proxy} (httpoxy) removed;
 * {@code Via: 1.1 <name>} appended; {@code X-Request-Id} set; {@code traceparent} (and a continued trace's
 * {@code tracestate}) replaced by the gateway's; {@code X-Forwarded-For} appended;
 * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} (the client's {@code Host}) overwritten; {@code Host} set to
 * the upstream's authority (nginx's {@code proxy_set_header Host $proxy_host} default: the upstream sees the name
 * it is reached by, and the original is in {@code X-Forwarded-Host}); the body framed with {@code Content-Length};
 * request-target = the upstream url's path + the client's raw path and query, byte for byte.
 *
 * <p>Response: hop-by-hop headers removed except chunked framing; {@code Via} appended; {@code X-Request-Id} set.
 */
final class ForwardedHeaders {

    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_AUTH_SCHEME = AsciiString.cached("x-auth-scheme");
    static final AsciiString X_AUTH_IDENTITY = AsciiString.cached("x-auth-identity");

    static final AsciiString PROXY = AsciiString.cached("proxy");
    /** RFC 9440 and Envoy's client-certificate headers: only the gateway may send them ({@code mtls}). */
    static final AsciiString CLIENT_CERT = AsciiString.cached("client-cert");
    static final AsciiString CLIENT_CERT_CHAIN = AsciiString.cached("client-cert-chain");
    static final AsciiString X_FORWARDED_CLIENT_CERT = AsciiString.cached("x-forwarded-client-cert");
    static final AsciiString TRACEPARENT = AsciiString.cached(TraceContext.TRACEPARENT);
    static final AsciiString TRACESTATE = AsciiString.cached(TraceContext.TRACESTATE);
    /**
     * Headers the gateway sets or vouches for. CGI, WSGI and Rack upstreams map {@code X_Auth_Identity} and
     * {@code X-Auth-Identity} to the same variable ({@code HTTP_X_AUTH_IDENTITY}), so a client-sent name that matches
     * one of these with {@code _} for {@code -} is removed too.
     */
    private static final List<AsciiString> GUARDED = List.of(X_AUTH_SCHEME, X_AUTH_IDENTITY, X_REQUEST_ID,
            X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST, HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.KEEP_ALIVE, CLIENT_CERT, CLIENT_CERT_CHAIN, X_FORWARDED_CLIENT_CERT);

    private ForwardedHeaders() {
    }

    private static void removeLookAlikes(HttpHeaders h) {
        List<String> doomed = null;
        for (String name : h.names()) {
            if (name.indexOf('_') < 0) continue;
            String dashed = name.replace('_', '-');
            for (AsciiString guarded : GUARDED) {
                if (guarded.contentEqualsIgnoreCase(dashed)) {
                    if (doomed == null) doomed = new ArrayList<>(2);
                    doomed.add(name);
                }
            }
        }
        if (doomed != null) doomed.forEach(h::remove);
    }

    /** Removes {@code name} and the names that equal it with {@code _} for {@code -} (CGI look-alikes). */
    private static void removeWithLookAlikes(HttpHeaders h, String name) {
        h.remove(name);
        List<String> doomed = null;
        for (String n : h.names()) {
            if (n.indexOf('_') >= 0 && n.replace('_', '-').equalsIgnoreCase(name)) {
                if (doomed == null) doomed = new ArrayList<>(1);
                doomed.add(n);
            }
        }
        if (doomed != null) doomed.forEach(h::remove);
    }

    /** Rewrites {@code fr.request()} in place for the upstream and returns it. */
    static FullHttpRequest rewriteRequest(ForwardRequest fr) {
        FullHttpRequest request = fr.request();
        HttpHeaders h = request.headers();
        // Read before stripping: "Connection: host" must not lose the client's Host for X-Forwarded-Host.
        String clientHost = h.get(HttpHeaderNames.HOST);
        boolean hadBodyFraming = h.contains(HttpHeaderNames.CONTENT_LENGTH)
                || h.contains(HttpHeaderNames.TRANSFER_ENCODING);

        HopByHopHeaders.strip(h, false);
        // We buffered the whole body already; a 100 Continue from the upstream would be meaningless.
        h.remove(HttpHeaderNames.EXPECT);

        AuthResult.Accepted auth = fr.auth();
        if (fr.hideCredentials() && auth != null) {
            for (String name : auth.credentialHeaders()) h.remove(name);
        }
        // Never trust these from the client: only the gateway vouches for who authenticated.
        h.remove(X_AUTH_SCHEME);
        h.remove(X_AUTH_IDENTITY);
        h.remove(CLIENT_CERT);
        h.remove(CLIENT_CERT_CHAIN);
        h.remove(X_FORWARDED_CLIENT_CERT);
        removeLookAlikes(h);
        if (auth != null) {
            // jwt.forward_claims: the client's copies go even when the token lacks the claim.
            for (String name : auth.vouchedHeaders()) removeWithLookAlikes(h, name);
        }
        // httpoxy: a CGI upstream would take "Proxy:" for its HTTP_PROXY setting.
        h.remove(PROXY);
        h.set(X_AUTH_SCHEME, auth == null ? "none" : auth.scheme());
        if (auth != null && auth.identity() != null) h.set(X_AUTH_IDENTITY, auth.identity());
        if (auth != null) auth.upstreamHeaders().forEach(h::set);

        h.set(HttpHeaderNames.VIA, appendList(h.getAll(HttpHeaderNames.VIA), via(fr.gatewayName())));
        h.set(X_REQUEST_ID, fr.requestId());
        trace(h, fr.trace());
        h.set(X_FORWARDED_FOR, appendList(h.getAll(X_FORWARDED_FOR), fr.clientIp()));
        h.set(X_FORWARDED_PROTO, fr.proto());
        if (clientHost != null) {
            h.set(X_FORWARDED_HOST, clientHost);
        } else {
            h.remove(X_FORWARDED_HOST);
        }
        h.set(HttpHeaderNames.HOST, hostHeader(fr.upstream()));

        int length = request.content().readableBytes();
        if (length > 0 || hadBodyFraming) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, length);
        } else {
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        request.setUri(requestTarget(fr.upstream().basePath(), request.uri()));
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        return request;
    }

    /**
     * Rewrites an upstream response head in place for the client.
     *
     * @param bodyless      the response can have no body (HEAD request, 1xx, 204, 304)
     * @param clientVersion the version of the client's request
     * @param closeAfter    the client connection closes after this response
     * @return true when the body is delimited by closing the connection (a chunked or unframed upstream body for an
     *         HTTP/1.0 client): the caller must close the client connection after the last byte
     */
    static boolean rewriteResponse(HttpResponse response, String requestId, String gatewayName, boolean bodyless,
                                   HttpVersion clientVersion, boolean closeAfter) {
        HttpHeaders h = response.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(response);
        boolean http10 = clientVersion.majorVersion() == 1 && clientVersion.minorVersion() == 0;
        HopByHopHeaders.strip(h, true);
        // Netty decoded the upstream's chunks; the client-side encoder re-chunks when this header says chunked.
        // Any other transfer coding belongs to the upstream hop.
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        if (chunked) h.remove(HttpHeaderNames.CONTENT_LENGTH);
        boolean closeDelimited = false;
        if (bodyless) {
            // A HEAD answer mirrors the GET's headers; 204/304 have none of this framing to honour.
            if (chunked && !http10) h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else if (chunked || !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            // A chunked or close-delimited upstream body goes out chunked, which keeps the client connection
            // alive, except to an HTTP/1.0 client: it has no chunked coding, so the close ends the body.
            if (http10) {
                closeDelimited = true;
            } else {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        h.set(HttpHeaderNames.VIA, appendList(h.getAll(HttpHeaderNames.VIA), via(gatewayName)));
        h.set(X_REQUEST_ID, requestId);
        if (closeAfter || closeDelimited) h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        return closeDelimited;
    }

    /**
     * W3C trace context: the client's {@code traceparent} and {@code tracestate} are always replaced; the upstream gets
     * the request's trace with the gateway's span as parent, and {@code tracestate} only when the trace was continued
     * and its list was valid. No trace ({@code trace.mode: ignore}): neither header goes upstream.
     */
    private static void trace(HttpHeaders h, TraceContext trace) {
        h.remove(TRACEPARENT);
        h.remove(TRACESTATE);
        if (trace == null) return;
        h.set(TRACEPARENT, trace.traceparent());
        if (trace.tracestate() != null) h.set(TRACESTATE, trace.tracestate());
    }

    /** {@code Host} for the upstream: its host, with the port when the url names one. */
    static String hostHeader(UpstreamConfig upstream) {
        // Built from host and port, never from the authority: a url's user-info must not travel.
        int port = upstream.url().getPort();
        return port == -1 ? upstream.host() : upstream.host() + ":" + port;
    }

    /**
     * The request-target sent upstream: {@code basePath} followed by the client's path and query, unchanged.
     * An absolute-form target ({@code http://host/p?q}) contributes its path and query; {@code *} stays {@code *}
     * when there is no base path.
     */
    static String requestTarget(String basePath, String rawUri) {
        String originForm;
        if (rawUri.startsWith("/")) {
            originForm = rawUri;
        } else if ("*".equals(rawUri)) {
            return basePath.isEmpty() ? "*" : basePath;
        } else {
            int scheme = rawUri.indexOf("://");
            int from = scheme < 0 ? 0 : scheme + 3;
            int slash = indexOfAny(rawUri, from);
            if (slash < 0) {
                originForm = "/";
            } else if (rawUri.charAt(slash) == '?') {
                originForm = "/" + rawUri.substring(slash);
            } else {
                originForm = rawUri.substring(slash);
            }
        }
        return basePath + originForm;
    }

    static String via(String gatewayName) {
        return "1.1 " + gatewayName;
    }

    private static String appendList(List<String> existing, String value) {
        if (existing.isEmpty()) return value;
        StringBuilder sb = new StringBuilder();
        for (String v : existing) {
            String t = v.trim();
            if (t.isEmpty()) continue;
            sb.append(t).append(", ");
        }
        return sb.append(value).toString();
    }

    private static int indexOfAny(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '?') return i;
        }
        return -1;
    }
}
