package dev.authgate.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The headers that describe one connection, not the message, and so never cross the gateway (RFC 9110 §7.6.1).
 * One annotated list, used for both directions (after Caddy's {@code hopHeaders} and vertx-http-proxy's
 * {@code HOP_BY_HOP_HEADERS}).
 */
final class HopByHopHeaders {

    /** Always removed, in addition to every header named by {@code Connection}. */
    static final List<AsciiString> NAMES = List.of(
            // Lists the other hop-by-hop headers of this connection; every name it lists goes too.
            HttpHeaderNames.CONNECTION,
            // Parameters of the client's persistent connection (HTTP/1.0 era), meaningless on ours.
            HttpHeaderNames.KEEP_ALIVE,
            // Credentials for a proxy in front of the gateway: never for the upstream.
            HttpHeaderNames.PROXY_AUTHORIZATION,
            // A proxy's challenge to the immediate client (Go's httputil strips it as well).
            HttpHeaderNames.PROXY_AUTHENTICATE,
            // Non-standard, still sent by libcurl and some browsers; some servers reject requests carrying it.
            AsciiString.cached("proxy-connection"),
            // Which transfer codings / trailers the client accepts: about the client's hop.
            HttpHeaderNames.TE,
            // Announces trailer fields of this hop's chunked framing.
            HttpHeaderNames.TRAILER,
            // Framing of this hop: the request is re-framed with Content-Length, the response keeps chunked
            // framing only (see ForwardedHeaders.rewriteResponse).
            HttpHeaderNames.TRANSFER_ENCODING,
            // Protocol switch of this connection; the gateway does not tunnel.
            HttpHeaderNames.UPGRADE);

    private HopByHopHeaders() {
    }

    /**
     * Removes the hop-by-hop headers, first those named by {@code Connection} (all its values, comma lists).
     *
     * @param keepFraming when true, {@code Content-Length} and {@code Transfer-Encoding} survive even when named by
     *                    {@code Connection} or listed above: the caller re-frames the message itself
     */
    static void strip(HttpHeaders headers, boolean keepFraming) {
        for (String name : connectionTokens(headers)) {
            if (keepFraming && isFraming(name)) continue;
            headers.remove(name);
        }
        for (AsciiString name : NAMES) {
            if (keepFraming && isFraming(name)) continue;
            headers.remove(name);
        }
    }

    /** The header names listed in every {@code Connection} header, lower-cased, without empty tokens. */
    static List<String> connectionTokens(HttpHeaders headers) {
        List<String> tokens = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String t = token.trim();
                if (!t.isEmpty()) tokens.add(t.toLowerCase(Locale.ROOT));
            }
        }
        return tokens;
    }

    private static boolean isFraming(CharSequence name) {
        return HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name);
    }
}
