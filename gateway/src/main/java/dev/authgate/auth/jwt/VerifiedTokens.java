package dev.authgate.auth.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Tokens whose signature has verified, by the SHA-256 of the compact token, each with its parsed form (header and
 * claims; the signature is not needed again) and the key that verified it. A client sends the same access token on every request until it expires, and the signature
 * check is nearly the whole cost of a JWT decision (an ES256 verify on JDK 17 is tens of microseconds: scripts/bench
 * rows jwt-get and jwt-post against apikey). Only the signature is remembered: the claims ({@code exp}, {@code nbf},
 * {@code aud}, scopes) are judged on every request at that request's time.
 * <p>
 * A remembered verdict counts only while its key is still one the issuer's key set offers for the token (a JWKS
 * rotation or refetch builds new keys, a reload a new verifier), and an entry lives no longer than the token's
 * {@code exp} (at most an hour); bounded in count.
 */
final class VerifiedTokens {
    private static final int MAX_TOKENS = 10_000;
    private static final Duration MAX_LIFETIME = Duration.ofHours(1);

    /** A remembered token: its parsed form and the key that verified it. */
    record Entry(JwtToken token, JwtKey key, long lifetimeNanos) {
    }

    private final Cache<ByteBuffer, Entry> cache = Caffeine.newBuilder()
            .maximumSize(MAX_TOKENS)
            // maintenance on the calling event loop: the default (the common pool) wakes a thread per few reads,
            // which on the bench's two cores cost more than the lookup itself
            .executor(Runnable::run)
            .expireAfter(new Expiry<ByteBuffer, Entry>() {
                @Override
                public long expireAfterCreate(ByteBuffer key, Entry value, long currentTime) {
                    return value.lifetimeNanos();
                }

                @Override
                public long expireAfterUpdate(ByteBuffer key, Entry value, long currentTime, long currentDuration) {
                    return value.lifetimeNanos();
                }

                @Override
                public long expireAfterRead(ByteBuffer key, Entry value, long currentTime, long currentDuration) {
                    return currentDuration;
                }
            })
            .build();
    private final LongAdder hits = new LongAdder();

    // one per event loop: the provider lookup of MessageDigest.getInstance cost as much as the hash in the profile
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });

    static ByteBuffer digest(String token) {
        return ByteBuffer.wrap(SHA256.get().digest(token.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The remembered token with this digest (its parsed form saves the parsing), or null. One lookup a request. */
    Entry lookup(ByteBuffer digest) {
        return cache.getIfPresent(digest);
    }

    /** The key that verified {@code remembered}, when it is still among {@code candidates}; else null. */
    JwtKey verifiedBy(Entry remembered, List<JwtKey> candidates) {
        if (remembered == null || !candidates.contains(remembered.key())) return null;
        hits.increment();
        return remembered.key();
    }

    /** Remembers that {@code key} verified the token, until its {@code exp} (not at all without one). */
    void remember(ByteBuffer digest, JwtToken token, JwtKey key, Date exp, Instant now) {
        if (exp == null) return;
        Duration left = Duration.between(now, exp.toInstant());
        if (left.isNegative() || left.isZero()) return;
        cache.put(digest, new Entry(token, key, (left.compareTo(MAX_LIFETIME) > 0 ? MAX_LIFETIME : left).toNanos()));
    }

    /** Verdicts served from memory so far (tests). */
    long hits() {
        return hits.sum();
    }
}
