package dev.authgate.http;

import java.util.List;
import java.util.Objects;

/**
 * A response the gateway makes itself instead of forwarding: the status, the reason code and the human detail,
 * plus the headers that status requires. {@link Responses} renders it as {@code application/problem+json}.
 *
 * @param status     the HTTP status; for a {@link #reason()} it is the reason's status
 * @param reason     the stable reason code, or null for a failure of the gateway itself (500, saturated 503)
 * @param detail     one human sentence for the log and (with {@code errors.expose_reason}) the body; never a secret
 * @param route      the matched route's name, or null when no route matched
 * @param allow      the methods for the {@code Allow} header of a 405 (empty otherwise)
 * @param challenges one {@code WWW-Authenticate} header each, for a 401 (empty otherwise)
 * @param retryAfter seconds for a {@code Retry-After} header (a 429), or 0 for none
 */
public record Problem(int status, Reason reason, String detail, String route, List<String> allow,
                      List<String> challenges, long retryAfter) {

    /** A problem without {@code Retry-After}. */
    public Problem(int status, Reason reason, String detail, String route, List<String> allow,
                   List<String> challenges) {
        this(status, reason, detail, route, allow, challenges, 0);
    }

    public Problem {
        if (retryAfter < 0) throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: >= 0)");
        Objects.requireNonNull(detail, "detail");
        allow = allow == null ? List.of() : List.copyOf(allow);
        challenges = challenges == null ? List.of() : List.copyOf(challenges);
        if (reason != null && reason.status() != status) {
            throw new IllegalArgumentException("status: " + status + " (expected: " + reason.status() + " for "
                    + reason.code() + ")");
        }
    }

    /** A rejection for {@code reason} with its own status. */
    public static Problem of(Reason reason, String detail, String route) {
        return new Problem(reason.status(), reason, detail, route, List.of(), List.of());
    }

    /** A failure of the gateway itself that has no reason code (e.g. 500 when an authenticator broke). */
    public static Problem failure(int status, String detail, String route) {
        return new Problem(status, null, detail, route, List.of(), List.of());
    }

    /** This problem with the methods of a 405's {@code Allow} header. */
    public Problem withAllow(List<String> methods) {
        return new Problem(status, reason, detail, route, methods, challenges, retryAfter);
    }

    /** This problem with a 401's {@code WWW-Authenticate} challenges. */
    public Problem withChallenges(List<String> wwwAuthenticate) {
        return new Problem(status, reason, detail, route, allow, wwwAuthenticate, retryAfter);
    }

    /** This problem with a {@code Retry-After: seconds} header (a 429 {@code too_many_failures}). */
    public Problem withRetryAfter(long seconds) {
        return new Problem(status, reason, detail, route, allow, challenges, seconds);
    }

    /** The reason code for logs, {@code -} when there is none. */
    public String reasonCode() {
        return reason == null ? null : reason.code();
    }
}
