package dev.authgate.auth.mtls;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.Authenticator;
import dev.authgate.http.Reason;
import dev.authgate.tls.ClientCertificate;

import javax.security.auth.x500.X500Principal;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code mtls:}: judges the connection's client certificate. The chain was verified once per connection
 * ({@code tls.ClientCertVerifier}: missing, untrusted, expired, revoked); this adds the route's allow-list and what goes
 * upstream. Immutable and thread-safe; never blocks.
 */
final class MtlsAuthenticator implements Authenticator {
    static final String CHALLENGE = "ClientCertificate realm=\"authgate\"";

    private final MtlsConfig config;
    private final Set<X500Principal> subjects = new HashSet<>();
    private final Set<String> sans = new HashSet<>();
    private final Set<String> dnsSans = new HashSet<>();
    private final Set<String> fingerprints;

    MtlsAuthenticator(MtlsConfig config) {
        this.config = config;
        for (String s : config.subjects()) subjects.add(new X500Principal(s));
        for (String s : config.sans()) {
            sans.add(s);
            dnsSans.add(s.toLowerCase(Locale.ROOT));
        }
        this.fingerprints = Set.copyOf(config.fingerprints());
    }

    @Override
    public String scheme() {
        return MtlsConfig.NAME;
    }

    @Override
    public String challenge() {
        return CHALLENGE;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        return CompletableFuture.completedFuture(judge(request.clientCertificate()));
    }

    AuthResult judge(ClientCertificate cert) {
        if (cert == null) {
            return new AuthResult.Rejected(Reason.CLIENT_CERTIFICATE_MISSING, "no client certificate was requested: "
                    + "the request did not come over a TLS listener with listen.tls.client_ca", false);
        }
        switch (cert.verdict()) {
            case MISSING:
                return new AuthResult.Rejected(Reason.CLIENT_CERTIFICATE_MISSING, cert.detail(), false);
            case UNTRUSTED:
                return new AuthResult.Rejected(Reason.CLIENT_CERTIFICATE_UNTRUSTED, cert.detail(), true);
            case EXPIRED:
                return new AuthResult.Rejected(Reason.CLIENT_CERTIFICATE_EXPIRED, cert.detail(), true);
            case REVOKED:
                return new AuthResult.Rejected(Reason.CLIENT_CERTIFICATE_REVOKED, cert.detail(), true);
            default:
                break;
        }
        X509Certificate leaf = cert.leaf();
        String fingerprint = "sha256:" + ClientCertificate.sha256Hex(leaf);
        String matched = matched(leaf, fingerprint);
        if (matched == null) {
            return new AuthResult.Rejected(Reason.CLIENT_CERTIFICATE_NOT_ALLOWED, "verified, but not in the route's "
                    + "allow-list: " + ClientCertificate.describe(leaf) + ", " + fingerprint, true);
        }
        return new AuthResult.Accepted(MtlsConfig.NAME, identity(leaf), "client certificate "
                + ClientCertificate.subject(leaf) + " matched " + matched, List.of(), null,
                upstreamHeaders(cert, fingerprint));
    }

    /** What in the allow-list admits the certificate, or null. */
    private String matched(X509Certificate leaf, String fingerprint) {
        if (subjects.contains(leaf.getSubjectX500Principal())) return "subjects";
        for (String uri : ClientCertificate.uriSans(leaf)) {
            if (sans.contains(uri)) return "sans (URI " + uri + ")";
        }
        for (String dns : ClientCertificate.dnsSans(leaf)) {
            if (dnsSans.contains(dns.toLowerCase(Locale.ROOT))) return "sans (DNS " + dns + ")";
        }
        return fingerprints.contains(fingerprint) ? "fingerprints" : null;
    }

    /** {@code X-Auth-Identity}: the first URI SAN, else the first DNS SAN, else the subject CN (else the subject). */
    static String identity(X509Certificate leaf) {
        List<String> uris = ClientCertificate.uriSans(leaf);
        if (!uris.isEmpty()) return uris.get(0);
        List<String> dns = ClientCertificate.dnsSans(leaf);
        if (!dns.isEmpty()) return dns.get(0);
        String cn = ClientCertificate.commonName(leaf);
        return cn != null ? cn : ClientCertificate.subject(leaf);
    }

    private Map<String, String> upstreamHeaders(ClientCertificate cert, String fingerprint) {
        Map<String, String> h = new LinkedHashMap<>();
        X509Certificate leaf = cert.leaf();
        if (MtlsConfig.RFC9440.equals(config.forward())) {
            h.put("Client-Cert", byteSequence(leaf));
            List<String> chain = new ArrayList<>();
            for (X509Certificate c : cert.chain().subList(1, cert.chain().size())) chain.add(byteSequence(c));
            if (!chain.isEmpty()) h.put("Client-Cert-Chain", String.join(", ", chain));
        } else if (MtlsConfig.XFCC.equals(config.forward())) {
            StringBuilder sb = new StringBuilder("Hash=").append(fingerprint.substring(7))
                    .append(";Subject=\"").append(ClientCertificate.subject(leaf).replace("\\", "\\\\")
                            .replace("\"", "\\\"")).append('"');
            for (String uri : ClientCertificate.uriSans(leaf)) sb.append(";URI=").append(uri);
            for (String dns : ClientCertificate.dnsSans(leaf)) sb.append(";DNS=").append(dns);
            h.put("X-Forwarded-Client-Cert", sb.toString());
        }
        return h;
    }

    /** An RFC 8941 byte sequence of the DER: {@code :<base64>:}. */
    private static String byteSequence(X509Certificate c) {
        return ":" + Base64.getEncoder().encodeToString(ClientCertificate.der(c)) + ":";
    }
}
