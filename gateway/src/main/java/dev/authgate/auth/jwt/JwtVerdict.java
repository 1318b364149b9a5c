package dev.authgate.auth.jwt;

import dev.authgate.http.Reason;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@link JwtVerifier} decided, before it becomes an {@code AuthResult}: the reason (null when accepted), the
 * detail, and the token's facts for the log line ({@code iss}, {@code aud}, {@code kid}, {@code alg}, {@code exp}).
 *
 * @param reason          null when accepted
 * @param detail          the human sentence, without the token facts
 * @param facts           {@code iss=... aud=[...] kid=... alg=... exp=... (in 12m)}, or null when the token did
 *                        not parse
 * @param identity        the {@code identity_claim} value when accepted
 * @param upstreamHeaders {@code forward_claims} header to value when accepted
 * @param missingScopes   the scopes the route needs, for {@code scope_insufficient}'s challenge
 * @param retryAfter      seconds for {@code keys_unavailable}
 */
record JwtVerdict(Reason reason, String detail, String facts, String identity, Map<String, String> upstreamHeaders,
                  List<String> missingScopes, long retryAfter) {

    static JwtVerdict reject(Reason reason, String detail, JwtToken token, Instant now) {
        return new JwtVerdict(reason, detail, facts(token, now), null, Map.of(), List.of(), 0);
    }

    static JwtVerdict unavailable(String detail, long retryAfter, JwtToken token, Instant now) {
        return new JwtVerdict(Reason.KEYS_UNAVAILABLE, detail, facts(token, now), null, Map.of(), List.of(),
                Math.max(1, retryAfter));
    }

    static JwtVerdict accept(String identity, Map<String, String> headers, JwtToken token, JwtKey key, Instant now) {
        return new JwtVerdict(null, "jwt verified with key " + JwtText.safe(key.kid() == null ? "(secret)"
                : key.kid(), 64), facts(token, now), identity, headers, List.of(), 0);
    }

    boolean accepted() {
        return reason == null;
    }

    /** The detail with the token facts: what the access log and the problem body carry. */
    String fullDetail() {
        return facts == null ? detail : detail + "; " + facts;
    }

    /** {@code iss=... aud=[...] kid=... alg=... exp=2026-12-01T08:00:00Z (in 12m)}: never the token or signature. */
    static String facts(JwtToken t, Instant now) {
        if (t == null) return null;
        Instant exp = t.claims().getExpirationTime() == null ? null : t.claims().getExpirationTime().toInstant();
        return t.factsPrefix() + " exp=" + JwtText.when(exp, now);
    }
}
