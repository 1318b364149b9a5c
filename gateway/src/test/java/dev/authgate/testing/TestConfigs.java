package dev.authgate.testing;

import dev.authgate.auth.none.NoneConfig;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.AdminConfig;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigLoader;
import dev.authgate.config.ErrorsConfig;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.LimitsConfig;
import dev.authgate.config.ListenConfig;
import dev.authgate.config.RouteConfig;
import dev.authgate.http.TraceContext;
import dev.authgate.tls.TlsConfig;
import dev.authgate.config.UpstreamConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gateway configs built in code for tests: listen on 127.0.0.1 port 0, plain HTTP unless {@link Builder#tls}, the
 * default limits unless changed, gateway name {@code gw-test}.
 */
public final class TestConfigs {
    public static final String NAME = "gw-test";

    private TestConfigs() {
    }

    public static Builder gateway() {
        return new Builder();
    }

    /**
     * Writes {@code yaml} as {@code gateway.yaml} into {@code dir} and loads it with the real {@link ConfigLoader}
     * (relative paths resolve against {@code dir}). Use {@code listen.address: 127.0.0.1:0}.
     */
    public static GatewayConfig load(Path dir, String yaml) {
        try {
            Path file = dir.resolve("gateway.yaml");
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            return ConfigLoader.load(file, AuthSchemes.standard());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ConfigException e) {
            throw new AssertionError("the test config does not load: " + e.getMessage(), e);
        }
    }

    /** An exact-path route answered by the gateway with {@code respond: 204} after auth. */
    public static RouteConfig respond(String name, String path, AuthConfig auth, String... methods) {
        return new RouteConfig(name, new RouteConfig.MatchConfig(path, null, List.of(methods)), null, 204, false,
                auth);
    }

    /** A prefix route answered by the gateway with {@code respond: 204} after auth. */
    public static RouteConfig respondPrefix(String name, String prefix, AuthConfig auth, String... methods) {
        return new RouteConfig(name, new RouteConfig.MatchConfig(null, prefix, List.of(methods)), null, 204, false,
                auth);
    }

    /** A prefix route forwarded to {@code upstream}. */
    public static RouteConfig proxy(String name, String prefix, String upstream, AuthConfig auth, String... methods) {
        return new RouteConfig(name, new RouteConfig.MatchConfig(null, prefix, List.of(methods)), upstream, 0, false,
                auth);
    }

    /** {@code auth: none}. */
    public static AuthConfig none() {
        return new NoneConfig();
    }

    public static final class Builder {
        private String name = NAME;
        private TlsConfig tls;
        private long maxBody = LimitsConfig.DEFAULT_MAX_BODY;
        private int maxHeaderBytes = LimitsConfig.DEFAULT_MAX_HEADER_BYTES;
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration bodyTimeout = LimitsConfig.DEFAULT_BODY_TIMEOUT;
        private int maxConnections = LimitsConfig.DEFAULT_MAX_CONNECTIONS;
        private int maxRequestsPerConnection = LimitsConfig.DEFAULT_MAX_REQUESTS_PER_CONNECTION;
        private boolean exposeReason = true;
        private TraceContext.Mode trace = TraceContext.Mode.PROPAGATE;
        private final Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        private final List<RouteConfig> routes = new ArrayList<>();

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        public Builder maxBody(long bytes) {
            this.maxBody = bytes;
            return this;
        }

        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = bytes;
            return this;
        }

        public Builder headerTimeout(Duration d) {
            this.headerTimeout = d;
            return this;
        }

        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        public Builder bodyTimeout(Duration d) {
            this.bodyTimeout = d;
            return this;
        }

        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        public Builder maxRequestsPerConnection(int n) {
            this.maxRequestsPerConnection = n;
            return this;
        }

        public Builder exposeReason(boolean expose) {
            this.exposeReason = expose;
            return this;
        }

        /** An upstream with connect timeout 2 s and response timeout 30 s. */
        public Builder upstream(String upstreamName, String url) {
            return upstream(upstreamName, url, Duration.ofSeconds(30));
        }

        public Builder upstream(String upstreamName, String url, Duration responseTimeout) {
            upstreams.put(upstreamName, new UpstreamConfig(upstreamName, URI.create(url), Duration.ofSeconds(2),
                    responseTimeout));
            return this;
        }

        /** {@code trace.mode} (default propagate). */
        public Builder trace(TraceContext.Mode mode) {
            this.trace = mode;
            return this;
        }

        public Builder route(RouteConfig route) {
            routes.add(route);
            return this;
        }

        public GatewayConfig build() {
            return new GatewayConfig(name, new ListenConfig("127.0.0.1", 0, tls),
                    new LimitsConfig(maxBody, maxHeaderBytes, headerTimeout, idleTimeout, null, List.of(),
                            bodyTimeout, maxConnections, maxRequestsPerConnection),
                    AdminConfig.defaults(), new ErrorsConfig(exposeReason), trace, upstreams, routes, null, null);
        }
    }
}
