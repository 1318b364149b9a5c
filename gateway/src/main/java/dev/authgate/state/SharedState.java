package dev.authgate.state;

import dev.authgate.config.StateConfig;
import dev.authgate.limits.SharedFailureCounter;
import dev.authgate.observe.Metrics;
import dev.authgate.observe.StateStoreMetrics;
import dev.authgate.replay.InMemoryReplayStore;
import dev.authgate.replay.ReplayStore;

/**
 * What {@code state:} builds once per process (§10): the replay store and, for {@code store: redis}, the shared
 * failed-auth counter, both over one {@link RedisStateStore}. Not rebuilt on reload: a change to {@code state:} takes
 * a restart. Closed after the drain, when requests in flight have settled their claims.
 */
public final class SharedState implements AutoCloseable {
    private final ReplayStore replay;
    private final SharedFailureCounter failures;
    private final RedisStateStore redis;

    private SharedState(ReplayStore replay, SharedFailureCounter failures, RedisStateStore redis) {
        this.replay = replay;
        this.failures = failures;
        this.redis = redis;
    }

    /**
     * @param memoryEntries the in-memory replay store's bound, for {@code store: memory}
     */
    public static SharedState open(StateConfig config, Metrics metrics, long memoryEntries) {
        if (!config.shared()) return new SharedState(new InMemoryReplayStore(memoryEntries), null, null);
        RedisStateStore redis = RedisStateStore.start(config.redis(), StateStoreMetrics.of(metrics));
        return new SharedState(new RedisReplayStore(redis), new RedisFailureCounter(redis), redis);
    }

    public ReplayStore replayStore() {
        return replay;
    }

    /** The shared failed-auth counter, or null for {@code store: memory}. */
    public SharedFailureCounter failureCounter() {
        return failures;
    }

    /** One line for the banner and {@code /readyz}: {@code memory} or {@code redis redis://host:6379 (up)}. */
    public String describe() {
        return redis == null ? "memory (this instance only)" : "redis " + redis.describe() + " (" + redis.state() + ")";
    }

    @Override
    public void close() {
        replay.close();
        if (redis != null) redis.close();
    }
}
