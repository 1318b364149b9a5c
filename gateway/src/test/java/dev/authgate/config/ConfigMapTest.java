package dev.authgate.config;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.StringReader;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How "field: problem" messages from records and HmacSchemes.validate are placed at the field's key path and line. */
class ConfigMapTest {
    private static final String HMAC = """
            routes:
              - hmac:
                  preset: gihub
                  secrets:
                    - a
                    - b
                  replay:
                    key: id
            """;

    private static ConfigMap hmacBlock() throws ConfigException {
        ConfigNode root = ConfigNode.root("g.yaml",
                new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(HMAC)));
        return root.map("routes").require("routes").list().get(0).map("hmac").require("hmac")
                .map("preset", "secrets", "replay");
    }

    @Test
    void placesAFieldMessageAtThatField() throws Exception {
        assertEquals("g.yaml:3: routes[0].hmac.preset: 'gihub' is unknown (expected: github, stripe)",
                hmacBlock().wrap(new IllegalArgumentException("preset: 'gihub' is unknown (expected: github, stripe)"))
                        .getMessage());
    }

    @Test
    void followsDottedFields() throws Exception {
        assertEquals("g.yaml:8: routes[0].hmac.replay.key: this scheme has no id header (use key: signature)",
                hmacBlock().wrap(new IllegalArgumentException(
                        "replay.key: this scheme has no id header (use key: signature)")).getMessage());
    }

    @Test
    void followsIndexedFields() throws Exception {
        assertEquals("g.yaml:6: routes[0].hmac.secrets[1]: not base64 after 'whsec_'",
                hmacBlock().wrap(new IllegalArgumentException("secrets[1]: not base64 after 'whsec_'")).getMessage());
    }

    @Test
    void placesAnUnwrittenFieldAtTheBlockWithTheFieldInThePath() throws Exception {
        assertEquals("g.yaml:2: routes[0].hmac.public_url: required for preset 'twilio'",
                hmacBlock().wrap(new IllegalArgumentException("public_url: required for preset 'twilio'"))
                        .getMessage());
    }

    @Test
    void keepsAMessageWithoutFieldWhole() throws Exception {
        assertEquals("g.yaml:2: routes[0].hmac: something is off",
                hmacBlock().wrap(new IllegalArgumentException("something is off")).getMessage());
    }
}
