package dev.authgate.replay;

import io.netty.channel.EventLoopGroup;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * Remembers accepted deliveries so that a replayed one is refused ({@code replay:} in docs/configuration.md).
 *
 * <p>Lifecycle of a key: {@link #claim} after the signature verifies (marks it in flight for this request, under a
 * fresh owner token), then {@link #commit} when the upstream answered below 500, or {@link #release} when it failed or
 * timed out, so that the sender's retry of a failed delivery passes. Commit and release take the {@link Claim} handle:
 * a store frees or commits only the claim that handle owns, so a late release after the claim expired and another
 * request claimed the key does not free the newer claim. Every operation is asynchronous so that a remote store
 * (Redis, shared by several instances) fits the same contract; stages may complete on any thread.
 *
 * <p>Keys are opaque strings chosen by the authenticator and namespaced by route (never logged when they are
 * signatures). A store is closed once, when the process stops.
 */
public interface ReplayStore extends AutoCloseable {

    /** What a claim found. */
    enum Outcome {
        /** The key was free and is now in flight for this request. */
        CLAIMED,
        /** The key was committed by an earlier delivery. */
        DUPLICATE,
        /** Another request holds the key and has not finished yet. */
        IN_FLIGHT
    }

    /**
     * The handle of a claim: its key, what the claim found, and (when {@link Outcome#CLAIMED}) the owner token that
     * commit and release present.
     *
     * @param owner an opaque token unique to this claim, or null when the claim did not succeed
     */
    record Claim(String key, Outcome outcome, String owner) {
        public boolean claimed() {
            return outcome == Outcome.CLAIMED;
        }
    }

    /**
     * Atomically claims {@code key} if it is neither committed nor in flight.
     *
     * @param inFlightTtl how long an uncommitted claim may live (guards against a request that never finishes)
     */
    CompletionStage<Claim> claim(String key, Duration inFlightTtl);

    /** Marks the claimed key as accepted, remembered for {@code ttl}. A claim that did not succeed is ignored. */
    CompletionStage<Void> commit(Claim claim, Duration ttl);

    /**
     * Frees the claimed key (the delivery failed upstream and may be retried), if this claim still owns it. A
     * committed key stays; a claim that did not succeed is ignored.
     */
    CompletionStage<Void> release(Claim claim);

    /**
     * Entries held (committed and in flight) when the store can count them cheaply, for the
     * {@code authgate_replay_store_entries} gauge; empty for a store that cannot (the claim, commit and release
     * counters cover it).
     */
    OptionalLong entries();

    /**
     * The gateway's event loops, once they run: a remote store may keep a connection on each, so that a call made on a
     * loop is written and answered there without a thread hand-off. The handle undoes it and is closed before the
     * loops shut down (after the drain), letting operations already sent complete. The in-memory store ignores it.
     */
    default AutoCloseable bindTo(EventLoopGroup loops) {
        return () -> { };
    }

    /** Frees the store's resources (connections, threads); the in-memory store has none to free. */
    @Override
    void close();
}
