package dev.authgate.auth;

import java.util.concurrent.CompletionStage;

/**
 * One auth scheme, built once per config from its {@code AuthConfig} record. Implementations are immutable and
 * thread-safe; one instance serves all event loops.
 *
 * <p>Contract: a missing, malformed or wrong credential completes with {@link AuthResult.Rejected}; the stage
 * completes exceptionally only for a technical failure (the gateway answers 500). {@code authenticate} is called
 * on a Netty event loop and must not block: slow work (bcrypt, a remote key fetch) runs elsewhere and completes
 * the stage later. Never log or put a credential value in a detail.
 *
 * <p>A stage may complete on another thread (e.g. {@code authgate-bcrypt-N}); the caller hops back to its event loop
 * before touching the channel. A stage that fails with a {@link java.util.concurrent.RejectedExecutionException}
 * (possibly wrapped, see {@link HashingExecutors#isOverload}) means the hashing pool is saturated: answer 503,
 * not 500.
 */
public interface Authenticator {

    /** {@code bearer}, {@code api_key}, {@code basic}, {@code hmac} or {@code none}. */
    String scheme();

    /** The {@code WWW-Authenticate} challenge for a 401, e.g. {@code Bearer realm="authgate"}; null for none. */
    String challenge();

    /** All challenges for a 401, one {@code WWW-Authenticate} header each ({@code any:} routes have several). */
    default java.util.List<String> challenges() {
        String c = challenge();
        return c == null ? java.util.List.of() : java.util.List.of(c);
    }

    CompletionStage<AuthResult> authenticate(AuthRequest request);

    /**
     * Whether this authenticator can decide yet ({@code /readyz}): false while keys it depends on were never loaded
     * (a {@code jwt} issuer's JWKS before its first fetch). Cheap and non-blocking.
     */
    default boolean ready() {
        return true;
    }
}
