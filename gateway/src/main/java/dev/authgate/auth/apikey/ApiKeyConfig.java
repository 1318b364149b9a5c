package dev.authgate.auth.apikey;

import dev.authgate.auth.Credential;
import dev.authgate.config.AuthConfig;

import java.util.List;

/** {@code api_key: { header: X-API-Key, keys: [...] }}. */
public record ApiKeyConfig(String header, List<Credential> keys) implements AuthConfig {
    /** The YAML key. */
    public static final String NAME = "api_key";
    public static final String DEFAULT_HEADER = "X-API-Key";

    public ApiKeyConfig {
        header = header == null ? DEFAULT_HEADER : header;
        keys = List.copyOf(keys);
        if (keys.isEmpty()) throw new IllegalArgumentException("keys: at least one key is required");
    }

    @Override
    public String scheme() {
        return NAME;
    }
}
