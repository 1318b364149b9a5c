package dev.authgate.replay;

import dev.authgate.observe.Metrics;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The replay stages of the request path: the claim before a delivery is forwarded, and its settlement after (see
 * {@link ReplaySettlement}). Counts every operation ({@code authgate_replay_operations_total{op,result}}) whatever the
 * store, so a remote store that cannot count its entries is still observable. One per server, shared by every
 * connection; the store does the synchronization.
 */
public final class ReplayGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayGuard.class);

    private final ReplayStore store;
    private final Metrics metrics;

    public ReplayGuard(ReplayStore store, Metrics metrics) {
        this.store = store;
        this.metrics = metrics;
        metrics.replayStoreSize(store::entries);
    }

    /** See {@link ReplayStore#bindTo}. */
    public AutoCloseable bindTo(EventLoopGroup loops) {
        return store.bindTo(loops);
    }

    /**
     * Claims {@code key} for one request. The stage completes exceptionally only when the store failed (the caller
     * answers 5xx: the sender may retry); a synchronous throw from the store is turned into such a stage.
     */
    public CompletionStage<ReplayStore.Claim> claim(String key, Duration inFlightTtl) {
        CompletionStage<ReplayStore.Claim> claim;
        try {
            claim = store.claim(key, inFlightTtl);
        } catch (RuntimeException e) {
            claim = CompletableFuture.failedFuture(e);
        }
        return claim.whenComplete((c, error) -> metrics.replayOperation("claim",
                error != null ? "error" : c.outcome().name().toLowerCase(Locale.ROOT)));
    }

    /** The settlement of a successful claim: commits or releases it exactly once. */
    public ReplaySettlement settlement(ReplayStore.Claim claim, Duration ttl) {
        return new ReplaySettlement(this, claim, ttl);
    }

    /** Frees a claim whose request ended before it was forwarded (the client left, the server is stopping). */
    public void release(ReplayStore.Claim claim) {
        if (claim == null || !claim.claimed()) return;
        track("release", () -> store.release(claim));
    }

    void commit(ReplayStore.Claim claim, Duration ttl) {
        track("commit", () -> store.commit(claim, ttl));
    }

    /**
     * Runs a commit or release and counts it. Nobody waits for it: the response does not depend on it, and a store
     * that failed to record it leaves the key to its TTL (a failed release delays the sender's retry; a failed commit
     * lets one duplicate through), which the warning says.
     */
    private void track(String op, Supplier<CompletionStage<Void>> call) {
        CompletionStage<Void> stage;
        try {
            stage = call.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((v, error) -> {
            metrics.replayOperation(op, error == null ? "ok" : "error");
            if (error != null) {
                LOG.warn("replay store: {} failed ({}); the key is left to its ttl", op, error.toString());
            }
        });
    }
}
