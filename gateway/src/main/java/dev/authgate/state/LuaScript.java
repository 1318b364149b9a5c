package dev.authgate.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script for {@code EVALSHA} with its SHA-1 computed here (as Redis computes it), so the first call needs no
 * {@code SCRIPT LOAD}; {@link RedisStateStore#script} falls back to {@code EVAL} on {@code NOSCRIPT} (a restarted or
 * flushed Redis), which caches it again.
 */
record LuaScript(String source, String sha1) {

    static LuaScript of(String source) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new LuaScript(source, HexFormat.of().formatHex(d));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }

    /**
     * Commit: the key becomes committed ({@code c}) for ARGV[2] ms if this claim (ARGV[1], {@code f:<token>}) still
     * holds it or nobody does (it expired: the upstream accepted, which is the fact to remember). Another instance's
     * newer claim is not overwritten (fencing). Returns 1 when written, 0 when already committed, -1 when fenced.
     */
    static final LuaScript COMMIT = of("""
            local v = redis.call('GET', KEYS[1])
            if v == ARGV[1] or not v then
              redis.call('SET', KEYS[1], 'c', 'PX', ARGV[2])
              return 1
            end
            if v == 'c' then return 0 end
            return -1
            """);

    /** Release: deletes the key only while this claim (ARGV[1]) holds it. Returns 1 when deleted, else 0. */
    static final LuaScript RELEASE = of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    /**
     * One failed authentication: INCR, and the window (ARGV[1] ms) set on the first failure, or on any key found
     * without a TTL, so no counter ever lives forever. Returns {count, remaining ms}.
     */
    static final LuaScript FAILURE = of("""
            local n = redis.call('INCR', KEYS[1])
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              ttl = tonumber(ARGV[1])
            end
            return {n, ttl}
            """);
}
