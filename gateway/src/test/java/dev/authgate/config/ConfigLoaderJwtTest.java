package dev.authgate.config;

import dev.authgate.auth.jwt.JwtAlgorithm;
import dev.authgate.auth.jwt.JwtConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static dev.authgate.config.LoaderHarness.withRoutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code auth: { jwt: ... }}: defaults, and every refusal names its key without echoing a secret. */
class ConfigLoaderJwtTest {
    static final String SECRET = "jwt-secret-for-config-tests-0123456789";

    @TempDir
    Path dir;
    LoaderHarness h;

    @BeforeEach
    void harness() {
        h = new LoaderHarness(dir);
        h.env.put("HS", SECRET);
        h.env.put("SHORT", "too-short-secret");
    }

    private static String route(String jwtBlock) {
        return withRoutes("""
                routes:
                  - name: r
                    match: { path: /r }
                    upstream: orders
                    auth:
                      jwt:
                """ + jwtBlock.indent(8));
    }

    @Test
    void readsDefaults() throws Exception {
        JwtConfig c = (JwtConfig) h.load(route("""
                issuers:
                  - { issuer: https://login.example.com/, jwks_url: https://login.example.com/jwks, audiences: [api] }
                  - { issuer: hs, secret: "${env:HS}", audiences: any }
                  - { issuer: local, jwks_url: "http://127.0.0.1:8080/jwks", audiences: [api] }
                """)).routes().get(0).auth();
        assertEquals(Duration.ofSeconds(60), c.leeway());
        assertEquals("sub", c.identityClaim());
        assertNull(c.maxLifetime());
        assertEquals(Set.of(JwtAlgorithm.RS256, JwtAlgorithm.PS256, JwtAlgorithm.ES256), c.issuers().get(0).algorithms());
        assertEquals(Set.of(JwtAlgorithm.HS256), c.issuers().get(1).algorithms());
        assertNull(c.issuers().get(1).audiences());
        assertEquals(List.of("api"), c.issuers().get(2).audiences());
        assertFalse(c.issuers().get(1).toString().contains(SECRET));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "none|{ issuer: a, jwks_url: https://a/j, audiences: [x], algorithms: [none] }|none cannot be configured",
            "hs with keys|{ issuer: a, jwks_url: https://a/j, audiences: [x], algorithms: [HS256] }|HS256 needs secret:",
            "rs with secret|{ issuer: a, secret: \"${env:HS}\", audiences: [x], algorithms: [RS256] }|RS256 needs public keys",
            "short secret|{ issuer: a, secret: \"${env:SHORT}\", audiences: [x] }|an HS secret needs at least 32 bytes, this one has 16",
            "hs512 secret|{ issuer: a, secret: \"${env:HS}\", audiences: [x], algorithms: [HS512] }|HS512 needs a secret of at least 64 bytes",
            "plain http|{ issuer: a, jwks_url: http://login.example.com/j, audiences: [x] }|must be https://",
            "two sources|{ issuer: a, jwks_url: https://a/j, secret: \"${env:HS}\", audiences: [x] }|expected exactly one of jwks_url, keys, secret (2 given)",
            "no audiences|{ issuer: a, jwks_url: https://a/j }|required (the API's audience",
            "unknown alg|{ issuer: a, jwks_url: https://a/j, audiences: [x], algorithms: [EdDSA] }|expected one of RS256",
    })
    void refusesAnIssuer(String name, String issuer, String expected) {
        String msg = h.error(route("issuers: [ " + issuer + " ]\n"));
        assertTrue(msg.contains("routes[0].auth.jwt.issuers[0]"), msg);
        assertTrue(msg.contains(expected), msg);
        assertFalse(msg.contains(SECRET), msg);
    }

    @Test
    void refusesALeewayAboveFiveMinutesAndAReservedForwardHeader() {
        String base = "issuers: [ { issuer: a, jwks_url: https://a/j, audiences: [x] } ]\n";
        String leeway = h.error(route(base + "leeway: 6m\n"));
        assertTrue(leeway.contains("routes[0].auth.jwt.leeway: expected 0s to 5m, got 360s"), leeway);
        String forward = h.error(route(base + "forward_claims: { X-Auth-Identity: sub }\n"));
        assertTrue(forward.contains("routes[0].auth.jwt.forward_claims.X-Auth-Identity: X-Auth-Identity is set or "
                + "checked by the gateway"), forward);
    }
}
