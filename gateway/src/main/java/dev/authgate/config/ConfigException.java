package dev.authgate.config;

/**
 * A config error, already phrased for the operator: {@code FILE:LINE: KEY.PATH: problem}. Never contains a secret value.
 */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
