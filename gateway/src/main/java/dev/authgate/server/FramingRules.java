package dev.authgate.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How a request's body is framed and how big its head is, refused when a proxy and the upstream could read them
 * differently (request smuggling). The server's codec already refuses most of these; the rules are repeated here so
 * that offline judging ({@code authgate explain}) refuses the same requests.
 */
final class FramingRules {
    private FramingRules() {
    }

    /**
     * The request line and header block as sent, give or take optional whitespace. The codec caps the line and
     * the headers at {@code max_header_bytes} each; this caps them together.
     */
    static long headBytes(String method, String uri, HttpHeaders headers) {
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
    static String problem(HttpHeaders headers) {
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

    static long contentLength(HttpHeaders headers) {
        String v = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (v == null) return -1;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // only after problem() let it through: 19+ digits, far over any limit
        }
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty() || s.length() > 19) return s.length() > 19 && s.chars().allMatch(Character::isDigit);
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }

    /** The declared Content-Length of a head the codec let through (0 when absent): whether a body follows. */
    static long declaredLength(HttpRequest req) {
        try {
            return HttpUtil.getContentLength(req, 0L);
        } catch (NumberFormatException e) {
            return 1; // unreadable: assume there is a body we will not read
        }
    }
}
