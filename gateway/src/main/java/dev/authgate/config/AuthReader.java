package dev.authgate.config;

/**
 * Reads {@code routes[N].auth}. The auth scheme registry ({@code dev.authgate.auth.schemes.AuthSchemes}) implements it;
 * it sits above {@code config} (each scheme's reader uses {@link ConfigNode}), so whoever calls {@link ConfigLoader}
 * passes it in.
 */
@FunctionalInterface
public interface AuthReader {
    /**
     * @param auth    the value under {@code auth:}
     * @param context secrets and files, resolved like the rest of the config
     * @throws ConfigException positioned at the offending key, as every loader error
     */
    AuthConfig read(ConfigNode auth, ReadContext context) throws ConfigException;
}
