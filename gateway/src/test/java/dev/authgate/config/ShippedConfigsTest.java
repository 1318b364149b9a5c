package dev.authgate.config;

import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.testing.TestCerts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every YAML file shipped in {@code config/} and {@code config/examples/} loads with the real {@link ConfigLoader}:
 * the directories are listed, so a file dropped there is loaded too. Each file is copied to the same place in a temp
 * tree that provides what the shipped configs reference (a certificate and key, a client CA and a JWT public key under
 * {@code certs/} next to each folder and one level up, {@code conf/htpasswd}); every {@code ${env:NAME}} gets a value. A config that needs
 * anything else fails here, naming the file and what is missing: nothing is skipped.
 */
class ShippedConfigsTest {
    private static final Path ROOT = Path.of(System.getProperty("authgate.projectRoot", "..")).toAbsolutePath()
            .normalize();
    private static final List<Path> FOLDERS = List.of(Path.of("config"), Path.of("config", "examples"));
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    @TempDir
    static Path tree;

    @BeforeAll
    static void provideReferencedFiles() throws IOException {
        TestCerts certs = TestCerts.create(tree.resolve("certs"));
        for (Path folder : FOLDERS) {
            Path dir = Files.createDirectories(tree.resolve(folder).resolve("certs"));
            for (String name : List.of("server.crt", "server.key")) {
                Files.copy(certs.dir().resolve(name), dir.resolve(name));
            }
        }
        // config/bench.yaml's jwt route: the public half of the key scripts/bench signs its tokens with
        Files.writeString(tree.resolve("config/certs/jwt.pub"), ecPublicKeyPem(), StandardCharsets.US_ASCII);
        // What scripts/gen-certs also makes for the demo's mtls and jwt routes (config/gateway.yaml: ../certs/).
        String jwtPublicKey = ecPublicKeyPem();
        for (Path dir : List.of(certs.dir(), tree.resolve("config/certs"), tree.resolve("config/examples/certs"))) {
            Files.copy(certs.caCert(), dir.resolve("client-ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("jwt-demo.pub"), jwtPublicKey, StandardCharsets.US_ASCII);
        }
        Path htpasswd = tree.resolve("config/conf/htpasswd");
        Files.createDirectories(htpasswd.getParent());
        Files.writeString(htpasswd, "ops:" + at.favre.lib.crypto.bcrypt.BCrypt.withDefaults()
                .hashToString(4, "ops-secret".toCharArray()) + "\n", StandardCharsets.UTF_8);
    }

    private static String ecPublicKeyPem() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            return "-----BEGIN PUBLIC KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(generator.generateKeyPair().getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every {@code *.yaml} directly in the shipped folders, relative to the repository root. */
    static Stream<Path> shippedConfigs() throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path folder : FOLDERS) {
            try (Stream<Path> files = Files.list(ROOT.resolve(folder))) {
                files.filter(f -> Files.isRegularFile(f)
                                && f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.ya?ml"))
                        .map(ROOT::relativize)
                        .sorted()
                        .forEach(found::add);
            }
        }
        return found.stream();
    }

    @Test
    void theListingFindsTheKnownConfigs() throws IOException {
        List<Path> found = shippedConfigs().toList();
        for (String known : List.of("config/gateway.yaml", "config/bench.yaml", "config/examples/docker.yaml")) {
            assertTrue(found.contains(Path.of(known)), known + " not in " + found);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedConfigs")
    void loads(Path relative) throws Exception {
        Path copy = tree.resolve(relative);
        Files.createDirectories(copy.getParent());
        Files.copy(ROOT.resolve(relative), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String text = Files.readString(copy, StandardCharsets.UTF_8);

        Set<String> asked = new TreeSet<>();
        List<String> warnings = new ArrayList<>();
        GatewayConfig config = ConfigLoader.load(copy, name -> {
            asked.add(name);
            return "test-" + name.toLowerCase(Locale.ROOT) + "-0123456789abcdef0123456789abcdef";
        }, warnings::add, AuthSchemes.standard());

        assertFalse(config.routes().isEmpty(), relative + ": no routes");
        assertFalse(config.name().isBlank(), relative + ": no name");
        assertEquals(copy.toAbsolutePath().normalize(), config.source().toAbsolutePath().normalize(), "source");
        Set<String> referenced = new TreeSet<>();
        Matcher m = ENV.matcher(text.replaceAll("(?m)#.*$", ""));
        while (m.find()) referenced.add(m.group(1));
        assertEquals(referenced, asked, relative + ": every ${env:} in the file is resolved, and only those");
    }
}
