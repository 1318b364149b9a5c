package dev.authgate.server;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.HashingExecutors;
import dev.authgate.http.Problem;
import dev.authgate.config.Durations;
import dev.authgate.http.Reason;
import dev.authgate.limits.AuthFailureThrottle;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.proxy.ForwardOutcome;
import dev.authgate.proxy.ForwardRequest;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * What happens to a fully buffered request: the failed-auth throttle, credentials, then the replay claim, then the answer of a {@code respond:}
 * route or the forward upstream, then the replay commit or release. Stages may complete on other threads (bcrypt on
 * the hashing pool, a remote replay store); each continuation hops back to the connection's event loop and checks
 * that the request is still the connection's current one before touching it.
 */
final class ExchangeFlow {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeFlow.class);
    /** Slack on top of the upstream timeouts for how long an uncommitted replay claim may live. */
    private static final Duration CLAIM_SLACK = Duration.ofSeconds(5);

    private final ServerContext server;
    private final RequestHandler connection;

    ExchangeFlow(ServerContext server, RequestHandler connection) {
        this.server = server;
        this.connection = connection;
    }

    void dispatch(Exchange ex) {
        Route route = ex.route;
        HttpRequest head = ex.head;
        String scheme = route.authenticator().scheme();
        ex.authenticatedBy(scheme);
        if (throttled(ex, scheme)) return;
        AuthRequest request = new AuthRequest(head.method().name(), ex.target.rawPath(), ex.target.rawQuery(),
                head.headers(), ex.body(), ex.clientIp());
        ex.runtime.gate().authenticate(route, request)
                .whenComplete((result, error) -> onLoop(ex, () -> authenticated(ex, result, error)));
    }

    private void authenticated(Exchange ex, AuthResult result, Throwable error) {
        if (abandoned(ex, null)) return;
        Route route = ex.route;
        if (error != null) {
            ex.releaseBody();
            Throwable cause = RequestGate.unwrap(error);
            if (!HashingExecutors.isOverload(cause)) {
                LOG.warn("request_id={} route={}: authenticator failed", ex.requestId, route.name(), cause);
            }
            connection.answer(ex, RequestGate.authFailure(route, error), false, false);
            return;
        }
        if (result instanceof AuthResult.Rejected) {
            ex.releaseBody();
            AuthResult.Rejected rejected = (AuthResult.Rejected) result;
            server.metrics().authRejected(route.name(), route.authenticator().scheme(), rejected.reason().code());
            AuthFailureThrottle throttle = ex.runtime.throttle();
            if (throttle != null) throttle.recordFailure(ex.clientIp());
            connection.answer(ex, ex.runtime.gate().rejection(route, rejected), false, false);
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
        CompletionStage<ReplayStore.Claim> claim;
        try {
            claim = server.replayStore().claim(key.key(), claimTtl(route));
        } catch (RuntimeException e) {
            claim = CompletableFuture.failedFuture(e);
        }
        claim.whenComplete((c, err) -> onLoop(ex, () -> claimed(ex, accepted, key, c, err)));
    }

    private void claimed(Exchange ex, AuthResult.Accepted accepted, AuthResult.ReplayKey key, ReplayStore.Claim claim,
                         Throwable error) {
        if (abandoned(ex, claim == ReplayStore.Claim.CLAIMED ? key : null)) return;
        Route route = ex.route;
        if (error != null) {
            ex.releaseBody();
            LOG.warn("request_id={} route={}: replay store failed", ex.requestId, route.name(),
                    RequestGate.unwrap(error));
            connection.answer(ex, Problem.failure(500, "the replay store failed ("
                    + RequestGate.unwrap(error).getClass().getSimpleName() + ")", route.name()), false, false);
            return;
        }
        switch (claim) {
            case CLAIMED:
                proceed(ex, accepted, key);
                return;
            case DUPLICATE:
                ex.releaseBody();
                if (key.acknowledge()) {
                    connection.answerEmpty(ex, 200, Reason.REPLAYED.code(),
                            "duplicate of an accepted delivery, acknowledged without forwarding");
                } else {
                    rejectedAsReplay(ex, accepted);
                    connection.answer(ex, replayed(route, "this delivery was already accepted"), false, false);
                }
                return;
            default:
                ex.releaseBody();
                rejectedAsReplay(ex, accepted);
                connection.answer(ex, replayed(route, "a delivery with the same key is in flight (not finished "
                        + "yet); retry after it completes"), false, false);
        }
    }

    private void proceed(Exchange ex, AuthResult.Accepted accepted, AuthResult.ReplayKey key) {
        Route route = ex.route;
        if (route.respond() != 0) {
            ex.releaseBody();
            if (key != null) server.replayStore().commit(key.key(), key.ttl());
            connection.answerEmpty(ex, route.respond(), null, accepted.detail());
            return;
        }
        boolean closeAfter = !ex.keepAlive || server.draining();
        HttpRequest head = ex.head;
        FullHttpRequest request = new DefaultFullHttpRequest(head.protocolVersion(), head.method(),
                ex.target.originForm(), ex.takeBody(), head.headers(),
                DefaultHttpHeadersFactory.trailersFactory().newHeaders());
        ForwardRequest forward = new ForwardRequest(request, route.upstream(), ex.requestId, ex.runtime.name(),
                ex.connection.clientIp(), ex.connection.proto(), accepted, route.config().hideCredentials(),
                closeAfter);
        long started = System.nanoTime();
        ReplaySettlement replay = key == null ? null : new ReplaySettlement(server.replayStore(), key);
        CompletionStage<ForwardOutcome> outcome;
        try {
            outcome = server.forwarder().forward(connection.ctx().channel(), forward,
                    status -> { if (replay != null) replay.settle(status); });
        } catch (RuntimeException e) {
            if (request.refCnt() > 0) request.release();
            outcome = CompletableFuture.failedFuture(e);
        }
        outcome.whenComplete((o, e) -> onLoop(ex, () -> forwarded(ex, replay, closeAfter, started, o, e)));
    }

    /**
     * Commits (upstream answered below 500) or releases a claimed replay key exactly once: at the upstream's response
     * head, before the client can read the answer and retry, or at the outcome when no head came.
     */
    private static final class ReplaySettlement {
        private final ReplayStore store;
        private final AuthResult.ReplayKey key;
        private boolean settled; // touched only on the client's event loop

        ReplaySettlement(ReplayStore store, AuthResult.ReplayKey key) {
            this.store = store;
            this.key = key;
        }

        void settle(int upstreamStatus) {
            if (settled) return;
            settled = true;
            if (upstreamStatus > 0 && upstreamStatus < 500) {
                store.commit(key.key(), key.ttl());
            } else {
                store.release(key.key());
            }
        }
    }

    private void forwarded(Exchange ex, ReplaySettlement replay, boolean closeAfter, long started,
                           ForwardOutcome outcome, Throwable error) {
        if (outcome == null) {
            LOG.warn("request_id={}: the forwarder failed, which its contract rules out", ex.requestId, error);
            outcome = new ForwardOutcome(false, 0, 0, System.nanoTime() - started, Reason.UPSTREAM_UNAVAILABLE,
                    "reset", "the forwarder failed (" + RequestGate.unwrap(error).getClass().getSimpleName() + ")");
        }
        ex.forwarded(outcome);
        String routeName = ex.route.name();
        server.metrics().upstreamDuration(routeName, outcome.upstreamNanos());
        if (outcome.failureKind() != null && ex.route.upstream() != null) {
            server.metrics().upstreamFailure(ex.route.upstream().name(), outcome.failureKind());
        }
        if (replay != null) replay.settle(outcome.upstreamStatus());
        if (outcome.responseWritten()) {
            // A response cut mid-body (upstream reset or stalled, client gone) keeps the upstream's status and
            // names what went wrong; a whole one logs who was let in.
            String reason = outcome.failure() == null ? null : outcome.failure().code();
            String detail = outcome.detail() != null ? outcome.detail() : ex.authDetail();
            ex.log(outcome.upstreamStatus(), AccessLogEntry.SOURCE_UPSTREAM, reason, detail, outcome.bytesOut());
            connection.relayed(ex, closeAfter);
            return;
        }
        if (abandoned(ex, null)) return;
        Reason reason = outcome.failure() != null ? outcome.failure() : Reason.UPSTREAM_UNAVAILABLE;
        String detail = outcome.detail() != null ? outcome.detail() : reason.meaning();
        connection.answer(ex, Problem.of(reason, detail, ex.route.name()), closeAfter, false);
    }

    /**
     * {@code limits.auth_failures}: a client IP past its budget gets 429 {@code too_many_failures} with
     * {@code Retry-After}, without running auth. Open routes ({@code auth: none}) are never throttled: there is no
     * credential to guess.
     *
     * @return true when the request was answered here
     */
    private boolean throttled(Exchange ex, String scheme) {
        AuthFailureThrottle throttle = ex.runtime.throttle();
        if (throttle == null || "none".equals(scheme)) return false;
        long retryAfter = throttle.retryAfterSeconds(ex.clientIp());
        if (retryAfter <= 0) return false;
        ex.releaseBody();
        server.metrics().authThrottled();
        connection.answer(ex, Problem.of(Reason.TOO_MANY_FAILURES, "this client failed authentication "
                + throttle.max() + " times within " + Durations.format(throttle.window())
                + " (limits.auth_failures); auth was not run; retry after " + retryAfter + " s", ex.route.name())
                .withRetryAfter(retryAfter), false, false);
        return true;
    }

    /** A duplicate delivery refused with {@code replayed}: an auth rejection for the metrics, not a failed guess. */
    private void rejectedAsReplay(Exchange ex, AuthResult.Accepted accepted) {
        server.metrics().authRejected(ex.route.name(), accepted.scheme(), Reason.REPLAYED.code());
    }

    private static Problem replayed(Route route, String detail) {
        return Problem.of(Reason.REPLAYED, detail, route.name()).withChallenges(route.authenticator().challenges());
    }

    /**
     * Whether the client went away while a stage ran: then the body is released, a claimed replay key freed, and the
     * request logged as 499 (client closed request, as nginx logs it).
     */
    private boolean abandoned(Exchange ex, AuthResult.ReplayKey claimedKey) {
        if (connection.current(ex)) return false;
        ex.releaseBody();
        if (claimedKey != null) server.replayStore().release(claimedKey.key());
        ex.log(499, AccessLogEntry.SOURCE_GATEWAY, null, "client closed the connection before the response", 0);
        return true;
    }

    private void onLoop(Exchange ex, Runnable task) {
        EventExecutor loop = connection.ctx().executor();
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            ex.releaseBody(); // the server is stopping; the connection is gone with its loop
        }
    }

    /** How long an uncommitted claim may live: a connect retry plus the response timeout, with slack. */
    private static Duration claimTtl(Route route) {
        if (route.upstream() == null) return CLAIM_SLACK;
        return route.upstream().connectTimeout().multipliedBy(2).plus(route.upstream().responseTimeout())
                .plus(CLAIM_SLACK);
    }
}
