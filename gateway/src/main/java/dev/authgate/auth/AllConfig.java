package dev.authgate.auth;

import dev.authgate.config.AuthConfig;

import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code all: [ {...}, {...} ]}: every member must accept (e.g. a partner's client certificate AND its signature);
 * built as an {@link AllAuthenticator}. May hold one {@code any:} (one level of nesting), never another {@code all:}.
 */
public record AllConfig(List<AuthConfig> schemes) implements AuthConfig {
    /** The YAML key. */
    public static final String NAME = "all";

    public AllConfig {
        schemes = List.copyOf(schemes);
        if (schemes.size() < 2) {
            throw new IllegalArgumentException("all: at least two schemes are required (one scheme needs no all:)");
        }
        for (AuthConfig s : schemes) {
            if (s instanceof AllConfig || s.scheme().equals("none")) {
                throw new IllegalArgumentException("all: may not contain '" + s.scheme() + "'");
            }
            if (s instanceof AnyConfig any && any.schemes().stream().anyMatch(AllConfig::combinator)) {
                throw new IllegalArgumentException("all: combinators nest one level only");
            }
        }
    }

    static boolean combinator(AuthConfig c) {
        return c instanceof AnyConfig || c instanceof AllConfig;
    }

    /** {@code X-Auth-Scheme} before auth ran: the members' schemes joined with {@code +}. */
    @Override
    public String scheme() {
        return schemes.stream().map(AuthConfig::scheme).collect(Collectors.joining("+"));
    }

    @Override
    public String summary() {
        return schemes.stream().map(AuthConfig::summary).collect(Collectors.joining(",", "all(", ")"));
    }

    @Override
    public boolean needsClientCertificate() {
        return schemes.stream().anyMatch(AuthConfig::needsClientCertificate);
    }
}
