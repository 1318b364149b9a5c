package dev.authgate.tls;

import javax.security.auth.x500.X500Principal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The client certificate of one connection and the verdict on its chain ({@link ClientCertVerifier}): whether it
 * verified against {@code listen.tls.client_ca}, and if not, why. Judged once per connection after the handshake (which
 * completes whatever the client sent); each {@code mtls} route then decides with it. Immutable.
 *
 * @param verdict the chain's verdict
 * @param chain   the chain as presented, leaf first (empty when none was sent)
 * @param detail  a human sentence for a refusal (names the certificate, never its key or its encoding); null when
 *                trusted
 */
public record ClientCertificate(Verdict verdict, List<X509Certificate> chain, String detail) {

    /** What the chain verification found. */
    public enum Verdict { TRUSTED, MISSING, UNTRUSTED, EXPIRED, REVOKED }

    /** The verdict of a connection that presented no certificate. */
    public static final ClientCertificate NONE = new ClientCertificate(Verdict.MISSING, List.of(),
            "no client certificate was presented in the TLS handshake");

    public ClientCertificate {
        Objects.requireNonNull(verdict, "verdict");
        chain = List.copyOf(chain);
    }

    /** The leaf (the client's own certificate), or null when none was sent. */
    public X509Certificate leaf() {
        return chain.isEmpty() ? null : chain.get(0);
    }

    /** The subject DN in RFC 2253 form, e.g. {@code CN=billing,O=Example}. */
    public static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    /** The subject's first CN, or null. */
    public static String commonName(X509Certificate c) {
        for (String rdn : subject(c).split("(?<!\\\\),")) {
            if (rdn.regionMatches(true, 0, "CN=", 0, 3)) return rdn.substring(3).replace("\\,", ",");
        }
        return null;
    }

    /** URI SANs in certificate order. */
    public static List<String> uriSans(X509Certificate c) {
        return sans(c, 6);
    }

    /** DNS SANs in certificate order. */
    public static List<String> dnsSans(X509Certificate c) {
        return sans(c, 2);
    }

    private static List<String> sans(X509Certificate c, int type) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> all = c.getSubjectAlternativeNames();
            if (all == null) return out;
            for (List<?> san : all) {
                if (san.size() >= 2 && Integer.valueOf(type).equals(san.get(0)) && san.get(1) instanceof String s) {
                    out.add(s);
                }
            }
        } catch (CertificateParsingException e) {
            return out; // an unparseable SAN extension names nothing; the allow-list then matches by subject or hash
        }
        return out;
    }

    /** The DER encoding (RFC 9440 {@code Client-Cert}); the certificate is public, never key material. */
    public static byte[] der(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate has no DER encoding", e);
        }
    }

    /** SHA-256 of the DER encoding, lowercase hex (64 digits). */
    public static String sha256Hex(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der(c)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }

    /**
     * The certificate for a log detail: subject, SANs, issuer, serial and validity, e.g.
     * {@code subject "CN=billing,O=Example", SANs [URI:spiffe://example.org/billing], issuer "CN=clients CA",
     * serial 1f, valid 2026-01-01T00:00:00Z..2027-01-01T00:00:00Z}.
     */
    public static String describe(X509Certificate c) {
        List<String> sans = new ArrayList<>();
        uriSans(c).forEach(s -> sans.add("URI:" + s));
        dnsSans(c).forEach(s -> sans.add("DNS:" + s));
        return "subject \"" + subject(c) + "\", SANs " + sans + ", issuer \""
                + c.getIssuerX500Principal().getName(X500Principal.RFC2253) + "\", serial "
                + c.getSerialNumber().toString(16) + ", valid " + c.getNotBefore().toInstant() + ".."
                + c.getNotAfter().toInstant();
    }
}
