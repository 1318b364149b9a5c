package dev.authgate.state;

import dev.authgate.limits.SharedFailureCounter;
import io.lettuce.core.ScriptOutputType;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** {@link SharedFailureCounter} in Redis: one {@link LuaScript#FAILURE} call (INCR with its TTL) per failure. */
public final class RedisFailureCounter implements SharedFailureCounter {
    private final RedisStateStore store;
    private final RedisKeys keys;

    public RedisFailureCounter(RedisStateStore store) {
        this.store = store;
        this.keys = new RedisKeys(store.keyPrefix());
    }

    @Override
    public CompletionStage<Count> increment(String ip, Duration window) {
        return store.<List<Object>>script("throttle", LuaScript.FAILURE, ScriptOutputType.MULTI, keys.failures(ip),
                        Long.toString(Math.max(1, window.toMillis())))
                .thenApply(r -> new Count(((Number) r.get(0)).longValue(), ((Number) r.get(1)).longValue()));
    }
}
