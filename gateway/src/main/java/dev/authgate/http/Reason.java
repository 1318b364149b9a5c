package dev.authgate.http;

/**
 * Every reason code the gateway can give. The codes are a stable contract: users grep for them, and each has a row
 * in docs/troubleshooting.md (ReadmeContractTest checks the table against this enum). {@link #fix()} is that row's
 * advice, also printed by {@code authgate explain}.
 */
public enum Reason {
    CREDENTIALS_MISSING(401, "no credential where the route expects one",
            "Send the credential the route expects (see WWW-Authenticate), in the header it names."),
    BEARER_PREFIX_MISSING(401, "Authorization holds a bare token without 'Bearer '",
            "Send 'Authorization: Bearer <token>', with the word Bearer and one space."),
    SCHEME_MISMATCH(401, "Authorization uses another scheme",
            "Use the scheme the route expects (WWW-Authenticate names it), e.g. Bearer instead of Basic."),
    CREDENTIALS_MALFORMED(401, "unparseable credential",
            "Basic needs base64(user:password) with a colon; check the encoding of the credential."),
    CREDENTIALS_WHITESPACE(401, "hidden whitespace inside the credential",
            "Remove the extra space, tab, newline, non-breaking or zero-width space that came with the copied value."),
    CREDENTIALS_IN_WRONG_HEADER(401, "a valid API key arrived in another header or the query string",
            "Send the key in the header the route names (e.g. X-API-Key), not Authorization or the URL."),
    CREDENTIALS_INVALID(401, "unknown token or key, wrong user or password",
            "The credential is not one the route accepts: check for a rotated or revoked token, or the wrong environment."),
    SIGNATURE_MISSING(401, "the signature header is absent",
            "The sender must sign the request; check the provider's webhook secret is set and the header name matches."),
    SIGNATURE_MALFORMED(401, "wrong prefix or encoding of the signature",
            "Check the signature's prefix (e.g. sha256=) and encoding (hex vs base64) against the route's scheme."),
    SIGNATURE_MISMATCH(401, "the HMAC of the raw body does not match any secret",
            "Sign the raw body bytes exactly as sent (no re-serialized JSON, no added newline) with the current secret."),
    TIMESTAMP_MISSING(401, "the signed timestamp is absent",
            "Send the timestamp header the scheme signs (e.g. X-Slack-Request-Timestamp)."),
    TIMESTAMP_MALFORMED(401, "the signed timestamp is unreadable",
            "Send the timestamp as unix seconds (digits only)."),
    TIMESTAMP_OUT_OF_WINDOW(401, "the timestamp is outside the tolerance",
            "Sync the sender's clock (NTP), send seconds not milliseconds, and do not replay old deliveries."),
    REPLAYED(401, "this delivery was already accepted",
            "Each delivery id or signature is accepted once; send a new delivery instead of replaying the old one."),
    BAD_REQUEST(400, "malformed or ambiguous HTTP",
            "Fix the request framing: one of Content-Length or Transfer-Encoding, a plain path without encoded '/' or '..'."),
    ROUTE_NOT_FOUND(404, "no route matches",
            "Check the URL path against the route table (authgate check prints it), e.g. /webhook vs /webhooks."),
    METHOD_NOT_ALLOWED(405, "the route matches, the method does not",
            "Use a method listed in the Allow header."),
    REQUEST_TIMEOUT(408, "head or body did not arrive in time",
            "The client sent too slowly; check the client and network, or raise limits.header_timeout (head) or "
                    + "limits.body_timeout (body)."),
    BODY_TOO_LARGE(413, "over limits.max_body",
            "Send a smaller body or raise limits.max_body."),
    HEADERS_TOO_LARGE(431, "over limits.max_header_bytes",
            "Send fewer or smaller headers (cookies?) or raise limits.max_header_bytes."),
    TOO_MANY_FAILURES(429, "this client failed authentication too often",
            "Fix the credential first, then wait for Retry-After; the limit is limits.auth_failures."),
    UPSTREAM_UNAVAILABLE(502, "the upstream refused, reset or closed the connection",
            "Check that the upstream is running and reachable from the gateway at the configured url."),
    SHUTTING_DOWN(503, "the gateway is draining",
            "Retry; the instance is shutting down and the load balancer will send you to another."),
    STORE_UNAVAILABLE(503, "the shared state store did not answer in time; replay protection cannot be checked",
            "Retry after Retry-After; if it lasts, check that Redis at state.redis.url is up and reachable "
                    + "(authgate_state_store_up)."),
    UPSTREAM_TIMEOUT(504, "the upstream did not answer within response_timeout",
            "Check why the upstream is slow, or raise upstreams.NAME.response_timeout.");

    private final int status;
    private final String meaning;
    private final String fix;

    Reason(int status, String meaning, String fix) {
        this.status = status;
        this.meaning = meaning;
        this.fix = fix;
    }

    /** The stable code users grep for, e.g. {@code signature_mismatch}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public int status() {
        return status;
    }

    /** One line: what the code means. */
    public String meaning() {
        return meaning;
    }

    /** One line: what to change so that the request passes. */
    public String fix() {
        return fix;
    }

    @Override
    public String toString() {
        return code();
    }
}
