package dev.authgate.config;

import java.util.Objects;

/**
 * {@code admin:}: the plain-HTTP admin listener ({@code /healthz}, {@code /readyz}, {@code /metrics}, the rejections
 * explorer); default 127.0.0.1:9901.
 *
 * @param recentRejections {@code admin.recent_rejections}: how many recent rejections the explorer keeps in memory
 *                         (default 1000; 0 keeps none)
 * @param token            {@code admin.token}: when set, every admin path but {@code /healthz} and {@code /readyz}
 *                         needs {@code Authorization: Bearer <token>}; null: none (only on loopback)
 */
public record AdminConfig(String host, int port, int recentRejections, Secret token) {
    public static final int DEFAULT_RECENT_REJECTIONS = 1000;
    public static final int MAX_RECENT_REJECTIONS = 100_000;

    public AdminConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("address: port " + port + " (expected: 0-65535)");
        if (recentRejections < 0 || recentRejections > MAX_RECENT_REJECTIONS) {
            throw new IllegalArgumentException("recent_rejections: " + recentRejections + " (expected: 0-"
                    + MAX_RECENT_REJECTIONS + ")");
        }
    }

    /** With the default {@code recent_rejections} and no token. */
    public AdminConfig(String host, int port) {
        this(host, port, DEFAULT_RECENT_REJECTIONS, null);
    }

    /** With no token. */
    public AdminConfig(String host, int port, int recentRejections) {
        this(host, port, recentRejections, null);
    }

    public static AdminConfig defaults() {
        return new AdminConfig("127.0.0.1", 9901);
    }
}
