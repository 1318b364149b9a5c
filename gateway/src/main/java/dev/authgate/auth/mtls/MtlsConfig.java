package dev.authgate.auth.mtls;

import dev.authgate.config.AuthConfig;

import javax.security.auth.x500.X500Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code mtls:}: a client certificate that verified against {@code listen.tls.client_ca}, admitted when it is in one
 * of the allow-lists (docs/configuration.md, "Client certificates").
 *
 * @param subjects     exact subject DNs ({@code CN=billing,O=Example}), compared as X.500 names (RFC 5280 rules)
 * @param sans         URI or DNS subject alternative names, exact (DNS names case-insensitively)
 * @param fingerprints certificate SHA-256s, normalised to {@code sha256:} + 64 lowercase hex digits
 * @param forward      {@code rfc9440} (default: {@code Client-Cert}/{@code Client-Cert-Chain}), {@code xfcc}
 *                     (Envoy's {@code X-Forwarded-Client-Cert}) or {@code none}
 */
public record MtlsConfig(List<String> subjects, List<String> sans, List<String> fingerprints, String forward)
        implements AuthConfig {
    public static final String NAME = "mtls";
    public static final String RFC9440 = "rfc9440";
    public static final String XFCC = "xfcc";
    public static final String NONE = "none";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public MtlsConfig {
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
        sans = sans == null ? List.of() : List.copyOf(sans);
        fingerprints = fingerprints == null ? List.of() : normalised(fingerprints);
        forward = forward == null ? RFC9440 : forward;
        if (!List.of(RFC9440, XFCC, NONE).contains(forward)) {
            throw new IllegalArgumentException("forward: '" + forward + "' (expected: rfc9440, xfcc or none)");
        }
        if (subjects.isEmpty() && sans.isEmpty() && fingerprints.isEmpty()) {
            throw new IllegalArgumentException("subjects: an mtls route needs at least one of subjects, sans or "
                    + "fingerprints (it admits only the certificates it lists)");
        }
        for (int i = 0; i < subjects.size(); i++) {
            // "" parses as the empty DN, which would admit a certificate with an empty subject (legal with SANs)
            if (subjects.get(i).isBlank()) throw new IllegalArgumentException("subjects[" + i + "]: empty");
            try {
                new X500Principal(subjects.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("subjects[" + i + "]: '" + subjects.get(i)
                        + "' is not a distinguished name (e.g. CN=billing,O=Example)", e);
            }
        }
        for (int i = 0; i < sans.size(); i++) {
            if (sans.get(i).isBlank()) throw new IllegalArgumentException("sans[" + i + "]: empty");
        }
    }

    private static List<String> normalised(List<String> fingerprints) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < fingerprints.size(); i++) {
            String f = fingerprints.get(i).trim().toLowerCase(Locale.ROOT);
            String hex = (f.startsWith("sha256:") ? f.substring(7) : f).replace(":", "");
            if (!SHA256.matcher(hex).matches()) {
                throw new IllegalArgumentException("fingerprints[" + i + "]: expected sha256: and 64 hex digits "
                        + "(openssl x509 -noout -fingerprint -sha256 -in client.crt)");
            }
            out.add("sha256:" + hex);
        }
        return List.copyOf(out);
    }

    @Override
    public String scheme() {
        return NAME;
    }

    @Override
    public boolean needsClientCertificate() {
        return true;
    }
}
