package dev.authgate.replay;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Remembers accepted deliveries so that a replayed one is refused (PRODUCT.md §2, {@code replay:}).
 *
 * <p>Lifecycle of a key: {@link #claim} after the signature verifies (marks it in flight), then {@link #commit} when
 * the upstream answered below 500, or {@link #release} when it failed or timed out, so that the sender's retry of a
 * failed delivery passes. Implementations: in memory (default) and, later, Redis shared by several instances; hence
 * the asynchronous claim. Keys are opaque strings chosen by the authenticator (never logged when they are signatures).
 */
public interface ReplayStore {

    /** The result of a claim. */
    enum Claim {
        /** The key was free and is now in flight for this request. */
        CLAIMED,
        /** The key was committed by an earlier delivery. */
        DUPLICATE,
        /** Another request holds the key and has not finished yet. */
        IN_FLIGHT
    }

    /**
     * Atomically claims {@code key} if it is neither committed nor in flight.
     *
     * @param inFlightTtl how long an uncommitted claim may live (guards against a request that never finishes)
     */
    CompletionStage<Claim> claim(String key, Duration inFlightTtl);

    /** Marks a claimed key as accepted, remembered for {@code ttl}. */
    void commit(String key, Duration ttl);

    /** Frees a claimed key (the delivery failed upstream and may be retried). */
    void release(String key);

    /** Entries currently held (committed and in flight), for the {@code authgate_replay_store_entries} gauge. */
    long size();
}
