package dev.authgate.tls;

import java.time.Duration;
import java.time.Instant;

/**
 * The expiry warning for a served certificate ({@code listen.tls.expiry_warning}, default 14 days), logged at start
 * and at each reload so that a renewal that did not happen is noticed while there is still time.
 */
public final class CertificateExpiry {
    private CertificateExpiry() {
    }

    /**
     * @param tls       the served setup
     * @param threshold warn when the certificate expires within this; zero never warns
     * @param now       the current time
     * @return the warning (naming the certificate's subject, its notAfter and the time left, or how long ago it
     *         expired), or null when the certificate is valid beyond the threshold
     */
    public static String warning(ServerTls tls, Duration threshold, Instant now) {
        if (threshold.isZero()) return null;
        Instant notAfter = tls.notAfter();
        Duration left = Duration.between(now, notAfter);
        if (left.compareTo(threshold) > 0) return null;
        String subject = tls.leaf().getSubjectX500Principal().getName();
        if (left.isNegative() || left.isZero()) {
            return "the served certificate (" + subject + ") EXPIRED at " + notAfter + ", " + human(left.negated())
                    + " ago: clients refuse it; renew it and the gateway reloads it";
        }
        return "the served certificate (" + subject + ") expires at " + notAfter + ", in " + human(left)
                + " (listen.tls.expiry_warning: within " + human(threshold) + "); renew it, the gateway reloads it";
    }

    /**
     * The same warning for {@code client_ca} (its soonest {@code notAfter}: client certificates stop verifying) and
     * {@code client_crl} (its soonest {@code nextUpdate}: publish a fresh CRL), one line each; empty when neither is
     * within the threshold or the listener has no client CA.
     */
    public static java.util.List<String> clientWarnings(ServerTls tls, Duration threshold, Instant now) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (threshold.isZero() || tls.clients() == null) return out;
        Instant ca = tls.clients().caNotAfter();
        Duration caLeft = Duration.between(now, ca);
        if (caLeft.compareTo(threshold) <= 0) {
            out.add("client_ca: a client CA " + (caLeft.isNegative() ? "EXPIRED at " + ca + ", " + human(caLeft.negated())
                    + " ago" : "expires at " + ca + ", in " + human(caLeft)) + ": its client certificates stop "
                    + "verifying (client_certificate_untrusted); renew the CA and the client certificates it issued");
        }
        Instant next = tls.clients().crlNextUpdate();
        if (next != null && Duration.between(now, next).compareTo(threshold) <= 0) {
            Duration left = Duration.between(now, next);
            out.add("client_crl: the CRL's nextUpdate " + (left.isNegative() ? "passed at " + next + ", "
                    + human(left.negated()) + " ago" : "is at " + next + ", in " + human(left)) + "; publish a fresh "
                    + "CRL (revocations issued since are not known to the gateway)");
        }
        return out;
    }

    /** {@code 3d 4h}, {@code 5h 12m}, {@code 42m}, {@code 12s}. */
    static String human(Duration d) {
        long s = d.toSeconds();
        long days = s / 86_400;
        long hours = s % 86_400 / 3600;
        long minutes = s % 3600 / 60;
        if (days > 0) return days + "d" + (hours > 0 ? " " + hours + "h" : "");
        if (hours > 0) return hours + "h" + (minutes > 0 ? " " + minutes + "m" : "");
        if (minutes > 0) return minutes + "m";
        return s + "s";
    }
}
