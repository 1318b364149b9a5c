package dev.authgate.replay;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** The default {@link ReplayStore}: in this process only, bounded in size. */
public final class InMemoryReplayStore implements ReplayStore {

    public InMemoryReplayStore(long maxEntries) {
    }

    @Override
    public CompletionStage<Claim> claim(String key, Duration inFlightTtl) {
        throw new UnsupportedOperationException("replay store not built yet");
    }

    @Override
    public void commit(String key, Duration ttl) {
        throw new UnsupportedOperationException("replay store not built yet");
    }

    @Override
    public void release(String key) {
        throw new UnsupportedOperationException("replay store not built yet");
    }

    @Override
    public long size() {
        return 0;
    }
}
