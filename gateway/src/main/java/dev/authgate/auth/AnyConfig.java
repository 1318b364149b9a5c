package dev.authgate.auth;

import dev.authgate.config.AuthConfig;

import java.util.List;
import java.util.stream.Collectors;

/** {@code any: [ {...}, {...} ]}: the first scheme that accepts wins; built as an {@link AnyAuthenticator}. */
public record AnyConfig(List<AuthConfig> schemes) implements AuthConfig {
    /** The YAML key. */
    public static final String NAME = "any";

    public AnyConfig {
        schemes = List.copyOf(schemes);
        if (schemes.isEmpty()) throw new IllegalArgumentException("any: at least one scheme is required");
        for (AuthConfig s : schemes) {
            // an open route is just auth: none; the registry refuses both when reading
            if (s instanceof AnyConfig || s.scheme().equals("none")) {
                throw new IllegalArgumentException("any: may not contain '" + s.scheme() + "'");
            }
        }
    }

    @Override
    public String scheme() {
        return NAME;
    }

    @Override
    public String summary() {
        return schemes.stream().map(AuthConfig::summary).collect(Collectors.joining(",", "any(", ")"));
    }

    /** The schemes of a route: the one, or the members of {@code any:}; empty for null. */
    public static List<AuthConfig> members(AuthConfig auth) {
        if (auth == null) return List.of();
        return auth instanceof AnyConfig any ? any.schemes() : List.of(auth);
    }
}
