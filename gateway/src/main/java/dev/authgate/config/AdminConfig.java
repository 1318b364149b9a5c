package dev.authgate.config;

import java.util.Objects;

/** {@code admin:}: the plain-HTTP admin listener ({@code /healthz}, {@code /readyz}, {@code /metrics}); default 127.0.0.1:9901. */
public record AdminConfig(String host, int port) {
    public AdminConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("address: port " + port + " (expected: 0-65535)");
    }

    public static AdminConfig defaults() {
        return new AdminConfig("127.0.0.1", 9901);
    }
}
