package dev.authgate.config;

import java.nio.file.Path;

/**
 * What a scheme's config reader may use besides its {@link ConfigNode}: secrets and files resolved as the rest of the
 * config is (relative to the config's folder, recorded for reload). Implemented by {@link SecretResolver}.
 */
public interface ReadContext {
    /** A secret field: {@code ${env:NAME}}, {@code ${file:PATH}} or, with a warning, an inline value. */
    Secret secret(ConfigNode node) throws ConfigException;

    /**
     * Reads the file named by {@code node} (relative to the config's folder), at most {@code maxBytes}; the file is
     * recorded so that a reload watches it.
     *
     * @param expected what the file should hold, for the message when it is too big (e.g. "an htpasswd file")
     */
    FileContent file(ConfigNode node, int maxBytes, String expected) throws ConfigException;

    /** A file read through {@link #file}: its resolved path and content. */
    @SuppressWarnings("ArrayRecordComponent") // a return pair, never compared or hashed
    record FileContent(Path path, byte[] content) {
    }
}
