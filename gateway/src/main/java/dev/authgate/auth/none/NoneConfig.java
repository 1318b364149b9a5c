package dev.authgate.auth.none;

import dev.authgate.config.AuthConfig;

/** {@code auth: none}: an open route. */
public record NoneConfig() implements AuthConfig {
    /** The value written under {@code auth:}. */
    public static final String NAME = "none";

    @Override
    public String scheme() {
        return NAME;
    }
}
