package dev.authgate.auth.bearer;

import dev.authgate.auth.Credential;
import dev.authgate.config.AuthConfig;

import java.util.List;

/** {@code bearer: { realm: ..., tokens: [...] }}. */
public record BearerConfig(String realm, List<Credential> tokens) implements AuthConfig {
    /** The YAML key. */
    public static final String NAME = "bearer";

    public BearerConfig {
        tokens = List.copyOf(tokens);
        if (tokens.isEmpty()) throw new IllegalArgumentException("tokens: at least one token is required");
    }

    @Override
    public String scheme() {
        return NAME;
    }
}
