package dev.authgate.auth.basic;

import dev.authgate.config.AuthConfig;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code basic: { realm: ops, users: { alice: "$2y$12$..." } }} or {@code htpasswd: FILE}. Hashes are bcrypt only;
 * the reader has already merged an htpasswd file into {@code users}.
 */
public record BasicConfig(String realm, Map<String, String> users, Path htpasswd) implements AuthConfig {
    /** The YAML key. */
    public static final String NAME = "basic";

    public BasicConfig {
        realm = realm == null ? "authgate" : realm;
        users = Map.copyOf(users);
        if (users.isEmpty()) throw new IllegalArgumentException("users: at least one user is required");
    }

    @Override
    public String scheme() {
        return NAME;
    }

    /** Names the users, never their hashes (a bcrypt hash is still an offline-crackable secret). */
    @Override
    public String toString() {
        return "Basic[realm=" + realm + ", users=" + new TreeSet<>(users.keySet()) + ", htpasswd=" + htpasswd + "]";
    }
}
