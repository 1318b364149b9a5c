package dev.authgate.auth.hmac;

import dev.authgate.config.AuthConfig;

/** The HMAC presets (github, stripe, ...) and the rules for combining them with the generic fields. */
public final class HmacSchemes {
    private HmacSchemes() {
    }

    /**
     * Checks an {@code hmac:} block beyond its record's own constraints (known preset, algorithm, encoding, payload
     * template, public_url where required, {@code replay.key: id} only where the scheme has an id header).
     *
     * @throws IllegalArgumentException with a message {@code "field: problem (expected: ...)"}, e.g.
     *                                  {@code "preset: 'gihub' is unknown (expected: github, stripe, ...)"}
     */
    public static void validate(AuthConfig.Hmac hmac) {
    }
}
