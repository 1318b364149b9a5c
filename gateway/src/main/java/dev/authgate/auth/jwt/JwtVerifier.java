package dev.authgate.auth.jwt;

import com.nimbusds.jose.JOSEException;
import dev.authgate.http.Reason;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Judges one token against a {@code jwt:} block, one decision per step so that every failure has its own reason
 * (docs/troubleshooting.md): parsed ({@code token_malformed}), {@code alg} never {@code none}
 * ({@code token_algorithm_not_allowed}), {@code iss} configured ({@code token_issuer_unknown}), {@code alg} in that
 * issuer's list ({@code token_algorithm_not_allowed}), keys loaded ({@code keys_unavailable}), a key with the
 * {@code kid} after at most one refetch ({@code token_key_unknown}), the signature ({@code token_signature_invalid}),
 * then the claims ({@link JwtClaims}). nimbus parses and verifies; the decisions are here. A token whose signature
 * verified before is not verified again ({@link VerifiedTokens}); its claims are judged every time.
 */
final class JwtVerifier {
    private final JwtConfig config;
    private final Map<String, KeySource> sources;
    private final Clock clock;
    private final VerifiedTokens verified = new VerifiedTokens();

    JwtVerifier(JwtConfig config, Map<String, KeySource> sources, Clock clock) {
        this.config = config;
        this.sources = Map.copyOf(sources);
        this.clock = clock;
    }

    /** The verdict on {@code token}; completes later only when an unknown {@code kid} triggered a refetch. */
    CompletionStage<JwtVerdict> verify(String token) {
        Instant now = clock.instant();
        ByteBuffer digest = VerifiedTokens.digest(token);
        VerifiedTokens.Entry remembered = verified.lookup(digest);
        JwtToken t = remembered == null ? null : remembered.token();
        try {
            if (t == null) t = JwtToken.parse(token);
        } catch (JwtToken.Malformed e) {
            return done(JwtVerdict.reject(Reason.TOKEN_MALFORMED, e.getMessage(), null, now));
        } catch (JwtToken.UnsignedAlgorithm e) {
            return done(JwtVerdict.reject(Reason.TOKEN_ALGORITHM_NOT_ALLOWED, "alg " + JwtText.safe(e.alg(), 32)
                    + " is never accepted (" + ("none".equalsIgnoreCase(e.alg()) ? "an unsigned token"
                    : "not a signature algorithm the gateway knows") + ")", null, now));
        }
        String iss = t.claims().getIssuer();
        JwtIssuer issuer = config.issuer(iss);
        if (issuer == null) {
            return done(JwtVerdict.reject(Reason.TOKEN_ISSUER_UNKNOWN, (iss == null ? "iss is absent"
                    : "iss " + JwtText.safe(iss, 200) + " is not configured") + " (configured: "
                    + configuredIssuers() + ")", t, now));
        }
        JwtAlgorithm alg = t.algorithm();
        if (!issuer.algorithms().contains(alg)) {
            String why = alg.hmac() && issuer.secret() == null
                    ? "; HS* would verify with a shared secret, and this issuer has public keys" : "";
            return done(JwtVerdict.reject(Reason.TOKEN_ALGORITHM_NOT_ALLOWED, "alg " + alg + " is not allowed for "
                    + JwtText.safe(iss, 200) + " (allowed: " + sorted(issuer) + ")" + why, t, now));
        }
        KeySource source = sources.get(issuer.issuer());
        KeySet keys = source.keys(now);
        if (keys == null) {
            return done(JwtVerdict.unavailable(source.unavailableDetail(now), source.retryAfterSeconds(now), t, now));
        }
        String kid = t.kid();
        if (!keys.withKid(kid).isEmpty()) {
            return done(verifyWith(digest, remembered, t, issuer, keys, source, now));
        }
        JwtToken parsed = t;
        return source.refetchForUnknownKid(now).thenApply(after -> {
            Instant later = clock.instant();
            if (after == null) {
                return JwtVerdict.unavailable(source.unavailableDetail(later), source.retryAfterSeconds(later), parsed,
                        later);
            }
            return verifyWith(digest, remembered, parsed, issuer, after, source, later);
        });
    }

    private JwtVerdict verifyWith(ByteBuffer digest, VerifiedTokens.Entry remembered, JwtToken t, JwtIssuer issuer,
                                  KeySet keys, KeySource source, Instant now) {
        String kid = t.kid();
        List<JwtKey> candidates = keys.withKid(kid);
        if (candidates.isEmpty()) {
            Instant refetched = source.lastRefetch();
            return JwtVerdict.reject(Reason.TOKEN_KEY_UNKNOWN, "kid " + JwtText.safe(kid, 64) + " unknown for "
                    + JwtText.safe(issuer.issuer(), 200) + " (keys: " + keys.kids()
                    + (refetched == null ? "" : "; refetched " + JwtText.span(java.time.Duration.between(refetched,
                    now)) + " ago") + ")", t, now);
        }
        JwtAlgorithm alg = t.algorithm();
        List<JwtKey> fitting = new ArrayList<>(candidates.size());
        for (JwtKey k : candidates) {
            if (k.fits(alg)) fitting.add(k);
        }
        if (fitting.isEmpty()) {
            return JwtVerdict.reject(Reason.TOKEN_SIGNATURE_INVALID, (kid != null ? "key " + JwtText.safe(kid, 64)
                    + " is " + candidates.get(0).describe() : "no key of the issuer") + " and cannot verify " + alg,
                    t, now);
        }
        JwtKey known = verified.verifiedBy(remembered, fitting);
        if (known != null) return JwtClaims.check(config, issuer, t, known, now);
        for (JwtKey k : fitting) {
            try {
                if (t.jws().verify(k.verifier())) {
                    verified.remember(digest, t, k, t.claims().getExpirationTime(), now);
                    return JwtClaims.check(config, issuer, t, k, now);
                }
            } catch (JOSEException e) {
                // an unusable signature for this key (wrong length, unknown crit header): not this key
            }
        }
        return JwtVerdict.reject(Reason.TOKEN_SIGNATURE_INVALID, "signature does not verify with "
                + (kid != null ? "key " + JwtText.safe(kid, 64) : fitting.size() == 1 ? "the issuer's "
                + fitting.get(0).describe().substring(fitting.get(0).describe().indexOf(' ') + 1)
                : "any of the issuer's " + fitting.size() + " keys") + " (" + alg + ")", t, now);
    }

    private String configuredIssuers() {
        List<String> names = new ArrayList<>();
        for (JwtIssuer i : config.issuers()) names.add(i.issuer());
        return String.join(", ", names);
    }

    private static String sorted(JwtIssuer issuer) {
        List<String> names = new ArrayList<>();
        for (JwtAlgorithm a : JwtAlgorithm.values()) {
            if (issuer.algorithms().contains(a)) names.add(a.name());
        }
        return String.join(", ", names);
    }

    /** Signature checks saved by {@link VerifiedTokens} (tests). */
    long cachedSignatures() {
        return verified.hits();
    }

    private static CompletionStage<JwtVerdict> done(JwtVerdict v) {
        return CompletableFuture.completedFuture(v);
    }
}
