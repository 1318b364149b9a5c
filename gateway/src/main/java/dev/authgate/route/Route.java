package dev.authgate.route;

import dev.authgate.auth.Authenticator;
import dev.authgate.config.RouteConfig;
import dev.authgate.config.UpstreamConfig;

import java.util.List;
import java.util.Objects;

/**
 * A route ready to serve: its config with the authenticator built for it and its upstream resolved.
 *
 * @param config        the route as configured
 * @param authenticator built once per config from {@code config.auth()}
 * @param upstream      the resolved upstream, or null for a {@code respond:} route
 */
public record Route(RouteConfig config, Authenticator authenticator, UpstreamConfig upstream) {
    public Route {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(authenticator, "authenticator");
        if ((upstream == null) != (config.respond() != 0)) {
            throw new IllegalArgumentException("upstream: route '" + config.name()
                    + "' needs its upstream resolved (or respond:)");
        }
    }

    public String name() {
        return config.name();
    }

    /** The allowed methods in config order; empty means any. */
    public List<String> methods() {
        return config.match().methods();
    }

    /** Whether the route takes {@code method} (case-sensitive, as HTTP methods are). */
    public boolean allows(String method) {
        return methods().isEmpty() || methods().contains(method);
    }

    /** The status of an auth-only route ({@code respond: 204}), or 0 when the route forwards. */
    public int respond() {
        return config.respond();
    }
}
