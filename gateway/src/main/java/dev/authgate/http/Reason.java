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
            "Send the credential as is: not URL-encoded, without quotes, the scheme word once; Basic needs"
                    + " base64(user:password) with a colon."),
    CREDENTIALS_WHITESPACE(401, "hidden whitespace inside the credential",
            "Remove the extra space, tab, newline, non-breaking or zero-width space that came with the copied value."),
    CREDENTIALS_IN_WRONG_HEADER(401, "a valid API key or token arrived in another header or the query string",
            "Send the key in the header the route names (e.g. X-API-Key), not Authorization or the URL; a Bearer"
                    + " token goes in Authorization: Bearer."),
    CREDENTIALS_INVALID(401, "unknown token or key, wrong user or password",
            "The credential is not one the route accepts: check for a rotated or revoked token, or the wrong environment."),
    SIGNATURE_MISSING(401, "the signature header is absent",
            "The sender must sign the request; check the provider's webhook secret is set and the header name matches."),
    SIGNATURE_MALFORMED(401, "wrong prefix or encoding of the signature",
            "Check the signature's prefix (e.g. sha256=) and encoding (hex vs base64) against the route's scheme,"
                    + " and its algorithm (a 40-hex-digit signature is HMAC-SHA1)."),
    SIGNATURE_MISMATCH(401, "the HMAC of the raw body does not match any secret",
            "Sign the raw body bytes exactly as sent (no re-serialized JSON, no added newline, not an empty body)"
                    + " with the current secret, in the form the provider says (whsec_ secrets decoded or not)."),
    TIMESTAMP_MISSING(401, "the signed timestamp is absent",
            "Send the timestamp header the scheme signs (e.g. X-Slack-Request-Timestamp)."),
    TIMESTAMP_MALFORMED(401, "the signed timestamp is unreadable",
            "Send the timestamp as unix seconds (digits only)."),
    TIMESTAMP_OUT_OF_WINDOW(401, "the timestamp is outside the tolerance",
            "Sync the sender's clock (NTP), send seconds not milliseconds, and do not replay old deliveries."),
    CLIENT_CERTIFICATE_MISSING(401, "the route needs a client certificate and none was sent",
            "Configure the client to present its certificate and key (curl --cert/--key); the server must have "
                    + "listen.tls.client_ca set."),
    CLIENT_CERTIFICATE_UNTRUSTED(401, "the client certificate chain does not verify against listen.tls.client_ca",
            "Issue the client certificate from a CA in listen.tls.client_ca, send its intermediates too, and make it "
                    + "a client certificate (extended key usage clientAuth)."),
    CLIENT_CERTIFICATE_EXPIRED(401, "the client certificate is outside its validity period",
            "Renew the client certificate (detail says which end and by how much), or fix the clock that is off."),
    CLIENT_CERTIFICATE_REVOKED(401, "the client certificate is listed in listen.tls.client_crl",
            "The certificate was revoked: issue the client a new one."),
    CLIENT_CERTIFICATE_NOT_ALLOWED(403, "verified, but not in the route's allow-list",
            "Add the certificate's subject, SAN or SHA-256 fingerprint (the detail names them) to the route's mtls "
                    + "allow-list, or use the certificate meant for this route."),
    REPLAYED(401, "this delivery was already accepted",
            "Each delivery id or signature is accepted once; send a new delivery instead of replaying the old one."),
    CREDENTIALS_EXPIRED(401, "a configured token or API key is past its expires:",
            "The credential expired: issue a new one and put it in the config (bearer.tokens or api_key.keys), or "
                    + "move its expires: if it was set too early."),
    TOKEN_MALFORMED(401, "not a compact JWS (three base64url parts, JSON header and claims)",
            "Send the JWT itself (header.claims.signature, base64url, no quotes or padding), not an opaque or "
                    + "encrypted (JWE) token."),
    TOKEN_ALGORITHM_NOT_ALLOWED(401, "the token's alg is not in the issuer's algorithms",
            "Sign with an algorithm in the issuer's algorithms: list; none is never accepted, HS* only for an "
                    + "issuer with a secret."),
    TOKEN_ISSUER_UNKNOWN(401, "iss absent or not configured",
            "Get the token from a configured issuer, or add its exact iss (trailing slash included) to jwt.issuers."),
    TOKEN_KEY_UNKNOWN(401, "no key with the token's kid, after the one allowed refetch",
            "The issuer signed with a key the gateway cannot see: check the jwks_url or keys: of the issuer, and "
                    + "that the token comes from that issuer's environment."),
    TOKEN_SIGNATURE_INVALID(401, "the signature does not verify with the issuer's key",
            "The token was altered or signed with another key or secret: get a fresh token from the issuer; check "
                    + "the configured secret or keys."),
    TOKEN_EXPIRED(401, "exp plus the leeway is past",
            "Get a new token (refresh it before exp); if tokens expire early, sync the clocks (NTP)."),
    TOKEN_NOT_YET_VALID(401, "nbf or iat is in the future beyond the leeway",
            "Sync the issuer's and the gateway's clocks (NTP), or raise jwt.leeway (at most 5m)."),
    TOKEN_AUDIENCE_MISMATCH(401, "aud holds none of the configured audiences",
            "Request the token for this API's audience (the audience/resource parameter at the issuer), or add "
                    + "the token's aud to the issuer's audiences."),
    TOKEN_CLAIM_INVALID(401, "a required claim is absent, typ differs, or the lifetime exceeds max_lifetime",
            "Ask the issuer for a token with the claims the route requires (the detail names the one), or relax "
                    + "required_claims, typ or max_lifetime."),
    SCOPE_INSUFFICIENT(403, "valid token without the scopes the route needs",
            "Request the token with the scopes named in WWW-Authenticate (scope=...), or grant them to the client."),
    KEYS_UNAVAILABLE(503, "the issuer's keys could not be loaded",
            "Retry after Retry-After; the operator checks that the jwks_url is reachable from the gateway "
                    + "(authgate_jwks_fetches_total)."),
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
