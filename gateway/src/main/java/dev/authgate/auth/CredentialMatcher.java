package dev.authgate.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Finds which configured credential (token or API key) a presented value is, in constant time.
 *
 * <p>Both sides are reduced to SHA-256 digests so every comparison is between 32-byte arrays
 * ({@link MessageDigest#isEqual} is constant-time only for equal lengths), and every configured credential is
 * compared, with no early exit, so the time taken says neither which credential matched nor how many bytes of a
 * guess were right.
 */
public final class CredentialMatcher {
    private final List<Credential> credentials;
    private final byte[][] digests;

    public CredentialMatcher(List<Credential> credentials) {
        this.credentials = List.copyOf(credentials);
        this.digests = new byte[this.credentials.size()][];
        for (int i = 0; i < digests.length; i++) {
            digests[i] = sha256(this.credentials.get(i).value().utf8());
        }
    }

    /** The matching credential, or null when {@code presented} is none of them. */
    public Credential match(String presented) {
        byte[] digest = sha256(presented.getBytes(StandardCharsets.UTF_8));
        int found = -1;
        for (int i = 0; i < digests.length; i++) {
            // Non-short-circuit: every digest is compared whatever the outcome of the previous ones.
            boolean equal = MessageDigest.isEqual(digest, digests[i]);
            @SuppressWarnings("ShortCircuitBoolean") // '&' on purpose: no branch on whether this digest matched
            boolean first = equal & found < 0;
            found = first ? i : found;
        }
        return found < 0 ? null : credentials.get(found);
    }

    /** How many credentials are configured (for details such as "not one of the 2 configured tokens"). */
    public int size() {
        return digests.length;
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "CredentialMatcher[" + digests.length + " credentials]";
    }
}
