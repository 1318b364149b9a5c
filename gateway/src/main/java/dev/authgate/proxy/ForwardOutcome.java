package dev.authgate.proxy;

import dev.authgate.http.Reason;

/**
 * What happened upstream, for the access log, metrics and replay commit/release.
 *
 * @param responseWritten true when the upstream's response was relayed to the client (whole, or cut and closed)
 * @param upstreamStatus  the upstream's status, or 0 when it never answered
 * @param bytesOut        body bytes written to the client
 * @param upstreamNanos   from the first byte sent upstream to the last byte of its response (or the failure)
 * @param failure         null on success; {@link Reason#UPSTREAM_UNAVAILABLE} or {@link Reason#UPSTREAM_TIMEOUT}
 * @param failureKind     null on success; {@code connect}, {@code reset} or {@code timeout} (for metrics)
 * @param detail          a human sentence for the log, e.g. "connection refused by 127.0.0.1:3000"; null on success
 */
public record ForwardOutcome(boolean responseWritten, int upstreamStatus, long bytesOut, long upstreamNanos,
                             Reason failure, String failureKind, String detail) {
}
