package dev.authgate.server;

import dev.authgate.auth.AllConfig;
import dev.authgate.auth.AnyConfig;
import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.HashingExecutors;
import dev.authgate.auth.apikey.ApiKeyConfig;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.Durations;
import dev.authgate.config.StateConfig;
import dev.authgate.http.Problem;
import dev.authgate.http.Reason;
import dev.authgate.limits.AuthFailureThrottle;
import dev.authgate.observe.RedactedRequest;
import dev.authgate.observe.RequestLog;
import dev.authgate.observe.ResponseSource;
import dev.authgate.proxy.ForwardOutcome;
import dev.authgate.proxy.ForwardRequest;
import dev.authgate.proxy.UpstreamFailure;
import dev.authgate.replay.ReplaySettlement;
import dev.authgate.replay.ReplayStore;
import dev.authgate.route.Route;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * The stages after a request's body is buffered, in order: the failed-auth throttle (429), auth ({@link AuthStage},
 * 401), the replay claim ({@code replay.ReplayGuard}), then the answer of a {@code respond:} route or the forward
 * upstream ({@code proxy.Forwarder}), then the replay settlement. Stages may complete on other threads (bcrypt on the
 * hashing pool, a remote replay store); each continuation hops back to the connection's event loop and checks that the
 * request is still the connection's current one before touching it. Answers go through the {@link Responder}; the
 * dispatcher never closes the connection.
 */
final class RequestDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);
    /** Slack on top of the upstream timeouts for how long an uncommitted replay claim may live. */
    private static final Duration CLAIM_SLACK = Duration.ofSeconds(5);
    /** {@code Retry-After} of a 503 {@code store_unavailable}: the circuit breaker's back-off. */
    private static final long STORE_RETRY_AFTER_SECONDS = 1;

    private final ServerContext server;
    private final Responder responder;

    RequestDispatcher(ServerContext server, Responder responder) {
        this.server = server;
        this.responder = responder;
    }

    void dispatch(ClientRequest ex) {
        Route route = ex.route;
        HttpRequest head = ex.head;
        String scheme = route.authenticator().scheme();
        ex.authenticatingWith(scheme);
        if (throttled(ex, scheme)) return;
        AuthRequest request = new AuthRequest(head.method().name(), ex.target.rawPath(), ex.target.rawQuery(),
                head.headers(), ex.body(), ex.clientIp(), ex.peer.clientCertificate());
        AuthStage.authenticate(route, request)
                .whenComplete((result, error) -> onLoop(ex, () -> authenticated(ex, result, error)));
    }

    private void authenticated(ClientRequest ex, AuthResult result, Throwable error) {
        if (abandoned(ex, null)) return;
        Route route = ex.route;
        if (error != null) {
            ex.releaseBody();
            Throwable cause = AuthStage.unwrap(error);
            if (!HashingExecutors.isOverload(cause)) {
                LOG.warn("request_id={} route={}: authenticator failed", ex.requestId, route.name(), cause);
            }
            responder.answer(ex, AuthStage.failure(route, error), false, false);
            return;
        }
        if (result instanceof AuthResult.Rejected) {
            if (route.config().capturesRejections()) capture(ex);
            ex.releaseBody();
            AuthResult.Rejected rejected = (AuthResult.Rejected) result;
            server.metrics().authRejected(route.name(), route.authenticator().scheme(), rejected.reason().code());
            AuthFailureThrottle throttle = ex.runtime.throttle();
            if (throttle != null) throttle.recordFailure(ex.clientIp());
            responder.answer(ex, AuthStage.rejection(route, rejected), false, false);
            return;
        }
        AuthResult.Accepted accepted = (AuthResult.Accepted) result;
        ex.accepted(accepted);
        AuthResult.ReplayKey byScheme = accepted.replayKey();
        if (byScheme == null) {
            proceed(ex, accepted, null);
            return;
        }
        // Namespaced by route: two routes of one preset (different secrets, different senders) must not share keys,
        // or one route's sender could pre-claim the other's unsigned delivery ids.
        AuthResult.ReplayKey key = new AuthResult.ReplayKey(route.name() + "|" + byScheme.key(), byScheme.ttl(),
                byScheme.acknowledge());
        server.replay().claim(key.key(), claimTtl(route))
                .whenComplete((c, err) -> onLoop(ex, () -> claimed(ex, accepted, key, c, err), c));
    }

    /** Keeps the rejected request, credentials redacted, for the explorer's capture ({@code capture: rejected}). */
    private static void capture(ClientRequest ex) {
        ex.log.capture(RedactedRequest.raw(ex.head.method().name(), ex.head.uri(), ex.head.headers(), ex.body(),
                ex.route.config().capture().maxBody(), apiKeyHeaders(ex.route.config().auth(), new HashSet<>())));
    }

    /** The header names (lowercase) of the {@code api_key} schemes in {@code auth}, also inside any: and all:. */
    private static Set<String> apiKeyHeaders(AuthConfig auth, Set<String> into) {
        if (auth instanceof ApiKeyConfig k && k.header() != null) into.add(k.header().toLowerCase(Locale.ROOT));
        if (auth instanceof AnyConfig any) any.schemes().forEach(a -> apiKeyHeaders(a, into));
        if (auth instanceof AllConfig all) all.schemes().forEach(a -> apiKeyHeaders(a, into));
        return into;
    }

    private void claimed(ClientRequest ex, AuthResult.Accepted accepted, AuthResult.ReplayKey key,
                         ReplayStore.Claim claim, Throwable error) {
        if (abandoned(ex, claim)) return;
        Route route = ex.route;
        if (error != null) {
            storeFailed(ex, accepted, AuthStage.unwrap(error));
            return;
        }
        switch (claim.outcome()) {
            case CLAIMED:
                proceed(ex, accepted, server.replay().settlement(claim, key.ttl()));
                return;
            case DUPLICATE:
                ex.releaseBody();
                if (key.acknowledge()) {
                    responder.answerEmpty(ex, 200, Reason.REPLAYED.code(),
                            "duplicate of an accepted delivery, acknowledged without forwarding");
                } else {
                    rejectedAsReplay(ex, accepted);
                    responder.answer(ex, replayed(route, "this delivery was already accepted"), false, false);
                }
                return;
            case IN_FLIGHT:
            default:
                ex.releaseBody();
                rejectedAsReplay(ex, accepted);
                responder.answer(ex, replayed(route, "a delivery with the same key is in flight (not finished "
                        + "yet); retry after it completes"), false, false);
        }
    }

    /**
     * The replay store could not be asked ({@code state.on_failure.replay}): {@code reject} answers 503
     * {@code store_unavailable} with {@code Retry-After} (the sender retries; nothing is forwarded unprotected),
     * {@code allow} forwards without replay protection, logged and counted
     * ({@code authgate_replay_operations_total{op="claim",result="unprotected"}}).
     */
    private void storeFailed(ClientRequest ex, AuthResult.Accepted accepted, Throwable cause) {
        Route route = ex.route;
        String why = cause.getClass().getSimpleName();
        if (ex.runtime.config().state().onFailure().replay() == StateConfig.ReplayPolicy.ALLOW) {
            LOG.warn("request_id={} route={}: replay store unavailable ({}); forwarded WITHOUT replay protection "
                    + "(state.on_failure.replay: allow)", ex.requestId, route.name(), why);
            server.metrics().replayOperation("claim", "unprotected");
            proceed(ex, accepted, null);
            return;
        }
        ex.releaseBody();
        LOG.warn("request_id={} route={}: replay store unavailable ({}); answered 503 store_unavailable",
                ex.requestId, route.name(), why);
        responder.answer(ex, Problem.of(Reason.STORE_UNAVAILABLE, "the shared state store did not answer ("
                + why + "); replay protection cannot be checked; retry", route.name())
                .withRetryAfter(STORE_RETRY_AFTER_SECONDS), false, false);
    }

    /** @param replay the settlement of this request's replay claim, or null when the route has no replay protection */
    private void proceed(ClientRequest ex, AuthResult.Accepted accepted, ReplaySettlement replay) {
        Route route = ex.route;
        if (route.respond() != 0) {
            ex.releaseBody();
            if (replay != null) replay.commit();
            responder.answerEmpty(ex, route.respond(), null, accepted.detail());
            return;
        }
        boolean closeAfter = !ex.keepAlive || server.draining();
        HttpRequest head = ex.head;
        FullHttpRequest request = new DefaultFullHttpRequest(head.protocolVersion(), head.method(),
                ex.target.originForm(), ex.takeBody(), head.headers(),
                DefaultHttpHeadersFactory.trailersFactory().newHeaders());
        ForwardRequest forward = new ForwardRequest(request, route.upstream(), ex.requestId, ex.runtime.name(),
                ex.peer.clientIp(), ex.peer.proto(), accepted, route.config().hideCredentials(), closeAfter, ex.trace);
        long started = System.nanoTime();
        CompletionStage<ForwardOutcome> outcome;
        try {
            outcome = server.forwarder().forward(responder.channel(), forward,
                    status -> { if (replay != null) replay.settle(status); });
        } catch (RuntimeException e) {
            if (request.refCnt() > 0) request.release();
            outcome = CompletableFuture.failedFuture(e);
        }
        outcome.whenComplete((o, e) -> onLoop(ex, () -> forwarded(ex, replay, closeAfter, started, o, e)));
    }

    private void forwarded(ClientRequest ex, ReplaySettlement replay, boolean closeAfter, long started,
                           ForwardOutcome outcome, Throwable error) {
        if (outcome == null) {
            LOG.warn("request_id={}: the forwarder failed, which its contract rules out", ex.requestId, error);
            outcome = new ForwardOutcome(false, 0, 0, System.nanoTime() - started, UpstreamFailure.RESET,
                    "the forwarder failed (" + AuthStage.unwrap(error).getClass().getSimpleName() + ")");
        }
        ex.forwarded(outcome);
        String routeName = ex.route.name();
        server.metrics().upstreamDuration(routeName, outcome.upstreamNanos());
        if (outcome.failure() != null && ex.route.upstream() != null) {
            server.metrics().upstreamFailure(ex.route.upstream().name(), outcome.failure().label());
        }
        if (replay != null) replay.settle(outcome.upstreamStatus());
        if (outcome.responseWritten()) {
            // A response cut mid-body (upstream reset or stalled, client gone) keeps the upstream's status and
            // names what went wrong; a whole one logs who was let in.
            String reason = outcome.reason() == null ? null : outcome.reason().code();
            String detail = outcome.detail() != null ? outcome.detail() : ex.authDetail();
            ex.log(new RequestLog.Answer(outcome.upstreamStatus(), ResponseSource.UPSTREAM, reason, detail,
                    outcome.bytesOut()));
            responder.relayed(ex, closeAfter);
            return;
        }
        if (abandoned(ex, null)) return;
        Reason reason = outcome.reason() != null ? outcome.reason() : Reason.UPSTREAM_UNAVAILABLE;
        String detail = outcome.detail() != null ? outcome.detail() : reason.meaning();
        responder.answer(ex, Problem.of(reason, detail, ex.route.name()), closeAfter, false);
    }

    /**
     * {@code limits.auth_failures}: a client IP past its budget gets 429 {@code too_many_failures} with
     * {@code Retry-After}, without running auth. Open routes ({@code auth: none}) are never throttled: there is no
     * credential to guess.
     *
     * @return true when the request was answered here
     */
    private boolean throttled(ClientRequest ex, String scheme) {
        AuthFailureThrottle throttle = ex.runtime.throttle();
        if (throttle == null || "none".equals(scheme)) return false;
        long retryAfter = throttle.retryAfterSeconds(ex.clientIp());
        if (retryAfter <= 0) return false;
        ex.releaseBody();
        server.metrics().authThrottled();
        responder.answer(ex, Problem.of(Reason.TOO_MANY_FAILURES, "this client failed authentication "
                + throttle.max() + " times within " + Durations.format(throttle.window())
                + " (limits.auth_failures); auth was not run; retry after " + retryAfter + " s", ex.route.name())
                .withRetryAfter(retryAfter), false, false);
        return true;
    }

    /** A duplicate delivery refused with {@code replayed}: an auth rejection for the metrics, not a failed guess. */
    private void rejectedAsReplay(ClientRequest ex, AuthResult.Accepted accepted) {
        server.metrics().authRejected(ex.route.name(), accepted.scheme(), Reason.REPLAYED.code());
    }

    private static Problem replayed(Route route, String detail) {
        return Problem.of(Reason.REPLAYED, detail, route.name()).withChallenges(route.authenticator().challenges());
    }

    /**
     * Whether the client went away while a stage ran: then the body is released, a held replay claim released, and
     * the request logged as 499 (client closed request, as nginx logs it).
     *
     * @param claim the claim this stage obtained, or null
     */
    private boolean abandoned(ClientRequest ex, ReplayStore.Claim claim) {
        if (responder.current(ex)) return false;
        ex.releaseBody();
        server.replay().release(claim);
        ex.log(RequestLog.Answer.gateway(499, null, "client closed the connection before the response", 0));
        return true;
    }

    private void onLoop(ClientRequest ex, Runnable task) {
        onLoop(ex, task, null);
    }

    /**
     * Runs {@code task} on the connection's event loop. When the loop is gone (the server is stopping) the body is
     * released and a claim obtained by the stage that just ended is released: nobody else would.
     */
    private void onLoop(ClientRequest ex, Runnable task, ReplayStore.Claim claim) {
        EventExecutor loop = responder.channel().eventLoop();
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            ex.releaseBody();
            server.replay().release(claim);
        }
    }

    /** How long an uncommitted claim may live: a connect retry plus the response timeout, with slack. */
    private static Duration claimTtl(Route route) {
        if (route.upstream() == null) return CLAIM_SLACK;
        return route.upstream().connectTimeout().multipliedBy(2).plus(route.upstream().responseTimeout())
                .plus(CLAIM_SLACK);
    }
}
