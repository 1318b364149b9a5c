package dev.authgate.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code limits:}.
 *
 * @param maxBody        bytes; a larger body gets 413 (default 1 MiB)
 * @param maxHeaderBytes bytes of request line + headers; larger gets 431 (default 16 KiB)
 * @param headerTimeout  first byte of a request to end of its head; then 408 and close (default 10s)
 * @param idleTimeout    idle keep-alive connections are closed after this (default 60s)
 * @param authFailures   per-client-IP failed-auth throttle; null disables it
 * @param trustedProxies CIDRs whose {@code X-Forwarded-For} is believed for the client IP (default none)
 * @param bodyTimeout    longest silence while a request body is being read; then 408 and close (default 30s)
 * @param maxConnections client connections open at once; one more is closed as soon as it is accepted
 *                       (default 10000)
 * @param maxRequestsPerConnection requests served on one connection; the last one's response carries
 *                       {@code Connection: close} (default 1000)
 */
public record LimitsConfig(
        long maxBody,
        int maxHeaderBytes,
        Duration headerTimeout,
        Duration idleTimeout,
        AuthFailuresConfig authFailures,
        List<String> trustedProxies,
        Duration bodyTimeout,
        int maxConnections,
        int maxRequestsPerConnection) {

    public static final long DEFAULT_MAX_BODY = 1024 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_REQUESTS_PER_CONNECTION = 1000;

    public LimitsConfig {
        if (maxBody <= 0) throw new IllegalArgumentException("max_body: " + maxBody + " (expected: > 0)");
        if (maxBody > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("max_body: " + maxBody + " (expected: < 2GiB)");
        if (maxHeaderBytes <= 0) throw new IllegalArgumentException("max_header_bytes: " + maxHeaderBytes + " (expected: > 0)");
        Objects.requireNonNull(headerTimeout, "header_timeout");
        Objects.requireNonNull(idleTimeout, "idle_timeout");
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        Objects.requireNonNull(bodyTimeout, "body_timeout");
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("max_connections: " + maxConnections + " (expected: > 0)");
        }
        if (maxRequestsPerConnection <= 0) {
            throw new IllegalArgumentException("max_requests_per_connection: " + maxRequestsPerConnection
                    + " (expected: > 0)");
        }
    }

    /** The limits without the connection-level keys, which take their defaults. */
    public LimitsConfig(long maxBody, int maxHeaderBytes, Duration headerTimeout, Duration idleTimeout,
                        AuthFailuresConfig authFailures, List<String> trustedProxies) {
        this(maxBody, maxHeaderBytes, headerTimeout, idleTimeout, authFailures, trustedProxies, DEFAULT_BODY_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_REQUESTS_PER_CONNECTION);
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(DEFAULT_MAX_BODY, DEFAULT_MAX_HEADER_BYTES, Duration.ofSeconds(10),
                Duration.ofSeconds(60), null, List.of());
    }

    /** A copy with {@code body_timeout}, {@code max_connections} and {@code max_requests_per_connection} set. */
    public LimitsConfig withConnectionLimits(Duration bodyTimeout, int maxConnections, int maxRequestsPerConnection) {
        return new LimitsConfig(maxBody, maxHeaderBytes, headerTimeout, idleTimeout, authFailures, trustedProxies,
                bodyTimeout, maxConnections, maxRequestsPerConnection);
    }

    /** {@code limits.auth_failures: { max: 20, window: 1m }}. */
    public record AuthFailuresConfig(int max, Duration window) {
        public AuthFailuresConfig {
            if (max <= 0) throw new IllegalArgumentException("max: " + max + " (expected: > 0)");
            Objects.requireNonNull(window, "window");
        }
    }
}
