package dev.authgate.server;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.HashingExecutors;
import dev.authgate.http.Problem;
import dev.authgate.route.Route;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The auth stage: runs a route's authenticator and turns its result into the answer a rejected sender gets (401 with
 * one {@code WWW-Authenticate} challenge per scheme of the route) or a technical failure into a 5xx. Used by the
 * server ({@link RequestDispatcher}) and by {@code authgate explain} ({@link RequestGate#judge}), so both say the
 * same thing.
 */
final class AuthStage {
    private AuthStage() {
    }

    /**
     * Runs the route's authenticator. The stage may complete on another thread (bcrypt runs on the hashing pool);
     * it never completes exceptionally for a bad credential, only for a technical failure ({@link #failure}).
     */
    static CompletionStage<AuthResult> authenticate(Route route, AuthRequest request) {
        try {
            return route.authenticator().authenticate(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The answer to a rejected credential: with one {@code WWW-Authenticate} challenge per scheme of the route, or the
     * rejection's own ({@code jwt}: RFC 6750 {@code error="invalid_token"} / {@code "insufficient_scope"}), and its
     * {@code Retry-After} when it has one.
     */
    static Problem rejection(Route route, AuthResult.Rejected rejected) {
        Problem p = Problem.of(rejected.reason(), rejected.detail(), route.name())
                .withChallenges(rejected.challenges() != null ? rejected.challenges()
                        : route.authenticator().challenges());
        return rejected.retryAfter() > 0 ? p.withRetryAfter(rejected.retryAfter()) : p;
    }

    /**
     * The answer when authentication failed technically: 503 when the hashing pool refused the work (saturated),
     * else 500. The detail names the exception type only: a message might quote input.
     */
    static Problem failure(Route route, Throwable error) {
        Throwable cause = unwrap(error);
        if (HashingExecutors.isOverload(cause)) {
            return Problem.failure(503, "the hashing pool is saturated (too many credential checks in flight); "
                    + "retry shortly", route.name());
        }
        return Problem.failure(500, "the " + route.authenticator().scheme() + " authenticator failed ("
                + cause.getClass().getSimpleName() + ")", route.name());
    }

    /** The cause inside a {@link CompletionException} or {@link ExecutionException} wrapper. */
    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
