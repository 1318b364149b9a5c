package dev.authgate.observe;

import java.time.Instant;
import java.util.Map;
import java.time.temporal.ChronoUnit;

/**
 * The access-log stage for one request: collects its fields as the request goes through the gateway and writes its
 * one line (and records {@code authgate_requests_total}, the request duration and, for a rejection, an entry in
 * {@link RecentRejections}) when the answer is sent. Confined to the connection's event loop; only the first
 * {@link #write} counts, so every path that ends a request can call it.
 */
public final class RequestLog {
    private final Metrics metrics;
    private final Instant time = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private final long startNanos = System.nanoTime();
    private final String requestId;
    private final String tls;
    private final String traceId;
    private final AccessLogEntry.Builder entry = AccessLogEntry.builder();
    private String route;
    private long bytesIn;
    private Iterable<Map.Entry<String, String>> headers;
    private byte[] capture;
    private boolean written;

    /**
     * How a request ended.
     *
     * @param status   the status sent to the client (499: the client left first)
     * @param reason   the reason code, or null
     * @param detail   a human sentence (why rejected, which credential matched), never a secret; or null
     * @param bytesOut response body bytes sent
     */
    public record Answer(int status, ResponseSource source, String reason, String detail, long bytesOut) {
        public static Answer gateway(int status, String reason, String detail, long bytesOut) {
            return new Answer(status, ResponseSource.GATEWAY, reason, detail, bytesOut);
        }
    }

    /** @param tls the negotiated TLS protocol, or null on plain HTTP */
    public RequestLog(Metrics metrics, String requestId, String tls) {
        this(metrics, requestId, tls, null);
    }

    /**
     * @param tls     the negotiated TLS protocol, or null on plain HTTP
     * @param traceId the request's W3C trace id, or null when trace context is ignored
     */
    public RequestLog(Metrics metrics, String requestId, String tls, String traceId) {
        this.metrics = metrics;
        this.requestId = requestId;
        this.tls = tls;
        this.traceId = traceId;
    }

    /** The route that matched (null: none). */
    public void route(String name) {
        this.route = name;
        entry.route(name);
    }

    /** The scheme that decided and who it let in (identity null when rejected). */
    public void auth(String scheme, String identity) {
        entry.auth(scheme, identity);
    }

    /** The request was forwarded to {@code upstream}, which answered {@code status} (0: did not) in that time. */
    public void upstream(String upstream, int status, long upstreamNanos) {
        entry.upstream(upstream, status, upstreamNanos < 0 ? -1 : upstreamNanos / 1_000_000);
    }

    /** The request's headers, read only if the request is rejected ({@link RecentRejections}). */
    public void headers(Iterable<Map.Entry<String, String>> requestHeaders) {
        this.headers = requestHeaders;
    }

    /** The request as captured for the explorer ({@link RedactedRequest}), kept if the request is rejected. */
    public void capture(byte[] raw) {
        this.capture = raw;
    }

    public void bytesIn(long bytes) {
        this.bytesIn = bytes;
    }

    public long bytesIn() {
        return bytesIn;
    }

    /**
     * Writes the line once; later calls are ignored (one line per request).
     *
     * @param client {@code ip:port} of the peer, or the forwarded-for IP of a trusted proxy's client
     * @param method the request method, null when no request line was read
     * @param path   the masked path ({@link AccessLogEntry#loggedPath}), or null
     */
    public void write(String client, String method, String path, Answer answer) {
        if (written) return;
        written = true;
        long nanos = System.nanoTime() - startNanos;
        metrics.requestCompleted(route, answer.status(), answer.source().label(), nanos);
        AccessLogEntry line = entry.request(time, requestId, client, tls).target(method, path)
                .answer(answer.status(), answer.source(), answer.reason(), answer.detail())
                .traffic(bytesIn, answer.bytesOut(), nanos / 1_000_000)
                .trace(traceId)
                .build();
        AccessLog.write(line);
        metrics.recentRejections().record(line, headers, capture);
    }
}
