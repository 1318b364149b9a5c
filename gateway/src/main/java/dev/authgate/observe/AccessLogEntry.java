package dev.authgate.observe;

import java.time.Instant;

/**
 * One access-log line (docs/operations.md, "Reading the access log"): one per request, whoever answered it. A record
 * so that every format (text, JSON) renders the same fields; {@link #toString()} is the text format: {@code key=value}
 * pairs in a fixed order, values quoted when they hold a space, a quote, {@code =} or a control character, {@code -}
 * for absent. Built with {@link #builder()} ({@link RequestLog} fills one as a request goes through the gateway).
 *
 * <p>Nothing here may hold a secret: the path carries no query values ({@link #loggedPath}), the detail comes from
 * auth results that never contain credential values, the identity is a credential id or fingerprint.
 *
 * @param time           when the request's head arrived
 * @param requestId      the request id, as on the response
 * @param client         {@code ip:port} of the peer
 * @param tls            the negotiated protocol ({@code TLSv1.3}) or null on a plaintext listener
 * @param method         the request method, or null when no request line was read (e.g. a 408 on a slow head)
 * @param path           the path, with query values masked (see {@link #loggedPath})
 * @param route          the matched route, or null
 * @param scheme         the auth scheme that decided ({@code bearer}, ...), or null when auth did not run
 * @param identity       who was authenticated, or null
 * @param status         the status sent to the client
 * @param source         {@code gateway} when the gateway answered, {@code upstream} when it relayed the upstream
 * @param reason         the reason code, or null
 * @param detail         a human sentence (why rejected, or which credential matched), or null
 * @param upstream       the upstream name when the request was forwarded, or null
 * @param upstreamStatus the upstream's status, or 0 when it did not answer / was not asked
 * @param bytesIn        request body bytes received
 * @param bytesOut       response body bytes sent
 * @param durationMs     from the head's arrival to the response's last byte
 * @param upstreamMs     time spent on the upstream, or -1 when it was not asked
 * @param traceId        the W3C trace id the request belongs to, or null ({@code trace.mode: ignore}); last, so that
 *                       the fields before it keep their places
 */
public record AccessLogEntry(Instant time, String requestId, String client, String tls, String method, String path,
                             String route, String scheme, String identity, int status, String source, String reason,
                             String detail, String upstream, int upstreamStatus, long bytesIn, long bytesOut,
                             long durationMs, long upstreamMs, String traceId) {

    /** What replaces each query value in {@link #loggedPath}. */
    public static final String MASK = "\u2026";

    /**
     * The path to log: the raw path, plus the query with every value replaced by {@code …} ({@code ?a=…&…}); a
     * parameter without {@code =} is masked whole, as a bare token would be a value.
     */
    public static String loggedPath(String rawPath, String rawQuery) {
        if (rawQuery == null) return rawPath;
        StringBuilder sb = new StringBuilder(rawPath.length() + rawQuery.length()).append(rawPath).append('?');
        int start = 0;
        while (start <= rawQuery.length()) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? rawQuery.length() : amp;
            int eq = rawQuery.indexOf('=', start);
            if (start > 0) sb.append('&');
            if (eq >= 0 && eq < end) {
                sb.append(rawQuery, start, eq + 1).append(MASK);
            } else if (end > start) {
                sb.append(MASK);
            }
            if (amp < 0) break;
            start = amp + 1;
        }
        return sb.toString();
    }

    /** A builder with every field absent: status 0, sizes 0, {@code upstreamMs} -1. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the fields of one entry; names as the record's. Not thread-safe. */
    public static final class Builder {
        private Instant time;
        private String requestId;
        private String client;
        private String tls;
        private String method;
        private String path;
        private String route;
        private String scheme;
        private String identity;
        private int status;
        private ResponseSource source;
        private String reason;
        private String detail;
        private String upstream;
        private int upstreamStatus;
        private long bytesIn;
        private long bytesOut;
        private long durationMs;
        private long upstreamMs = -1;
        private String traceId;

        private Builder() {
        }

        /** When the request's head arrived, its id, and who sent it over which TLS protocol (null: plain HTTP). */
        public Builder request(Instant time, String requestId, String client, String tls) {
            this.time = time;
            this.requestId = requestId;
            this.client = client;
            this.tls = tls;
            return this;
        }

        /** The request line, its path already masked ({@link #loggedPath}); both null when none was read. */
        public Builder target(String method, String path) {
            this.method = method;
            this.path = path;
            return this;
        }

        public Builder route(String route) {
            this.route = route;
            return this;
        }

        /** The scheme that decided and who it let in (null when nobody was authenticated). */
        public Builder auth(String scheme, String identity) {
            this.scheme = scheme;
            this.identity = identity;
            return this;
        }

        /** Who answered, with what, and why. */
        public Builder answer(int status, ResponseSource source, String reason, String detail) {
            this.status = status;
            this.source = source;
            this.reason = reason;
            this.detail = detail;
            return this;
        }

        /** The upstream asked, its status (0: none) and the time spent on it (-1: not asked). */
        public Builder upstream(String upstream, int upstreamStatus, long upstreamMs) {
            this.upstream = upstream;
            this.upstreamStatus = upstreamStatus;
            this.upstreamMs = upstreamMs;
            return this;
        }

        /** The request's trace id (null: none). */
        public Builder trace(String traceId) {
            this.traceId = traceId;
            return this;
        }

        public Builder traffic(long bytesIn, long bytesOut, long durationMs) {
            this.bytesIn = bytesIn;
            this.bytesOut = bytesOut;
            this.durationMs = durationMs;
            return this;
        }

        public AccessLogEntry build() {
            return new AccessLogEntry(time, requestId, client, tls, method, path, route, scheme, identity, status,
                    source == null ? null : source.label(), reason, detail, upstream, upstreamStatus, bytesIn,
                    bytesOut, durationMs, upstreamMs, traceId);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(256);
        field(sb, "time", time == null ? null : time.toString());
        field(sb, "request_id", requestId);
        field(sb, "client", client);
        field(sb, "tls", tls);
        field(sb, "method", method);
        field(sb, "path", path);
        field(sb, "route", route);
        field(sb, "scheme", scheme);
        field(sb, "identity", identity);
        field(sb, "status", Integer.toString(status));
        field(sb, "source", source);
        field(sb, "reason", reason);
        field(sb, "detail", detail);
        field(sb, "upstream", upstream);
        field(sb, "upstream_status", upstreamStatus == 0 ? null : Integer.toString(upstreamStatus));
        field(sb, "bytes_in", Long.toString(bytesIn));
        field(sb, "bytes_out", Long.toString(bytesOut));
        field(sb, "duration_ms", Long.toString(durationMs));
        field(sb, "upstream_ms", upstreamMs < 0 ? null : Long.toString(upstreamMs));
        field(sb, "trace_id", traceId);
        return sb.toString();
    }

    private static void field(StringBuilder sb, String key, String value) {
        if (sb.length() > 0) sb.append(' ');
        sb.append(key).append('=');
        if (value == null) {
            sb.append('-');
        } else if (!needsQuotes(value)) {
            sb.append(value);
        } else {
            quote(sb, value);
        }
    }

    /** ASCII characters that make a value quoted; a table, as every character of every line is checked. */
    private static final boolean[] QUOTED = new boolean[128];

    static {
        for (int c = 0; c <= ' '; c++) QUOTED[c] = true;
        QUOTED['"'] = true;
        QUOTED['='] = true;
        QUOTED['\\'] = true;
        QUOTED[0x7f] = true;
    }

    private static boolean needsQuotes(String v) {
        if (v.isEmpty() || v.equals("-")) return true;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 128 ? QUOTED[c] : Character.isISOControl(c)) return true;
        }
        return false;
    }

    private static void quote(StringBuilder sb, String v) {
        sb.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (Character.isISOControl(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
