package dev.authgate.state;

import dev.authgate.replay.ReplayStore;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.netty.channel.EventLoopGroup;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * A {@link ReplayStore} in Redis, shared by every instance on it (§10). One key per delivery
 * ({@link RedisKeys#replay}), holding {@code f:<owner token>} while in flight and {@code c} once committed; every write
 * sets its TTL in the same command, so an instance that dies mid-request leaves nothing permanent.
 *
 * <ul>
 *   <li>claim: one {@code SET key f:<token> NX GET PX <in-flight ttl>}: nil means CLAIMED, {@code c} DUPLICATE,
 *       anything else IN_FLIGHT;</li>
 *   <li>commit and release: Lua compare-and-set on the owner token ({@link LuaScript#COMMIT},
 *       {@link LuaScript#RELEASE}), so a late settlement from an expired claim never touches another instance's
 *       claim.</li>
 * </ul>
 * So a delivery costs two round trips, claim and settle. {@link #entries()} is empty: counting keys is not cheap.
 */
public final class RedisReplayStore implements ReplayStore {
    private static final String IN_FLIGHT = "f:";
    private static final String COMMITTED = "c";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisStateStore store;
    private final RedisKeys keys;

    public RedisReplayStore(RedisStateStore store) {
        this.store = store;
        this.keys = new RedisKeys(store.keyPrefix());
    }

    @Override
    public CompletionStage<Claim> claim(String key, Duration inFlightTtl) {
        String token = newOwner();
        String k = keys.replay(key);
        long ttl = Math.max(1, inFlightTtl.toMillis());
        return store.<String>call("claim", k, c -> c.setGet(k, IN_FLIGHT + token, SetArgs.Builder.nx().px(ttl)))
                .thenApply(previous -> {
                    if (previous == null) return new Claim(key, Outcome.CLAIMED, token);
                    return new Claim(key, COMMITTED.equals(previous) ? Outcome.DUPLICATE : Outcome.IN_FLIGHT, null);
                });
    }

    @Override
    public CompletionStage<Void> commit(Claim claim, Duration ttl) {
        if (!claim.claimed()) return done();
        return store.<Long>script("commit", LuaScript.COMMIT, ScriptOutputType.INTEGER, keys.replay(claim.key()),
                IN_FLIGHT + claim.owner(), Long.toString(Math.max(1, ttl.toMillis()))).thenApply(n -> null);
    }

    @Override
    public CompletionStage<Void> release(Claim claim) {
        if (!claim.claimed()) return done();
        return store.<Long>script("release", LuaScript.RELEASE, ScriptOutputType.INTEGER, keys.replay(claim.key()),
                IN_FLIGHT + claim.owner()).thenApply(n -> null);
    }

    /** The store's connection is shared with the failure counter: both use the loops' connections. */
    @Override
    public AutoCloseable bindTo(EventLoopGroup loops) {
        return store.bindTo(loops);
    }

    @Override
    public OptionalLong entries() {
        return OptionalLong.empty();
    }

    /** The connection is the {@link SharedState}'s, closed by it. */
    @Override
    public void close() {
    }

    private static CompletionStage<Void> done() {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** 128 random bits: another instance cannot guess a token to settle a claim it does not own. */
    private static String newOwner() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
