package dev.authgate.config;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.authgate.auth.schemes.AuthSchemes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Writes config files into a temp folder and loads them with an injected environment, collecting warnings. */
final class LoaderHarness {
    /** A bcrypt hash of "pw" at cost 4 (fast in tests). */
    static final String HASH = BCrypt.withDefaults().hashToString(4, "pw".toCharArray());

    final Path dir;
    final Path file;
    final Map<String, String> env = new HashMap<>();
    final List<String> warnings = new ArrayList<>();

    LoaderHarness(Path dir) {
        this.dir = dir;
        this.file = dir.resolve("gateway.yaml");
    }

    Path write(String name, String content) {
        try {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    GatewayConfig load(String yaml) throws ConfigException {
        write("gateway.yaml", yaml);
        return ConfigLoader.load(file, env::get, warnings::add, AuthSchemes.standard());
    }

    /** The message of the ConfigException that loading {@code yaml} must throw. */
    String error(String yaml) {
        write("gateway.yaml", yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, env::get, warnings::add, AuthSchemes.standard())).getMessage();
    }

    /** The message prefix for a line of gateway.yaml: {@code /tmp/.../gateway.yaml:LINE: }. */
    String at(int line) {
        return file + ":" + line + ": ";
    }

    /** A minimal valid config (plain HTTP) followed by {@code routes}, which starts at line 6. */
    static String withRoutes(String routes) {
        return """
                listen:
                  address: 127.0.0.1:0
                upstreams:
                  orders: { url: "http://127.0.0.1:3000" }
                  api: { url: "http://127.0.0.1:3001" }
                """ + routes;
    }
}
