package dev.authgate.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Judges a presented client-certificate chain against {@code listen.tls.client_ca} and {@code client_crl}
 * (docs/configuration.md, "Client certificates"). The TLS layer accepts every chain (so the handshake completes and
 * the route can answer with a reason, instead of a TLS alert that tells the sender nothing); this class gives the
 * verdict afterwards: PKIX path validation against the CA bundle (signatures, name chaining, CA constraints,
 * validity at the current time), extended key usage {@code clientAuth} when the leaf restricts its usage, then every
 * certificate of the path against the CRLs. Trusted verdicts are remembered per chain within its validity
 * ({@link TrustedChains}). Built with the TLS context and swapped with it on reload; thread-safe.
 */
public final class ClientCertVerifier {
    static final String CLIENT_CA = "client_ca";
    static final String CLIENT_CRL = "client_crl";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";

    private final List<X509Certificate> cas;
    private final Set<TrustAnchor> anchors = new HashSet<>();
    private final List<X509CRL> crls;
    private final Clock clock;
    private final TrustedChains trusted = new TrustedChains();

    ClientCertVerifier(List<X509Certificate> cas, List<X509CRL> crls, Clock clock) {
        this.cas = List.copyOf(cas);
        this.crls = List.copyOf(crls);
        this.clock = clock;
        for (X509Certificate ca : this.cas) anchors.add(new TrustAnchor(ca, null));
    }

    /**
     * Reads the CA bundle and the CRL file (PEM or DER), checking that each CRL is signed by a CA of the bundle.
     *
     * @throws IllegalArgumentException {@code "client_ca: FILE: problem"} or {@code "client_crl: FILE: problem"}
     */
    public static ClientCertVerifier load(Path caFile, Path crlFile, Clock clock) {
        List<X509Certificate> cas = PemFiles.readCertificates(CLIENT_CA, caFile);
        List<X509CRL> crls = new ArrayList<>();
        if (crlFile != null) {
            try (InputStream in = Files.newInputStream(crlFile)) {
                for (CRL crl : CertificateFactory.getInstance("X.509").generateCRLs(in)) crls.add((X509CRL) crl);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw PemFiles.problem(CLIENT_CRL, crlFile, "not a readable CRL (PEM or DER): "
                        + e.getClass().getSimpleName());
            }
            if (crls.isEmpty()) throw PemFiles.problem(CLIENT_CRL, crlFile, "no CRL found");
            for (X509CRL crl : crls) checkSigned(crl, cas, crlFile);
        }
        return new ClientCertVerifier(cas, crls, clock);
    }

    private static void checkSigned(X509CRL crl, List<X509Certificate> cas, Path file) {
        for (X509Certificate ca : cas) {
            if (!ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) continue;
            try {
                crl.verify(ca.getPublicKey());
                return;
            } catch (GeneralSecurityException e) {
                // try the next CA with that name (a renewed CA keeps its name)
            }
        }
        throw PemFiles.problem(CLIENT_CRL, file, "the CRL of \"" + crl.getIssuerX500Principal().getName()
                + "\" is not signed by a CA in client_ca");
    }

    /** The CAs, for the handshake's list of acceptable issuers (clients pick their certificate by it). */
    public List<X509Certificate> cas() {
        return cas;
    }

    /** The soonest {@code notAfter} of the client CAs. */
    public Instant caNotAfter() {
        Instant soonest = null;
        for (X509Certificate ca : cas) {
            Instant end = ca.getNotAfter().toInstant();
            if (soonest == null || end.isBefore(soonest)) soonest = end;
        }
        return soonest;
    }

    /** The soonest {@code nextUpdate} of the CRLs, or null (no CRL, or none says). */
    public Instant crlNextUpdate() {
        Instant soonest = null;
        for (X509CRL crl : crls) {
            if (crl.getNextUpdate() == null) continue;
            Instant next = crl.getNextUpdate().toInstant();
            if (soonest == null || next.isBefore(soonest)) soonest = next;
        }
        return soonest;
    }

    /** The verdict on a presented chain (leaf first; null or empty: none was sent). */
    public ClientCertificate verify(Certificate[] presented) {
        if (presented == null || presented.length == 0) return ClientCertificate.NONE;
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : presented) {
            if (!(c instanceof X509Certificate x)) {
                return new ClientCertificate(ClientCertificate.Verdict.UNTRUSTED, List.of(),
                        "the client presented a " + c.getType() + " certificate, not X.509");
            }
            chain.add(x);
        }
        X509Certificate leaf = chain.get(0);
        Instant now = clock.instant();
        ByteBuffer key = TrustedChains.key(chain);
        ClientCertificate known = trusted.get(key, now);
        if (known != null) return known;
        String problem = pathProblem(chain, now);
        if (problem != null) {
            boolean expired = problem.startsWith("expired") || problem.startsWith("not valid");
            return new ClientCertificate(expired ? ClientCertificate.Verdict.EXPIRED
                    : ClientCertificate.Verdict.UNTRUSTED, chain, problem + " (" + ClientCertificate.describe(leaf) + ")");
        }
        List<String> usage = extendedKeyUsage(leaf);
        if (usage != null && !usage.contains(CLIENT_AUTH) && !usage.contains(ANY_USAGE)) {
            return new ClientCertificate(ClientCertificate.Verdict.UNTRUSTED, chain, "not a client certificate: its "
                    + "extended key usage " + usage + " lacks clientAuth (" + ClientCertificate.describe(leaf) + ")");
        }
        for (X509Certificate c : chain) {
            for (X509CRL crl : crls) {
                if (!crl.getIssuerX500Principal().equals(c.getIssuerX500Principal())) continue;
                X509CRLEntry entry = crl.getRevokedCertificate(c);
                if (entry != null) {
                    String which = c.equals(leaf) ? "" : "its intermediate " + ClientCertificate.subject(c) + " ";
                    return new ClientCertificate(ClientCertificate.Verdict.REVOKED, chain, which + "revoked at "
                            + entry.getRevocationDate().toInstant() + " in client_crl ("
                            + ClientCertificate.describe(leaf) + ")");
                }
            }
        }
        ClientCertificate ok = new ClientCertificate(ClientCertificate.Verdict.TRUSTED, chain, null);
        trusted.put(key, ok);
        return ok;
    }

    /** Null when the path validates now; else what is wrong, starting with "expired"/"not valid" for time. */
    private String pathProblem(List<X509Certificate> chain, Instant now) {
        // Validity first and per certificate, so that the detail can say which end and by how much.
        List<X509Certificate> path = new ArrayList<>(chain);
        // A client may send its root too; PKIX wants the path without the anchor.
        while (path.size() > 1 && cas.contains(path.get(path.size() - 1))) path.remove(path.size() - 1);
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
            return null;
        } catch (CertPathValidatorException e) {
            X509Certificate at = e.getIndex() >= 0 && e.getIndex() < path.size() ? path.get(e.getIndex()) : null;
            String which = at == null || at.equals(chain.get(0)) ? "" : " (intermediate " + ClientCertificate.subject(at) + ")";
            if (at != null && e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                Instant end = at.getNotAfter().toInstant();
                return "expired " + CertificateExpiry.human(Duration.between(end, now)) + " ago at " + end + which;
            }
            if (at != null && e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                Instant start = at.getNotBefore().toInstant();
                return "not valid until " + start + " (in " + CertificateExpiry.human(Duration.between(now, start))
                        + "; clock skew?)" + which;
            }
            if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
                return "issued by \"" + path.get(path.size() - 1).getIssuerX500Principal().getName()
                        + "\", which does not chain to a CA in client_ca (missing intermediate?)";
            }
            return "the chain does not verify against client_ca: " + e.getMessage() + which;
        } catch (GeneralSecurityException e) {
            return "the chain could not be checked: " + e.getClass().getSimpleName();
        }
    }

    private static List<String> extendedKeyUsage(X509Certificate leaf) {
        try {
            return leaf.getExtendedKeyUsage();
        } catch (java.security.cert.CertificateParsingException e) {
            return List.of("unparseable");
        }
    }
}
