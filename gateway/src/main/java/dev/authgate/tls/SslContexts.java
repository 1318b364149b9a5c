package dev.authgate.tls;

import dev.authgate.config.TlsConfig;
import io.netty.handler.ssl.SslContext;

/**
 * PEM files → Netty {@link SslContext}: OpenSSL (BoringSSL via tcnative) when available, else the JDK provider.
 */
public final class SslContexts {
    private SslContexts() {
    }

    /**
     * Loads the certificate chain and key, checks that the key matches the leaf certificate, and builds the server
     * context with the configured protocols and cipher suites.
     *
     * @throws IllegalArgumentException with a message of the form {@code "cert: ..."} or {@code "key: ..."} naming
     *                                  the file and the problem (missing, unreadable, not PEM, key does not match)
     */
    public static SslContext forServer(TlsConfig tls) {
        throw new UnsupportedOperationException("TLS not built yet");
    }
}
