package dev.authgate.auth.jwt;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.AuthorizationHeader;
import dev.authgate.auth.BearerHeader;
import dev.authgate.auth.Challenges;
import dev.authgate.http.Reason;
import io.netty.handler.codec.http.HttpHeaders;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code jwt:}: {@code Authorization: Bearer <JWT>} read as {@code bearer:} reads it, then judged by
 * {@link JwtVerifier}. Runs on the event loop (a signature check is tens of microseconds); only a refetch for an
 * unknown {@code kid} completes later, from the JWKS fetcher's thread. 401s with a {@code token_*} reason carry
 * {@code error="invalid_token"}, a 403 {@code error="insufficient_scope", scope="..."} (RFC 6750 §3).
 */
final class JwtAuthenticator implements Authenticator {
    static final String SCHEME = JwtConfig.NAME;

    private final JwtConfig config;
    private final JwtVerifier verifier;
    private final Map<String, KeySource> sources;
    private final String realm;
    private final String challenge;

    JwtAuthenticator(JwtConfig config, Map<String, KeySource> sources, Clock clock) {
        this.config = config;
        this.sources = Map.copyOf(sources);
        this.verifier = new JwtVerifier(config, sources, clock);
        this.realm = "Bearer realm=" + Challenges.quoted(Challenges.realm(config.realm()));
        this.challenge = realm;
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String challenge() {
        return challenge;
    }

    /** Whether every issuer's keys were loaded at least once ({@code /readyz}). */
    @Override
    public boolean ready() {
        for (KeySource s : sources.values()) {
            if (!s.loadedOnce()) return false;
        }
        return true;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        return decide(request.headers());
    }

    CompletionStage<AuthResult> decide(HttpHeaders headers) {
        BearerHeader.Read read = BearerHeader.read(headers);
        if (read.rejected() != null) {
            return CompletableFuture.completedFuture(read.rejected());
        }
        return verifier.verify(read.token()).thenApply(this::result);
    }

    private AuthResult result(JwtVerdict v) {
        if (v.accepted()) {
            return new AuthResult.Accepted(SCHEME, v.identity(), v.fullDetail(), List.of(AuthorizationHeader.NAME),
                    null, List.copyOf(config.forwardClaims().keySet()), v.upstreamHeaders());
        }
        Reason r = v.reason();
        List<String> challenges;
        if (r == Reason.SCOPE_INSUFFICIENT) {
            challenges = List.of(realm + ", error=\"insufficient_scope\", scope="
                    + Challenges.quoted(String.join(" ", v.missingScopes())));
        } else if (r == Reason.KEYS_UNAVAILABLE) {
            challenges = List.of();
        } else {
            challenges = List.of(realm + ", error=\"invalid_token\"");
        }
        return new AuthResult.Rejected(r, v.fullDetail(), true, challenges, v.retryAfter());
    }

    /** For {@code explain} and {@code jwt inspect}: the verdict without a request. */
    CompletionStage<JwtVerdict> verdict(String token) {
        return verifier.verify(token);
    }

    /** The issuers' key sources, for {@code explain}'s notes. */
    List<String> keyStates(Instant now) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, KeySource> e : sources.entrySet()) {
            KeySet k = e.getValue().keys(now);
            out.add(e.getKey() + ": " + (k == null ? e.getValue().unavailableDetail(now) : "keys " + k.kids()));
        }
        return out;
    }

    @Override
    public String toString() {
        return "JwtAuthenticator" + sources.keySet();
    }

    /** Signature checks the verifier saved by remembering verified tokens (tests). */
    long cachedSignatures() {
        return verifier.cachedSignatures();
    }
}
