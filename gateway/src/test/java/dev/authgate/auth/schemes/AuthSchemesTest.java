package dev.authgate.auth.schemes;

import dev.authgate.auth.AnyAuthenticator;
import dev.authgate.auth.AnyConfig;
import dev.authgate.auth.AuthScheme;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.Credential;
import dev.authgate.auth.apikey.ApiKeyConfig;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigLoader;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.RouteConfig;
import dev.authgate.config.Secret;
import dev.authgate.http.Reason;
import dev.authgate.testing.TestCerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Walks the registry: every registered scheme has a reader, an explain hint, a troubleshooting row for each reason it
 * can give, a route in a test or example config, and a row in the docs' scheme list; and builds from its sample
 * config. Stands in for the exhaustiveness a sealed {@code AuthConfig} gave: a scheme half added fails here.
 */
class AuthSchemesTest {
    private static final AuthSchemes SCHEMES = AuthSchemes.standard();
    private static final Path ROOT =
            Path.of(System.getProperty("authgate.projectRoot", "..")).toAbsolutePath().normalize();
    private static final Path SAMPLE = Path.of("src/test/resources/config/schemes/gateway.yaml");
    private static final AuthSupport SUPPORT = new AuthSupport(Runnable::run, Clock.systemUTC());
    @TempDir
    static Path sampleDir;

    /** The sample config's first route of each scheme (members of {@code any:} count too). */
    private static Map<String, AuthConfig> samples() throws ConfigException {
        // The sample's TLS listener (client_ca, for mtls) reads certificates made here, next to a copy of the sample
        // folder (its other files, such as the jwt public key, come along).
        Path copy = sampleDir.resolve("gateway.yaml");
        try {
            if (!Files.exists(copy)) {
                TestCerts.create(sampleDir.resolve("certs"));
                try (Stream<Path> files = Files.list(SAMPLE.getParent())) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        if (Files.isRegularFile(f)) Files.copy(f, sampleDir.resolve(f.getFileName().toString()));
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        GatewayConfig c = ConfigLoader.load(copy, Map.of("TOKEN", "t-0123456789", "KEY", "k-0123456789",
                "SECRET", "s-0123456789"), SCHEMES);
        Map<String, AuthConfig> out = new LinkedHashMap<>();
        for (RouteConfig r : c.routes()) {
            for (AuthConfig a : AnyConfig.members(r.auth())) out.putIfAbsent(a.scheme(), a);
        }
        return out;
    }

    @Test
    void everySchemeReadsItsSampleConfigAndBuildsAnAuthenticator() throws ConfigException {
        Map<String, AuthConfig> samples = samples();
        for (AuthScheme<?> s : SCHEMES.all()) {
            AuthConfig sample = samples.get(s.name());
            assertTrue(sample != null, s.name() + ": no route in " + SAMPLE + " (add one)");
            assertInstanceOf(s.configType(), sample, s.name());
            assertEquals(s.name(), sample.scheme(), "a record's scheme() is its scheme's YAML key");
            Authenticator a = SCHEMES.create(sample, SUPPORT);
            assertEquals(s.name(), a.scheme(), s.name());
            assertTrue(SCHEMES.of(sample) == s, s.name() + ": the registry finds the scheme by its record");
        }
    }

    @Test
    void everySchemeHasAnExplainHint() throws ConfigException {
        Map<String, AuthConfig> samples = samples();
        for (AuthScheme<?> s : SCHEMES.all()) {
            String expects = SCHEMES.of(samples.get(s.name())).expects(samples.get(s.name()));
            assertFalse(expects == null || expects.isBlank(), s.name() + ": expects() is empty");
        }
    }

    @Test
    void everyReasonASchemeGivesHasATroubleshootingRow() throws IOException {
        String table = section("troubleshooting.md", "## Troubleshooting");
        List<String> missing = new ArrayList<>();
        for (AuthScheme<?> s : SCHEMES.all()) {
            for (Reason r : s.reasons()) {
                if (!table.contains("| `" + r.code() + "` |")) missing.add(s.name() + ": " + r.code());
            }
        }
        assertEquals(List.of(), missing, "reasons without a troubleshooting row");
    }

    @Test
    void everySchemeIsInTheDocsSchemeList() throws IOException {
        String list = section("configuration.md", "### Auth schemes");
        for (AuthScheme<?> s : SCHEMES.all()) {
            assertTrue(list.contains("| `" + s.name() + "` |"), s.name() + ": no row in the docs' scheme list");
        }
        assertTrue(list.contains("| `" + AnyConfig.NAME + "` |"), "any: no row in the docs' scheme list");
    }

    @Test
    void everySchemeIsUsedByATestOrExampleConfig() throws IOException {
        List<String> yamls = new ArrayList<>();
        for (Path dir : List.of(Path.of("src/test/resources/config"), ROOT.resolve("config"))) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                    yamls.add(Files.readString(f));
                }
            }
        }
        for (AuthScheme<?> s : SCHEMES.all()) {
            Pattern used = s.plainValue() ? Pattern.compile("auth:\\s*" + Pattern.quote(s.name()) + "\\b")
                    : Pattern.compile("(?<![\\w-])" + Pattern.quote(s.name()) + ":");
            assertTrue(yamls.stream().anyMatch(y -> used.matcher(y).find()),
                    s.name() + ": no YAML under gateway/src/test/resources/config or config/ uses it");
        }
    }

    @Test
    void schemesHaveDistinctNamesAndNoneIsCalledAny() {
        List<String> names = SCHEMES.all().stream().map(AuthScheme::name).toList();
        assertEquals(names.size(), names.stream().distinct().count(), names.toString());
        assertFalse(names.contains(AnyConfig.NAME));
    }

    @Test
    void buildsAnyFromItsMembersInOrder() {
        List<Credential> one = List.of(new Credential("a", new Secret("v-123456", "inline")));
        Authenticator any = SCHEMES.create(new AnyConfig(List.of(
                new ApiKeyConfig("X-Key-Header", one), new BearerConfig("r", one))), SUPPORT);
        assertInstanceOf(AnyAuthenticator.class, any);
        assertEquals(List.of("ApiKey realm=\"authgate\", header=\"X-Key-Header\"", "Bearer realm=\"r\""),
                any.challenges());
    }

    /** {@code docs/FILE} when it exists (the docs move there), else the README's section under {@code heading}. */
    private static String section(String docsFile, String heading) throws IOException {
        Path moved = ROOT.resolve("docs").resolve(docsFile);
        if (Files.exists(moved)) return Files.readString(moved);
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "README.md has no '" + heading + "' section and docs/" + docsFile + " does not exist");
        String level = heading.substring(0, heading.indexOf(' ') + 1);
        int end = readme.indexOf("\n" + level, start + heading.length() + 1);
        return end < 0 ? readme.substring(start) : readme.substring(start, end);
    }
}
