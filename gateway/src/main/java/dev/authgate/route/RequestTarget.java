package dev.authgate.route;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request target split for routing: the raw path and query (forwarded as received) and the decoded path that
 * routes are matched against.
 *
 * <p>A target that could route differently here than at the upstream is refused ({@link #problem()} is set, the
 * caller answers 400 {@code bad_request}) and is never matched against any route: a {@code .} or {@code ..} segment,
 * raw or percent-encoded ({@code %2e%2e}, {@code .%2E}, {@code ..;x}); an encoded {@code /} or {@code \} ({@code %2F},
 * {@code %5C}) or a double-encoded one ({@code %252F}); a raw backslash; an empty segment ({@code //}); a control or
 * non-ASCII character, raw or encoded ({@code %00}); a malformed escape or encoded bytes that are not UTF-8; a
 * fragment. Matrix parameters ({@code /a;v=1/b}) are cut from each segment before matching, as servlet containers do,
 * so {@code /admin;x/} is matched as {@code /admin/}.
 *
 * <p>Absolute-form targets ({@code http://host/path}) are reduced to their path and query; the asterisk form
 * ({@code OPTIONS *}) and authority form ({@code CONNECT host:443}) are refused.
 *
 * @param rawPath   the path exactly as received, without the query (for upstream and auth); when refused, the raw
 *                  target up to its query
 * @param rawQuery  the query exactly as received without {@code ?}, or null when there is none
 * @param matchPath the decoded path routes are matched against; null when refused
 * @param problem   why the target is refused (a detail for the 400), or null when it may be routed
 */
public record RequestTarget(String rawPath, String rawQuery, String matchPath, String problem) {

    /** Whether the target may be routed. */
    public boolean ok() {
        return problem == null;
    }

    /** The origin-form target to forward: the raw path plus {@code ?query} when there is one. */
    public String originForm() {
        return rawQuery == null ? rawPath : rawPath + '?' + rawQuery;
    }

    /** Parses and checks a request target as it appears in the request line. */
    public static RequestTarget parse(String target) {
        if (target == null || target.isEmpty()) return refused("", null, "empty request target");
        String origin = target;
        if (target.charAt(0) != '/') {
            if ("*".equals(target)) return refused(target, null, "asterisk-form request target is not routed");
            int schemeEnd = absoluteFormSchemeEnd(target);
            if (schemeEnd < 0) return refused(target, "request target must be a path starting with '/'");
            int pathStart = schemeEnd;
            while (pathStart < target.length() && "/?#".indexOf(target.charAt(pathStart)) < 0) pathStart++;
            origin = pathStart == target.length() ? "/" : target.charAt(pathStart) == '/'
                    ? target.substring(pathStart) : "/" + target.substring(pathStart);
        }
        int q = origin.indexOf('?');
        String rawPath = q < 0 ? origin : origin.substring(0, q);
        String rawQuery = q < 0 ? null : origin.substring(q + 1);
        String bad = checkChars(rawPath, true);
        if (bad == null && rawQuery != null) bad = checkChars(rawQuery, false);
        if (bad != null) return refused(rawPath, rawQuery, bad);
        return matchable(rawPath, rawQuery);
    }

    private static RequestTarget matchable(String rawPath, String rawQuery) {
        StringBuilder match = new StringBuilder(rawPath.length());
        int start = 1; // rawPath starts with '/'
        while (true) {
            int end = rawPath.indexOf('/', start);
            boolean last = end < 0;
            String segment = rawPath.substring(start, last ? rawPath.length() : end);
            int params = segment.indexOf(';');
            if (params >= 0) segment = segment.substring(0, params);
            if (segment.isEmpty() && !last) {
                return refused(rawPath, rawQuery, "empty path segment ('//') in path");
            }
            String decoded;
            if (segment.indexOf('%') < 0) {
                decoded = segment;
            } else {
                Decoded d = decode(segment);
                if (d.problem() != null) return refused(rawPath, rawQuery, d.problem());
                decoded = d.value();
            }
            if (decoded.equals(".") || decoded.equals("..")) {
                return refused(rawPath, rawQuery, "'" + decoded + "' segment in path (raw or percent-encoded)");
            }
            match.append('/').append(decoded);
            if (last) break;
            start = end + 1;
        }
        return new RequestTarget(rawPath, rawQuery, match.toString(), null);
    }

    /** A decoded segment, or why it cannot be routed (a decoded segment may itself start with any character). */
    private record Decoded(String value, String problem) {
        static Decoded refused(String problem) {
            return new Decoded(null, problem);
        }
    }

    private static Decoded decode(String segment) {
        byte[] bytes = new byte[segment.length()];
        int n = 0;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                bytes[n++] = (byte) c;
                continue;
            }
            if (i + 2 >= segment.length()) return Decoded.refused("malformed percent-escape in path");
            int hi = Character.digit(segment.charAt(i + 1), 16);
            int lo = Character.digit(segment.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) return Decoded.refused("malformed percent-escape in path");
            int b = (hi << 4) | lo;
            String escape = segment.substring(i + 1, i + 3);
            if (b == '/' || b == '\\') return Decoded.refused("encoded '" + (char) b + "' (%" + escape + ") in path");
            if (b < 0x20 || b == 0x7f) return Decoded.refused("encoded control character (%" + escape + ") in path");
            bytes[n++] = (byte) b;
            i += 2;
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            return Decoded.refused("percent-encoded bytes in path are not UTF-8");
        }
        if (isDoubleEncodedSeparator(decoded)) {
            return Decoded.refused("double-encoded '.', '/' or '\\' (e.g. %252e) in path");
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (Character.isISOControl(c)) return Decoded.refused("encoded control character in path");
        }
        return new Decoded(decoded, null);
    }

    private static boolean isDoubleEncodedSeparator(String decoded) {
        for (int i = decoded.indexOf('%'); i >= 0 && i + 2 < decoded.length(); i = decoded.indexOf('%', i + 1)) {
            char a = decoded.charAt(i + 1);
            char b = Character.toLowerCase(decoded.charAt(i + 2));
            if ((a == '2' && (b == 'e' || b == 'f')) || (a == '5' && b == 'c')) return true;
        }
        return false;
    }

    private static String checkChars(String s, boolean path) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return "control, space or non-ASCII character in " + (path ? "path" : "query");
            }
            if (c == '#') return "fragment ('#') in request target";
            if (path && c == '\\') return "backslash in path";
        }
        return null;
    }

    /** Index just past {@code scheme://} for http and https absolute-form targets, else -1. */
    private static int absoluteFormSchemeEnd(String target) {
        if (target.regionMatches(true, 0, "http://", 0, 7)) return 7;
        if (target.regionMatches(true, 0, "https://", 0, 8)) return 8;
        return -1;
    }

    /** A refused target; the query is kept apart so that logs can mask its values. */
    private static RequestTarget refused(String raw, String problem) {
        int q = raw.indexOf('?');
        return q < 0 ? refused(raw, null, problem) : refused(raw.substring(0, q), raw.substring(q + 1), problem);
    }

    private static RequestTarget refused(String rawPath, String rawQuery, String problem) {
        return new RequestTarget(rawPath, rawQuery, null, problem);
    }
}
