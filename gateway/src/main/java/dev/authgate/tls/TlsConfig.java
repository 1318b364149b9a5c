package dev.authgate.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code listen.tls:}.
 *
 * @param cert      PEM certificate chain (leaf first)
 * @param key       PEM private key: PKCS#8, PKCS#1 or SEC1
 * @param protocols     enabled protocols, subset of {@code TLSv1.3, TLSv1.2}; default both
 * @param expiryWarning a served certificate that expires within this logs a warning at start and at each reload
 *                      (default 14 days; null gives the default)
 * @param clientCa      PEM bundle of the CAs client certificates are verified against; when set, every handshake
 *                      requests a client certificate (never requires one); null: none is requested
 * @param clientCrl     PEM or DER CRL(s) of those CAs, or null; only with {@code clientCa}
 */
public record TlsConfig(Path cert, Path key, List<String> protocols, Duration expiryWarning, Path clientCa,
                        Path clientCrl) {
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** The default {@code expiry_warning}: 14 days. */
    public static final Duration DEFAULT_EXPIRY_WARNING = Duration.ofDays(14);

    /** {@code listen.tls} with the default {@code expiry_warning}. */
    public TlsConfig(Path cert, Path key, List<String> protocols) {
        this(cert, key, protocols, null);
    }

    /** {@code listen.tls} without client certificates. */
    public TlsConfig(Path cert, Path key, List<String> protocols, Duration expiryWarning) {
        this(cert, key, protocols, expiryWarning, null, null);
    }

    public TlsConfig {
        expiryWarning = expiryWarning == null ? DEFAULT_EXPIRY_WARNING : expiryWarning;
        if (expiryWarning.isNegative()) {
            throw new IllegalArgumentException("expiry_warning: " + expiryWarning + " (expected: >= 0)");
        }
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        if (clientCrl != null && clientCa == null) {
            throw new IllegalArgumentException("client_crl: needs client_ca (the CAs whose revocations it lists)");
        }
        protocols = protocols == null || protocols.isEmpty() ? DEFAULT_PROTOCOLS : List.copyOf(protocols);
        for (String p : protocols) {
            if (!DEFAULT_PROTOCOLS.contains(p)) {
                throw new IllegalArgumentException("protocols: " + p + " is not allowed (expected: TLSv1.3 or TLSv1.2)");
            }
        }
    }
}
