package dev.authgate.auth.jwt;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/** Where an issuer's keys come from: static (PEM keys, a secret) or a JWKS URL ({@link JwksKeys}). */
interface KeySource {
    /** The usable keys now, or null when none were ever loaded or the last good ones are too old. */
    KeySet keys(Instant now);

    /**
     * Called for a {@code kid} the current keys do not have: refetches at most once per 30 s per URL and completes
     * with the keys after it, or at once with the current keys when a refetch is not allowed now (or for static keys).
     */
    CompletionStage<KeySet> refetchForUnknownKid(Instant now);

    /** When the keys were last fetched for an unknown {@code kid}, or null. */
    Instant lastRefetch();

    /** Whether the keys were loaded at least once (static keys always). */
    boolean loadedOnce();

    /** Seconds for {@code Retry-After} of a {@code keys_unavailable}. */
    long retryAfterSeconds(Instant now);

    /** Why there are no keys, for the detail of {@code keys_unavailable}. */
    String unavailableDetail(Instant now);
}
