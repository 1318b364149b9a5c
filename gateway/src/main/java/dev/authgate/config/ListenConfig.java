package dev.authgate.config;

import dev.authgate.tls.TlsConfig;

import java.util.Objects;

/**
 * {@code listen:}: where the gateway accepts clients.
 *
 * @param host the address to bind ({@code 0.0.0.0} by default)
 * @param port the port; 0 binds an ephemeral port (tests)
 * @param tls  TLS settings; null means plain HTTP (only for a gateway behind a TLS-terminating load balancer)
 */
public record ListenConfig(String host, int port, TlsConfig tls) {
    public ListenConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("address: port " + port + " (expected: 0-65535)");
        }
    }
}
