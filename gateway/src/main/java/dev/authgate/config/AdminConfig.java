package dev.authgate.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code admin:}: the plain-HTTP admin listener ({@code /healthz}, {@code /readyz}, {@code /metrics}, the rejections
 * explorer); default 127.0.0.1:9901.
 *
 * @param recentRejections {@code admin.recent_rejections}: how many recent rejections the explorer keeps in memory
 *                         (default 1000; 0 keeps none)
 * @param token            {@code admin.token}: when set, every admin path but {@code /healthz} and {@code /readyz}
 *                         needs {@code Authorization: Bearer <token>}; null: none (only on loopback)
 * @param captureDir       {@code admin.capture_dir}: where captures are also written, kept across restarts; null: in
 *                         memory only
 * @param captureDirMax    {@code admin.capture_dir_max}: the most bytes of captures kept there, oldest deleted first
 */
public record AdminConfig(String host, int port, int recentRejections, Secret token, Path captureDir,
                          long captureDirMax) {
    public static final int DEFAULT_RECENT_REJECTIONS = 1000;
    public static final long DEFAULT_CAPTURE_DIR_MAX = 64L * 1024 * 1024;
    public static final int MAX_RECENT_REJECTIONS = 100_000;

    public AdminConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("address: port " + port + " (expected: 0-65535)");
        if (recentRejections < 0 || recentRejections > MAX_RECENT_REJECTIONS) {
            throw new IllegalArgumentException("recent_rejections: " + recentRejections + " (expected: 0-"
                    + MAX_RECENT_REJECTIONS + ")");
        }
        if (captureDirMax < 1) throw new IllegalArgumentException("capture_dir_max: expected at least 1 byte");
    }

    /** Captures in memory only. */
    public AdminConfig(String host, int port, int recentRejections, Secret token) {
        this(host, port, recentRejections, token, null, DEFAULT_CAPTURE_DIR_MAX);
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
