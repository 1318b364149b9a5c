package dev.authgate.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code upstreams.NAME:}.
 *
 * @param name            the key under {@code upstreams:}
 * @param url             {@code http://host:port} (a path, if any, is prefixed to forwarded paths)
 * @param connectTimeout  default 2s
 * @param responseTimeout from the request's last byte written to the response head; default 30s
 * @param maxIdle         idle keep-alive connections kept per event loop (nginx's {@code keepalive N} per worker);
 *                        default {@value #DEFAULT_MAX_IDLE}, 0 closes each connection after its exchange
 */
public record UpstreamConfig(String name, URI url, Duration connectTimeout, Duration responseTimeout, int maxIdle) {
    /**
     * Enough for a loop's share of 1,000 busy keep-alive clients: below the concurrency, requests beyond the cap open
     * a connection and close it after the exchange, a connect and a close per request (measured with
     * scripts/bench-clients: 4.0k against 5.2k req/s with a cap of 32).
     */
    public static final int DEFAULT_MAX_IDLE = 256;

    public UpstreamConfig(String name, URI url, Duration connectTimeout, Duration responseTimeout) {
        this(name, url, connectTimeout, responseTimeout, DEFAULT_MAX_IDLE);
    }

    public UpstreamConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        if (!"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("url: " + url + " (expected: http://host:port)");
        }
        if (url.getHost() == null) throw new IllegalArgumentException("url: " + url + " has no host");
        Objects.requireNonNull(connectTimeout, "connect_timeout");
        Objects.requireNonNull(responseTimeout, "response_timeout");
        if (maxIdle < 0) throw new IllegalArgumentException("max_idle: " + maxIdle + " (expected: >= 0)");
    }

    public String host() {
        return url.getHost();
    }

    public int port() {
        return url.getPort() == -1 ? 80 : url.getPort();
    }

    /** The path prefix of the url without a trailing slash ("" when the url has no path). */
    public String basePath() {
        String p = url.getRawPath();
        if (p == null || p.isEmpty() || "/".equals(p)) return "";
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
