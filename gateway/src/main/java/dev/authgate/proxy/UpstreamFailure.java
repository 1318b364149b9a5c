package dev.authgate.proxy;

import dev.authgate.http.Reason;
import dev.authgate.observe.MetricsNames;

/**
 * How a forward failed: the {@code kind} label of {@code authgate_upstream_failures_total} and the reason the client
 * is given. See {@link UpstreamForwarder} for when each happens and which are retried.
 */
public enum UpstreamFailure {
    /** Refused, unresolvable, or no connection within {@code connect_timeout}: nothing reached the upstream. */
    CONNECT(MetricsNames.UPSTREAM_CONNECT, Reason.UPSTREAM_UNAVAILABLE),
    /** The upstream closed, reset, or answered with something unusable after the request was handed to it. */
    RESET(MetricsNames.UPSTREAM_RESET, Reason.UPSTREAM_UNAVAILABLE),
    /** No response head within {@code response_timeout}, or a silence that long mid-body. */
    TIMEOUT(MetricsNames.UPSTREAM_TIMEOUT, Reason.UPSTREAM_TIMEOUT);

    private final String label;
    private final Reason reason;

    UpstreamFailure(String label, Reason reason) {
        this.label = label;
        this.reason = reason;
    }

    /** The metric label: {@code connect}, {@code reset} or {@code timeout}. */
    public String label() {
        return label;
    }

    /** What the client is told: 502 {@code upstream_unavailable} or 504 {@code upstream_timeout}. */
    public Reason reason() {
        return reason;
    }

    /** An exception's message, or its type when it has none. */
    static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isEmpty() ? t.getClass().getSimpleName() : m;
    }
}
