package dev.authgate.auth.basic;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.IllegalBCryptFormatException;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * bcrypt hashes for {@code basic.users}: parsing ({@code $2a$}, {@code $2b$}, {@code $2y$}), verification, and the
 * dummy hash that unknown users are verified against so that they cost the same time as a wrong password.
 * Slow by design: call {@link #verify} only on the hashing executor, never on an event loop.
 */
final class BcryptVerifier {
    /**
     * $2a$, $2b$ and $2y$ differ only in their label, so one verifier serves all three. Passwords over 72 bytes are
     * truncated as OpenBSD, htpasswd and PHP do (the library's default would throw, i.e. a 500 for a long guess).
     */
    private static final BCrypt.Verifyer VERIFYER =
            BCrypt.verifyer(BCrypt.Version.VERSION_2A, LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2A));
    private static final SecureRandom RANDOM = new SecureRandom();

    private BcryptVerifier() {
    }

    /**
     * Parses a configured hash.
     *
     * @throws IllegalArgumentException when it is not a bcrypt hash; the message never contains the hash
     */
    static BCrypt.HashData parse(String hash) {
        if (hash == null || !(hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$"))) {
            throw new IllegalArgumentException(
                    "not a bcrypt hash (expected: $2a$, $2b$ or $2y$, e.g. from 'authgate hash-password')");
        }
        try {
            return BCrypt.Version.VERSION_2A.parser.parse(hash.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalBCryptFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not a well-formed bcrypt hash (expected: 60 characters, "
                    + "$2y$<cost>$<53 characters>, e.g. from 'authgate hash-password')");
        }
    }

    /** True when {@code password} (raw bytes as sent) matches; takes 2^cost rounds whatever the outcome. */
    static boolean verify(byte[] password, BCrypt.HashData hash) {
        return VERIFYER.verify(password, hash.cost, hash.rawSalt, hash.rawHash).verified;
    }

    /**
     * A hash of the given cost that no password matches in practice (random salt and random digest), built without
     * hashing: verifying against it costs exactly what a real hash of that cost does.
     */
    static BCrypt.HashData dummy(int cost) {
        byte[] salt = new byte[16];
        byte[] digest = new byte[23];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(digest);
        return new BCrypt.HashData(cost, BCrypt.Version.VERSION_2A, salt, digest);
    }
}
