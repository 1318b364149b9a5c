package dev.authgate.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;
import java.util.Locale;

/**
 * The request's version and {@code Host} as RFC 9112 §3.2 wants them, refused when they could make the gateway and
 * the upstream (or the app behind it, which reads {@code X-Forwarded-Host}) disagree about where a request goes:
 * a version other than HTTP/1.0 or HTTP/1.1; an HTTP/1.1 request without {@code Host}; several {@code Host} headers;
 * a {@code Host} that is not {@code host[:port]} (empty, spaces, {@code /}, {@code @}, a comma list); an absolute-form
 * target ({@code http://a/p}) whose authority is not the {@code Host} (default ports aside) or carries user-info.
 */
final class HostRules {
    private HostRules() {
    }

    /** Why the version or Host is refused (a detail for the 400), or null when they are fine. */
    static String problem(HttpVersion version, String uri, HttpHeaders headers) {
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            return "unsupported HTTP version " + version.text() + " (HTTP/1.1 or HTTP/1.0 only)";
        }
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) return "several Host headers";
        if (hosts.isEmpty()) {
            return version.minorVersion() == 1 ? "missing Host header (required in HTTP/1.1)" : null;
        }
        String host = hosts.get(0).trim();
        if (!isHostPort(host)) return "Host is not host[:port]";
        String scheme = absoluteFormScheme(uri);
        if (scheme == null) return null;
        int from = scheme.length() + 3;
        int end = from;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) end++;
        String authority = uri.substring(from, end);
        if (authority.indexOf('@') >= 0) return "user-info in the request target";
        if (!isHostPort(authority)) return "the request target's authority is not host[:port]";
        if (!normalize(authority, scheme).equals(normalize(host, scheme))) {
            return "the request target's authority differs from Host";
        }
        return null;
    }

    /** {@code http} or {@code https} (lower case) for an absolute-form target, else null. */
    private static String absoluteFormScheme(String uri) {
        if (uri.regionMatches(true, 0, "http://", 0, 7)) return "http";
        if (uri.regionMatches(true, 0, "https://", 0, 8)) return "https";
        return null;
    }

    /** Lower case, without the scheme's default port. */
    private static String normalize(String hostPort, String scheme) {
        String s = hostPort.toLowerCase(Locale.ROOT);
        String defaultPort = "http".equals(scheme) ? ":80" : ":443";
        return s.endsWith(defaultPort) ? s.substring(0, s.length() - defaultPort.length()) : s;
    }

    /**
     * {@code reg-name / IPv4 [":" port]} or {@code "[" IPv6 "]" [":" port]}: letters, digits and {@code -._~%!$&'()*+;=}
     * in the name (RFC 3986 without the comma, which would make {@code X-Forwarded-Host} a list), at most 5 port
     * digits.
     */
    static boolean isHostPort(String s) {
        if (s.isEmpty()) return false;
        int i = 0;
        if (s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 2) return false;
            for (int j = 1; j < close; j++) {
                char c = s.charAt(j);
                if (!(isAlnum(c) || c == ':' || c == '.' || c == '%')) return false;
            }
            i = close + 1;
        } else {
            while (i < s.length() && s.charAt(i) != ':') {
                char c = s.charAt(i);
                if (!(isAlnum(c) || "-._~%!$&'()*+;=".indexOf(c) >= 0)) return false;
                i++;
            }
            if (i == 0) return false;
        }
        if (i == s.length()) return true;
        if (s.charAt(i) != ':') return false;
        int digits = s.length() - i - 1;
        if (digits > 5) return false;
        for (int j = i + 1; j < s.length(); j++) {
            if (s.charAt(j) < '0' || s.charAt(j) > '9') return false;
        }
        return true;
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
