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
 */
public record UpstreamConfig(String name, URI url, Duration connectTimeout, Duration responseTimeout) {
    public UpstreamConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        if (!"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("url: " + url + " (expected: http://host:port)");
        }
        if (url.getHost() == null) throw new IllegalArgumentException("url: " + url + " has no host");
        Objects.requireNonNull(connectTimeout, "connect_timeout");
        Objects.requireNonNull(responseTimeout, "response_timeout");
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
