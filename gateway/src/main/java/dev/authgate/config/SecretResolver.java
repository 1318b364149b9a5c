package dev.authgate.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a secret field: {@code ${env:NAME}}, {@code ${file:PATH}} (relative to the config's folder) or, with a
 * warning, an inline literal. Messages and warnings name the variable or file and the key path, never the value.
 */
final class SecretResolver implements ReadContext {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):(.*)}", Pattern.DOTALL);
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A secret file is one secret; anything bigger is a wrong path (a log, a binary). */
    static final int MAX_FILE_BYTES = 64 * 1024;

    private final Path baseDir;
    private final Function<String, String> env;
    private final Consumer<String> warnings;
    private final Set<Path> referencedFiles;

    SecretResolver(Path baseDir, Function<String, String> env, Consumer<String> warnings, Set<Path> referencedFiles) {
        this.baseDir = baseDir;
        this.env = env;
        this.warnings = warnings;
        this.referencedFiles = referencedFiles;
    }

    @Override
    public Secret secret(ConfigNode node) throws ConfigException {
        return resolve(node);
    }

    @Override
    public FileContent file(ConfigNode node, int maxBytes, String expected) throws ConfigException {
        Path path = resolvePath(node, node.text());
        referencedFiles.add(path);
        return new FileContent(path, readSmallFile(node, path, maxBytes, expected));
    }

    Secret resolve(ConfigNode node) throws ConfigException {
        if (!node.isScalar()) {
            throw node.error("expected a secret (${env:NAME}, ${file:PATH} or a string), got " + node.kindWithoutValue());
        }
        String text = node.rawScalar();
        Matcher m = REFERENCE.matcher(text);
        if (m.matches()) {
            return m.group(1).equals("env") ? fromEnv(node, m.group(2)) : fromFile(node, m.group(2));
        }
        if (text.contains("${env:") || text.contains("${file:")) {
            throw node.error("a ${env:...} or ${file:...} reference must be the whole value");
        }
        if (text.startsWith("${") && text.endsWith("}")) {
            throw node.error("unknown reference (expected ${env:NAME} or ${file:PATH})");
        }
        if (text.isEmpty()) throw node.error("empty secret");
        warnings.accept(node.warning("inline secret; use ${env:...} or ${file:...}"));
        warnIfPadded(node, text, "inline secret");
        return new Secret(text, "inline");
    }

    private Secret fromEnv(ConfigNode node, String name) throws ConfigException {
        if (!ENV_NAME.matcher(name).matches()) {
            throw node.error("'" + Sizes.echo(name) + "' is not an environment variable name (expected: ${env:NAME})");
        }
        String value = env.apply(name);
        if (value == null) throw node.error("environment variable " + name + " is not set");
        if (value.isEmpty()) throw node.error("environment variable " + name + " is empty");
        warnIfPadded(node, value, "environment variable " + name);
        return new Secret(value, "env:" + name);
    }

    private Secret fromFile(ConfigNode node, String given) throws ConfigException {
        if (given.isEmpty()) throw node.error("${file:} needs a path");
        Path file = resolvePath(node, given);
        referencedFiles.add(file);
        byte[] bytes = readSmallFile(node, file, MAX_FILE_BYTES, "one secret");
        String value;
        try {
            value = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw node.error("file " + file + " is not UTF-8 text");
        }
        // editors and `echo` add one newline; it is never part of the secret
        if (value.endsWith("\r\n")) {
            value = value.substring(0, value.length() - 2);
        } else if (value.endsWith("\n")) {
            value = value.substring(0, value.length() - 1);
        }
        if (value.isEmpty()) throw node.error("file " + file + " is empty");
        warnIfPadded(node, value, "file " + file);
        return new Secret(value, "file:" + file);
    }

    private void warnIfPadded(ConfigNode node, String value, String source) {
        if (!value.strip().equals(value)) {
            warnings.accept(node.warning("the secret from " + source
                    + " starts or ends with whitespace; it is kept as part of the secret"));
        }
    }

    /** {@code given} against the config's folder, normalized (absolute when the config path is). */
    Path resolvePath(ConfigNode node, String given) throws ConfigException {
        try {
            return baseDir.resolve(given).normalize();
        } catch (InvalidPathException e) {
            throw node.error("'" + Sizes.echo(given) + "' is not a valid path");
        }
    }

    /**
     * Reads a file the config names; errors name the file, never its content. Only a regular file (or a symlink to
     * one, as Kubernetes mounts secrets) is read, and never more than {@code maxBytes}: {@code /dev/zero} or a FIFO
     * would otherwise exhaust memory or block the load (their size reads as 0).
     */
    static byte[] readSmallFile(ConfigNode node, Path file, int maxBytes, String expected) throws ConfigException {
        try {
            if (Files.isDirectory(file)) throw node.error(file + " is a directory, expected a file");
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw node.error(file + " is not a regular file (a device, pipe or socket); expected " + expected);
            }
            byte[] content;
            try (InputStream in = Files.newInputStream(file)) {
                content = in.readNBytes(maxBytes + 1);
            }
            if (content.length > maxBytes) {
                throw node.error("file " + file + " is larger than " + Sizes.format(maxBytes) + "; expected " + expected);
            }
            return content;
        } catch (NoSuchFileException e) {
            throw node.error("file " + file + " not found");
        } catch (AccessDeniedException e) {
            throw node.error("file " + file + " is not readable (permission denied)");
        } catch (IOException e) {
            throw node.error("cannot read file " + file + ": " + e.getClass().getSimpleName());
        }
    }
}
