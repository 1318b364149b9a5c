package dev.authgate.proxy;

import dev.authgate.http.Reason;

/**
 * What happened upstream, for the access log, metrics and replay settlement.
 *
 * @param responseWritten true when the upstream's response was relayed to the client (whole, or cut and closed)
 * @param upstreamStatus  the upstream's status, or 0 when it never answered
 * @param bytesOut        body bytes written to the client
 * @param upstreamNanos   from the first byte sent upstream to the last byte of its response (or the failure)
 * @param failure         null on success (including a client that left mid-response); else how the upstream failed
 * @param detail          a human sentence for the log, e.g. "connection refused by 127.0.0.1:3000"; null on success
 */
public record ForwardOutcome(boolean responseWritten, int upstreamStatus, long bytesOut, long upstreamNanos,
                             UpstreamFailure failure, String detail) {

    /** Failed before anything reached the client: the caller answers with {@link #reason()}. */
    static ForwardOutcome failed(UpstreamFailure failure, long upstreamNanos, String detail) {
        return new ForwardOutcome(false, 0, 0, upstreamNanos, failure, detail);
    }

    /** The response went to the client, whole or cut ({@code failure} set) or abandoned by the client. */
    static ForwardOutcome relayed(int status, long bytesOut, long upstreamNanos, UpstreamFailure failure,
                                  String detail) {
        return new ForwardOutcome(true, status, bytesOut, upstreamNanos, failure, detail);
    }

    /** The reason code of the failure, or null on success. */
    public Reason reason() {
        return failure == null ? null : failure.reason();
    }
}
