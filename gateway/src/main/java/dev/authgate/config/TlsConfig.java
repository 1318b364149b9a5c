package dev.authgate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@code listen.tls:}.
 *
 * @param cert      PEM certificate chain (leaf first)
 * @param key       PEM private key: PKCS#8, PKCS#1 or SEC1
 * @param protocols enabled protocols, subset of {@code TLSv1.3, TLSv1.2}; default both
 */
public record TlsConfig(Path cert, Path key, List<String> protocols) {
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public TlsConfig {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        protocols = protocols == null || protocols.isEmpty() ? DEFAULT_PROTOCOLS : List.copyOf(protocols);
        for (String p : protocols) {
            if (!DEFAULT_PROTOCOLS.contains(p)) {
                throw new IllegalArgumentException("protocols: " + p + " is not allowed (expected: TLSv1.3 or TLSv1.2)");
            }
        }
    }
}
