package dev.authgate.replay;

import java.time.Duration;

/**
 * The replay-settlement stage: commits a claimed key (the upstream answered below 500) or releases it, exactly once.
 * Settled at the upstream's response head, before the client can read the answer and retry on another connection,
 * or at the forward's outcome when no head came. Touched only on the client's event loop.
 */
public final class ReplaySettlement {
    private final ReplayGuard guard;
    private final ReplayStore.Claim claim;
    private final Duration ttl;
    private boolean settled;

    ReplaySettlement(ReplayGuard guard, ReplayStore.Claim claim, Duration ttl) {
        this.guard = guard;
        this.claim = claim;
        this.ttl = ttl;
    }

    /** @param upstreamStatus the upstream's final status, or 0 when it never answered */
    public void settle(int upstreamStatus) {
        if (settled) return;
        settled = true;
        if (upstreamStatus > 0 && upstreamStatus < 500) {
            guard.commit(claim, ttl);
        } else {
            guard.release(claim);
        }
    }

    /** Commits without an upstream: a {@code respond:} route answered the delivery itself. */
    public void commit() {
        if (settled) return;
        settled = true;
        guard.commit(claim, ttl);
    }
}
