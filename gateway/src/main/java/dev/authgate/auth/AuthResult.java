package dev.authgate.auth;

import dev.authgate.http.Reason;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The verdict of an {@link Authenticator}: accepted with who, or rejected with why. */
public sealed interface AuthResult {

    /**
     * @param scheme            {@code bearer}, {@code api_key}, {@code basic}, {@code hmac} or {@code none}
     * @param identity          the credential's id or fingerprint, the Basic user, the HMAC preset; null for none
     * @param detail            for the log only, never a secret: e.g. "secret #2 of 2 matched"
     * @param credentialHeaders header names that carried the credential (removed upstream with hide_credentials)
     * @param replayKey         for schemes with replay protection: the key to claim before forwarding; else null
     * @param vouchedHeaders    header names the scheme sets upstream (e.g. {@code jwt.forward_claims}): the client's
     *                          copies are always removed, whether or not the scheme sets a value
     * @param upstreamHeaders   headers the gateway vouches for and sends upstream, in order (e.g. {@code mtls}'s
     *                          {@code Client-Cert}, {@code jwt}'s forwarded claims); client-sent copies are removed
     */
    record Accepted(String scheme, String identity, String detail, List<String> credentialHeaders,
                    ReplayKey replayKey, List<String> vouchedHeaders, Map<String, String> upstreamHeaders)
            implements AuthResult {
        public Accepted {
            credentialHeaders = credentialHeaders == null ? List.of() : List.copyOf(credentialHeaders);
            vouchedHeaders = vouchedHeaders == null ? List.of() : List.copyOf(vouchedHeaders);
            upstreamHeaders = upstreamHeaders == null || upstreamHeaders.isEmpty() ? Map.of()
                    : Collections.unmodifiableMap(new LinkedHashMap<>(upstreamHeaders));
        }

        /** Accepted with headers for the upstream, each of them vouched for. */
        public Accepted(String scheme, String identity, String detail, List<String> credentialHeaders,
                        ReplayKey replayKey, Map<String, String> upstreamHeaders) {
            this(scheme, identity, detail, credentialHeaders, replayKey,
                    upstreamHeaders == null ? List.of() : List.copyOf(upstreamHeaders.keySet()), upstreamHeaders);
        }

        /** Accepted with no headers for the upstream. */
        public Accepted(String scheme, String identity, String detail, List<String> credentialHeaders,
                        ReplayKey replayKey) {
            this(scheme, identity, detail, credentialHeaders, replayKey, List.of(), Map.of());
        }

        public static Accepted of(String scheme, String identity, String detail, String... credentialHeaders) {
            return new Accepted(scheme, identity, detail, List.of(credentialHeaders), null);
        }
    }

    /**
     * @param reason            the stable reason code
     * @param detail            a human sentence for the log and (when exposed) the body; never a credential value
     * @param credentialPresent whether the request carried a credential for this scheme at all (on an {@code any:}
     *                          route the reason is that of the first scheme whose credential was present)
     * @param challenges        the {@code WWW-Authenticate} values for this rejection (RFC 6750 {@code error=...}),
     *                          or null for the route's challenges
     * @param retryAfter        seconds for {@code Retry-After} (a 503 {@code keys_unavailable}), 0 for none
     */
    record Rejected(Reason reason, String detail, boolean credentialPresent, List<String> challenges,
                    long retryAfter) implements AuthResult {
        public Rejected {
            challenges = challenges == null ? null : List.copyOf(challenges);
        }

        public Rejected(Reason reason, String detail, boolean credentialPresent) {
            this(reason, detail, credentialPresent, null, 0);
        }
    }

    /**
     * A replay-protection key for an accepted request.
     *
     * @param key          namespaced key, e.g. {@code github:id:<delivery>}; may be stored but never logged in full
     *                     when it is a signature
     * @param ttl          how long to remember a committed key
     * @param acknowledge  true for {@code on_duplicate: acknowledge} (answer 200 without forwarding)
     */
    record ReplayKey(String key, java.time.Duration ttl, boolean acknowledge) {
    }
}
