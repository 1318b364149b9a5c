package dev.authgate.tls;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The TRUSTED verdicts of one {@link ClientCertVerifier}, by the SHA-256 of the presented chain's DER, each with the
 * window in which every certificate of that chain is valid. A client that reconnects presents the same chain, and
 * PKIX path validation (the JDK validator and a signature check per link) runs on the event loop: with this it runs
 * once per chain, not once per connection (scripts/bench row mtls-conn).
 * <p>
 * Only trusted chains are kept, so a client cannot fill the cache with junk (a chain must be signed by our CA to get
 * in), and it is bounded in count. A hit outside the validity window is a miss, so a cached verdict never outlives a
 * certificate's {@code notAfter}; a CA or CRL change builds a new verifier (reload) and with it an empty cache.
 */
final class TrustedChains {
    private static final int MAX_CHAINS = 10_000;

    private record Entry(ClientCertificate verdict, Instant validFrom, Instant validUntil) {
    }

    private final Cache<ByteBuffer, Entry> cache = Caffeine.newBuilder().maximumSize(MAX_CHAINS).build();

    /** The key of a chain: SHA-256 over each certificate's length and DER; null when one cannot be encoded. */
    static ByteBuffer key(List<X509Certificate> chain) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (X509Certificate c : chain) {
                byte[] der = c.getEncoded();
                sha256.update(ByteBuffer.allocate(4).putInt(0, der.length).array());
                sha256.update(der);
            }
            return ByteBuffer.wrap(sha256.digest());
        } catch (CertificateEncodingException e) {
            return null; // judged every time
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The trusted verdict for this chain when it is known and {@code now} lies within its validity, else null. */
    ClientCertificate get(ByteBuffer key, Instant now) {
        Entry e = key == null ? null : cache.getIfPresent(key);
        if (e == null || now.isBefore(e.validFrom()) || now.isAfter(e.validUntil())) return null;
        return e.verdict();
    }

    void put(ByteBuffer key, ClientCertificate trusted) {
        if (key == null || trusted.verdict() != ClientCertificate.Verdict.TRUSTED) return;
        Instant from = Instant.MIN;
        Instant until = Instant.MAX;
        for (X509Certificate c : trusted.chain()) {
            Instant start = c.getNotBefore().toInstant();
            Instant end = c.getNotAfter().toInstant();
            if (start.isAfter(from)) from = start;
            if (end.isBefore(until)) until = end;
        }
        cache.put(key, new Entry(trusted, from, until));
    }
}
