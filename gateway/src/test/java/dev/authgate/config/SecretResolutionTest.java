package dev.authgate.config;

import dev.authgate.auth.bearer.BearerConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static dev.authgate.config.LoaderHarness.withRoutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ${env:NAME}, ${file:PATH} and inline secrets: values, warnings and errors, none of which may contain a secret. */
class SecretResolutionTest {
    private static final String VALUE = "s3cr3t-V4lue";

    @TempDir
    Path dir;
    LoaderHarness h;

    @BeforeEach
    void harness() {
        h = new LoaderHarness(dir);
    }

    /** A config whose one bearer token is {@code secretYaml}, on line 12. */
    private static String tokenConfig(String secretYaml) {
        return withRoutes("""
                routes:
                  - name: r
                    match: { path: /r }
                    upstream: orders
                    auth:
                      bearer:
                        tokens: [ %s ]
                """.formatted(secretYaml));
    }

    private Secret token(String secretYaml) throws ConfigException {
        BearerConfig b = (BearerConfig) h.load(tokenConfig(secretYaml)).routes().get(0).auth();
        return b.tokens().get(0).value();
    }

    private List<String> secretWarnings() {
        return h.warnings.stream().filter(w -> w.contains("routes[")).collect(Collectors.toList());
    }

    private void assertNoValueLeaks(String text) {
        assertFalse(text.contains(VALUE), "leaked the secret: " + text);
        assertFalse(text.contains(VALUE.strip()), "leaked the secret: " + text);
    }

    @Test
    void resolvesAnEnvironmentVariable() throws Exception {
        h.env.put("CI_TOKEN", VALUE);
        Secret s = token("\"${env:CI_TOKEN}\"");
        assertEquals(VALUE, s.reveal());
        assertEquals("env:CI_TOKEN", s.origin());
        assertEquals(List.of(), secretWarnings());
    }

    @Test
    void refusesAnUnsetVariableNamingIt() {
        assertEquals(h.at(12) + "routes[0].auth.bearer.tokens[0]: environment variable CI_TOKEN is not set",
                h.error(tokenConfig("\"${env:CI_TOKEN}\"")));
    }

    @Test
    void refusesAnEmptyVariable() {
        h.env.put("CI_TOKEN", "");
        assertEquals(h.at(12) + "routes[0].auth.bearer.tokens[0]: environment variable CI_TOKEN is empty",
                h.error(tokenConfig("\"${env:CI_TOKEN}\"")));
    }

    @Test
    void warnsAboutAVariableWithSurroundingWhitespaceWithoutEchoingIt() throws Exception {
        h.env.put("CI_TOKEN", VALUE + " ");
        assertEquals(VALUE + " ", token("\"${env:CI_TOKEN}\"").reveal());
        assertEquals(List.of(h.at(12) + "routes[0].auth.bearer.tokens[0]: the secret from environment variable CI_TOKEN"
                + " starts or ends with whitespace; it is kept as part of the secret"), secretWarnings());
    }

    @Test
    void readsAFileRelativeToTheConfigAndDropsOneTrailingNewline() throws Exception {
        Path file = h.write("secrets/token", VALUE + "\n");
        Secret s = token("\"${file:secrets/token}\"");
        assertEquals(VALUE, s.reveal());
        assertEquals("file:" + file, s.origin());
        assertEquals(List.of(), secretWarnings());
        GatewayConfig config = h.load(tokenConfig("\"${file:secrets/token}\""));
        assertTrue(config.referencedFiles().contains(file), config.referencedFiles()::toString);
        assertTrue(config.referencedFiles().contains(h.file), config.referencedFiles()::toString);
    }

    @Test
    void readsAnAbsoluteFilePathAndDropsACrLf() throws Exception {
        Path file = Files.writeString(Files.createTempDirectory(dir, "abs").resolve("t"), VALUE + "\r\n");
        assertEquals(VALUE, token("\"${file:" + file + "}\"").reveal());
    }

    @Test
    void keepsAndWarnsAboutASecondTrailingNewline() throws Exception {
        Path file = h.write("token", VALUE + "\n\n");
        assertEquals(VALUE + "\n", token("\"${file:token}\"").reveal());
        List<String> warnings = secretWarnings();
        assertEquals(List.of(h.at(12) + "routes[0].auth.bearer.tokens[0]: the secret from file " + file
                + " starts or ends with whitespace; it is kept as part of the secret"), warnings);
        warnings.forEach(this::assertNoValueLeaks);
    }

    @Test
    void keepsAndWarnsAboutLeadingSpaces() throws Exception {
        h.write("token", "  " + VALUE);
        assertEquals("  " + VALUE, token("\"${file:token}\"").reveal());
        assertEquals(1, secretWarnings().size());
        secretWarnings().forEach(this::assertNoValueLeaks);
    }

    @Test
    void refusesAMissingFileNamingIt() {
        assertEquals(h.at(12) + "routes[0].auth.bearer.tokens[0]: file " + dir.resolve("nope") + " not found",
                h.error(tokenConfig("\"${file:nope}\"")));
    }

    @Test
    void refusesAFileHoldingOnlyANewline() {
        Path file = h.write("token", "\n");
        assertEquals(h.at(12) + "routes[0].auth.bearer.tokens[0]: file " + file + " is empty",
                h.error(tokenConfig("\"${file:token}\"")));
    }

    @Test
    void refusesAFileThatIsNotUtf8WithoutEchoingIt() throws Exception {
        Path file = dir.resolve("token");
        Files.write(file, new byte[] {'s', 'e', (byte) 0xC3, 'x'});
        assertEquals(h.at(12) + "routes[0].auth.bearer.tokens[0]: file " + file + " is not UTF-8 text",
                h.error(tokenConfig("\"${file:token}\"")));
    }

    @Test
    void acceptsAnInlineSecretWithAWarningThatDoesNotEchoIt() throws Exception {
        Secret s = token("\"" + VALUE + "\"");
        assertEquals(VALUE, s.reveal());
        assertEquals("inline", s.origin());
        assertEquals(List.of(h.at(12) + "routes[0].auth.bearer.tokens[0]: inline secret; use ${env:...} or ${file:...}"),
                secretWarnings());
    }

    @Test
    void refusesAnEmptyInlineSecret() {
        assertEquals(h.at(12) + "routes[0].auth.bearer.tokens[0]: empty secret", h.error(tokenConfig("\"\"")));
    }

    @Test
    void refusesAReferenceThatIsOnlyPartOfTheValue() {
        h.env.put("CI_TOKEN", VALUE);
        assertEquals(h.at(12) + "routes[0].auth.bearer.tokens[0]: a ${env:...} or ${file:...} reference must be the"
                + " whole value", h.error(tokenConfig("\"Bearer ${env:CI_TOKEN}\"")));
    }

    @Test
    void refusesAnUnknownReferenceKind() {
        assertEquals(h.at(12) + "routes[0].auth.bearer.tokens[0]: unknown reference (expected ${env:NAME} or"
                + " ${file:PATH})", h.error(tokenConfig("\"${CI_TOKEN}\"")));
    }

    @Test
    void refusesAnInvalidVariableName() {
        assertEquals(h.at(12) + "routes[0].auth.bearer.tokens[0]: 'CI-TOKEN' is not an environment variable name"
                + " (expected: ${env:NAME})", h.error(tokenConfig("\"${env:CI-TOKEN}\"")));
    }

    @Test
    void refusesAListWhereASecretIsExpected() {
        assertEquals(h.at(12) + "routes[0].auth.bearer.tokens[0]: expected a secret (${env:NAME}, ${file:PATH} or a"
                + " string), got a list", h.error(tokenConfig("[a]")));
    }

    @Test
    void secretsNeverAppearInToString() throws Exception {
        h.env.put("CI_TOKEN", VALUE);
        GatewayConfig config = h.load(tokenConfig("\"${env:CI_TOKEN}\""));
        assertNoValueLeaks(config.toString());
    }

    /** Found by ConfigLoaderFuzzTest: /dev/zero reads as size 0 and was read to exhaustion (OutOfMemoryError). */
    @Test
    void refusesADeviceFileInsteadOfReadingItForever() {
        String message = h.error(tokenConfig("\"${file:/dev/zero}\""));
        assertEquals(h.at(12) + "routes[0].auth.bearer.tokens[0]: /dev/zero is not a regular file (a device, pipe or "
                + "socket); expected one secret", message);
    }
}
