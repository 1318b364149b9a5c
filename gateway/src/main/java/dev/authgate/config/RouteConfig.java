package dev.authgate.config;

import java.util.List;
import java.util.Objects;

/**
 * {@code routes[N]:}.
 *
 * @param name            unique; in logs and metrics
 * @param match           path or path prefix, and methods
 * @param upstream        the upstream name, or null when {@code respond} is set
 * @param respond         the status of an auth-only route ({@code respond: 204}), or 0 when proxying
 * @param hideCredentials drop the credential header(s) before forwarding
 * @param auth            required; {@code auth: none} ({@code NoneConfig}) for an open route
 * @param capture         {@code capture:}, or null: rejections are not captured
 */
public record RouteConfig(String name, MatchConfig match, String upstream, int respond, boolean hideCredentials,
                          AuthConfig auth, CaptureConfig capture) {
    /** A route without {@code capture:}. */
    public RouteConfig(String name, MatchConfig match, String upstream, int respond, boolean hideCredentials,
                       AuthConfig auth) {
        this(name, match, upstream, respond, hideCredentials, auth, null);
    }

    /** Whether this route's auth rejections are captured. */
    public boolean capturesRejections() {
        return capture != null && capture.rejected();
    }

    public RouteConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(auth, "auth");
        if ((upstream == null) == (respond == 0)) {
            throw new IllegalArgumentException("upstream: exactly one of upstream or respond is required");
        }
        if (respond != 0 && (respond < 200 || respond > 299)) {
            throw new IllegalArgumentException("respond: " + respond + " (expected: a 2xx status)");
        }
    }

    /**
     * {@code match:}: exactly one of {@code path} (exact) and {@code pathPrefix}; {@code methods} empty = any.
     */
    public record MatchConfig(String path, String pathPrefix, List<String> methods) {
        public MatchConfig {
            if ((path == null) == (pathPrefix == null)) {
                throw new IllegalArgumentException("path: exactly one of path or path_prefix is required");
            }
            String p = path != null ? path : pathPrefix;
            if (!p.startsWith("/")) throw new IllegalArgumentException((path != null ? "path" : "path_prefix")
                    + ": '" + p + "' (expected: starts with /)");
            methods = methods == null ? List.of() : List.copyOf(methods);
        }
    }
}
