package dev.authgate.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authgate.auth.schemes.AuthSchemes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes config loading: YAML text written to a file and loaded with the real loader. The documented outcomes are a
 * {@link GatewayConfig} or a {@link ConfigException}; anything else is a finding, and so is a message or warning that
 * contains the value of a secret the config references ({@code ${env:SECRET}}, {@code ${file:secret.txt}}).
 */
class ConfigLoaderFuzzTest {
    static final String SECRET = "canary-Zq9x-6b1f-secret-value";
    static final String FILE_SECRET = "canary-file-7Kp2-secret-value";
    private static final Map<String, String> ENV = Map.of("SECRET", SECRET, "OTHER", "other-Ym3q-value");
    private static Path dir;

    @BeforeAll
    static void folder() throws IOException {
        dir = Files.createTempDirectory("config-fuzz");
        Files.writeString(dir.resolve("secret.txt"), FILE_SECRET + "\n");
        Files.writeString(dir.resolve("users.htpasswd"), "alice:" + LoaderHarness.HASH + "\n");
    }

    @AfterAll
    static void clean() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Any bytes as the whole file (seed inputs are plain YAML files). */
    @FuzzTest
    void loadsAnyYamlIntoAConfigOrAConfigException(byte[] yaml) {
        load(new String(yaml, StandardCharsets.UTF_8));
    }

    /**
     * A valid config with fuzzed values at the places users type most: durations, sizes, addresses, paths, auth
     * fields, preset names, matchers. Reaches far deeper than random YAML does.
     */
    @FuzzTest
    void loadsAValidConfigWithFuzzedValues(FuzzedDataProvider data) {
        String[] v = new String[12];
        for (int i = 0; i < v.length; i++) v[i] = quoted(data.consumeString(40));
        String yaml = "listen:\n  address: 127.0.0.1:0\nadmin:\n  address: " + v[0] + "\n"
                + "limits:\n  max_body: " + v[1] + "\n  header_timeout: " + v[2] + "\n  max_connections: " + v[3]
                + "\n  auth_failures: { max: 5, window: " + v[4] + " }\n  trusted_proxies: [" + v[5] + "]\n"
                + "upstreams:\n  app: { url: " + v[6] + ", connect_timeout: 1s }\n"
                + "routes:\n"
                + "  - name: a\n    match: { path_prefix: " + v[7] + " }\n    upstream: app\n"
                + "    auth: { hmac: { preset: " + v[8] + ", secrets: [\"${env:SECRET}\"], tolerance: " + v[9] + " } }\n"
                + "  - name: b\n    match: { path: /b, methods: [" + v[10] + "] }\n    respond: 204\n"
                + "    auth: { any: [ { bearer: { tokens: [ { id: " + v[11] + ", value: \"${file:secret.txt}\" } ] } },"
                + " { basic: { htpasswd: users.htpasswd } } ] }\n";
        load(yaml);
    }

    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\');
            if (c < 0x20 || c == 0x7f) continue;
            b.append(c);
        }
        return b.append('"').toString();
    }

    private static void load(String yaml) {
        Path file = dir.resolve("gateway.yaml");
        try {
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> warnings = new ArrayList<>();
        try {
            assertNotNull(ConfigLoader.load(file, ENV::get, warnings::add, AuthSchemes.standard()));
        } catch (ConfigException e) {
            assertNoSecret(e.getMessage(), yaml);
        } catch (RuntimeException | StackOverflowError e) {
            fail("undocumented " + e.getClass().getName() + " loading:\n" + yaml, e);
        }
        warnings.forEach(w -> assertNoSecret(w, yaml));
    }

    /** A referenced secret's value in a message is a leak; the fuzzer typing that value into the YAML is not. */
    private static void assertNoSecret(String text, String yaml) {
        for (String secret : List.of(SECRET, FILE_SECRET)) {
            assertFalse(text.contains(secret) && !yaml.contains(secret), text);
        }
    }
}
