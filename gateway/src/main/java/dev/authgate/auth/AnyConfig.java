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
            if (s instanceof AllConfig all && all.schemes().stream().anyMatch(AllConfig::combinator)) {
                throw new IllegalArgumentException("any: combinators nest one level only");
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

    @Override
    public boolean needsClientCertificate() {
        return schemes.stream().anyMatch(AuthConfig::needsClientCertificate);
    }

    /** The schemes of a route: the one, or the members of {@code any:} and {@code all:} (nested ones too); empty for null. */
    public static List<AuthConfig> members(AuthConfig auth) {
        if (auth == null) return List.of();
        List<AuthConfig> nested = auth instanceof AnyConfig any ? any.schemes()
                : auth instanceof AllConfig all ? all.schemes() : null;
        if (nested == null) return List.of(auth);
        List<AuthConfig> out = new java.util.ArrayList<>();
        for (AuthConfig m : nested) out.addAll(members(m));
        return out;
    }
}
