package dev.authgate.config;

import dev.authgate.auth.schemes.AuthSchemes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.authgate.config.LoaderHarness.withRoutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Each refused config yields one exact message: file, line, key path, problem. */
class ConfigLoaderRefusalTest {
    @TempDir
    Path dir;
    LoaderHarness h;

    @BeforeEach
    void harness() {
        h = new LoaderHarness(dir);
    }

    @Test
    void refusesUnknownTopLevelKeyNamingTheKnownOnes() {
        assertEquals(h.at(3) + "listne: unknown key (known: gateway, listen, limits, admin, errors, trace, upstreams, "
                        + "routes, state)",
                h.error("""
                        listen:
                          address: 127.0.0.1:0
                        listne: x
                        """));
    }

    @Test
    void refusesAnUnknownTraceModeNamingTheKey() {
        assertEquals(h.at(3) + "trace.mode: 'zipkin' (expected: propagate, restart or ignore)",
                h.error("""
                        listen:
                          address: 127.0.0.1:0
                        trace: { mode: zipkin }
                        """));
        assertEquals(h.at(3) + "trace.sampler: unknown key (known: mode)",
                h.error("""
                        listen:
                          address: 127.0.0.1:0
                        trace: { sampler: always }
                        """));
    }

    @Test
    void refusesUnknownNestedKeyWithItsFullPath() {
        assertEquals(h.at(8) + "routes[0].match.paht: unknown key (known: path, path_prefix, methods)",
                h.error(withRoutes("""
                        routes:
                          - name: a
                            match: { paht: /x }
                            upstream: orders
                            auth: none
                        """)));
    }

    @Test
    void refusesUnknownKeyInAnUpstream() {
        assertEquals(h.at(4) + "upstreams.orders.timeout: unknown key (known: url, connect_timeout, response_timeout, "
                        + "max_idle)",
                h.error("""
                        listen:
                          address: 127.0.0.1:0
                        upstreams:
                          orders: { url: "http://127.0.0.1:1", timeout: 1s }
                        """));
    }

    @Test
    void refusesANegativeMaxIdle() {
        assertEquals(h.at(4) + "upstreams.orders.max_idle: -1 (expected: >= 0)", h.error("""
                listen:
                  address: 127.0.0.1:0
                upstreams:
                  orders: { url: "http://127.0.0.1:1", max_idle: -1 }
                """));
    }

    @Test
    void readsARouteCaptureAndRefusesAnOversizedOrUnknownKey() throws Exception {
        String route = """
                listen:
                  address: 127.0.0.1:0
                routes:
                  - name: hooks
                    match: { path: /hooks }
                    respond: 204
                    auth: none
                    capture: %s
                """;
        Path ok = dir.resolve("capture.yaml");
        Files.writeString(ok, route.formatted("{ rejected: true }"));
        RouteConfig r = ConfigLoader.load(ok, AuthSchemes.standard()).routes().get(0);
        assertEquals(new CaptureConfig(true, 64 * 1024), r.capture());
        assertEquals(h.at(8) + "routes[0].capture.max_body: 2097152 bytes (expected: 0 to 1MiB)",
                h.error(route.formatted("{ rejected: true, max_body: 2MiB }")));
        assertEquals(h.at(8) + "routes[0].capture.rejectd: unknown key (known: rejected, max_body)",
                h.error(route.formatted("{ rejectd: true }")));
    }

    @Test
    void refusesDuplicateYamlKeys() {
        assertEquals(h.at(3) + "listen.address: duplicate key (first on line 2)", h.error("""
                listen:
                  address: 127.0.0.1:0
                  address: 127.0.0.1:1
                """));
    }

    @Test
    void refusesAWordWhereADurationIsExpected() {
        assertEquals(h.at(4) + "limits.header_timeout: expected a duration like 10s, got 'ten'", h.error("""
                listen:
                  address: 127.0.0.1:0
                limits:
                  header_timeout: ten
                """));
    }

    @Test
    void refusesABareNumberWhereADurationIsExpected() {
        assertEquals(h.at(4) + "upstreams.orders.connect_timeout: expected a duration like 10s, got '2'", h.error("""
                listen:
                  address: 127.0.0.1:0
                upstreams:
                  orders: { url: "http://127.0.0.1:1", connect_timeout: 2 }
                """));
    }

    @Test
    void refusesADecimalSizeUnit() {
        assertEquals(h.at(4) + "limits.max_body: expected a size like 64KiB, 1MiB or a number of bytes, got '1MB'",
                h.error("""
                        listen:
                          address: 127.0.0.1:0
                        limits:
                          max_body: 1MB
                        """));
    }

    @Test
    void refusesYesWhereABooleanIsExpected() {
        assertEquals(h.at(4) + "errors.expose_reason: expected true or false, got 'yes'", h.error("""
                listen:
                  address: 127.0.0.1:0
                errors:
                  expose_reason: yes
                """));
    }

    @Test
    void refusesAScalarWhereAMappingIsExpected() {
        assertEquals(h.at(1) + "listen: expected a mapping, got '8443'", h.error("""
                listen: 8443
                """));
    }

    @Test
    void refusesAMappingWhereAListIsExpected() {
        assertEquals(h.at(7) + "routes: expected a list, got a mapping", h.error(withRoutes("""
                routes:
                  name: a
                """)));
    }

    @Test
    void refusesAMissingListenBlock() {
        assertEquals(h.at(1) + "listen: required", h.error("""
                routes: []
                """));
    }

    @Test
    void refusesAnAddressWithoutPort() {
        assertEquals(h.at(2) + "listen.address: expected host:port like 0.0.0.0:8443 or [::1]:8443, got '0.0.0.0'",
                h.error("""
                        listen:
                          address: 0.0.0.0
                        """));
    }

    @Test
    void refusesAnAdminListenerOnTheListenPort() {
        assertEquals(h.at(4) + "admin.address: same port as listen.address (0.0.0.0:8443)", h.error("""
                listen:
                  address: 0.0.0.0:8443
                admin:
                  address: 127.0.0.1:8443
                """));
    }

    @Test
    void refusesAnUnknownUpstreamNamingTheKnownOnes() {
        assertEquals(h.at(9) + "routes[0].upstream: unknown upstream 'billing' (known: orders, api)",
                h.error(withRoutes("""
                        routes:
                          - name: a
                            match: { path: /a }
                            upstream: billing
                            auth: none
                        """)));
    }

    @Test
    void refusesDuplicateRouteNames() {
        assertEquals(h.at(11) + "routes[1].name: duplicate route name 'a' (also routes[0], line 7)",
                h.error(withRoutes("""
                        routes:
                          - name: a
                            match: { path: /a }
                            upstream: orders
                            auth: none
                          - name: a
                            match: { path: /b }
                            upstream: orders
                            auth: none
                        """)));
    }

    @Test
    void refusesARouteWithoutAuth() {
        assertEquals(h.at(11) + "routes[1].auth: required (write auth: none for an open route)",
                h.error(withRoutes("""
                        routes:
                          - name: a
                            match: { path: /a }
                            upstream: orders
                            auth: none
                          - name: b
                            match: { path: /b }
                            upstream: orders
                        """)));
    }

    @Test
    void refusesAnEmptyAuthAsMissing() {
        assertEquals(h.at(10) + "routes[0].auth: required (write auth: none for an open route)",
                h.error(withRoutes("""
                        routes:
                          - name: a
                            match: { path: /a }
                            upstream: orders
                            auth:
                        """)));
    }

    @Test
    void refusesUpstreamTogetherWithRespond() {
        assertEquals(h.at(10) + "routes[0].respond: use either upstream or respond, not both",
                h.error(withRoutes("""
                        routes:
                          - name: a
                            match: { path: /a }
                            upstream: orders
                            respond: 204
                            auth: none
                        """)));
    }

    @Test
    void refusesARouteWithNeitherUpstreamNorRespond() {
        assertEquals(h.at(7) + "routes[0].upstream: required (or respond: 204 for an auth-only route)",
                h.error(withRoutes("""
                        routes:
                          - name: a
                            match: { path: /a }
                            auth: none
                        """)));
    }

    @Test
    void reportsARecordCheckAtTheFieldItNames() {
        // RouteConfig's own check: "respond: 404 (expected: a 2xx status)"
        assertEquals(h.at(9) + "routes[0].respond: 404 (expected: a 2xx status)", h.error(withRoutes("""
                routes:
                  - name: a
                    match: { path: /a }
                    respond: 404
                    auth: none
                """)));
    }

    @Test
    void reportsANestedRecordCheckAtTheFieldItNames() {
        assertEquals(h.at(5) + "limits.auth_failures.max: 0 (expected: > 0)", h.error("""
                listen:
                  address: 127.0.0.1:0
                limits:
                  auth_failures:
                    max: 0
                """));
    }

    @Test
    void reportsAnUpstreamRecordCheckAtTheUrl() {
        assertEquals(h.at(4) + "upstreams.orders.url: https://x:1 (expected: http://host:port)", h.error("""
                listen:
                  address: 127.0.0.1:0
                upstreams:
                  orders: { url: "https://x:1" }
                """));
    }

    @Test
    void refusesBothPathAndPrefix() {
        assertEquals(h.at(8) + "routes[0].match.path_prefix: use either path or path_prefix, not both",
                h.error(withRoutes("""
                        routes:
                          - name: a
                            match: { path: /a, path_prefix: /b }
                            upstream: orders
                            auth: none
                        """)));
    }

    @Test
    void refusesAPathNotStartingWithSlash() {
        assertEquals(h.at(9) + "routes[0].match.path: expected a path starting with / without query, fragment or spaces,"
                + " got 'a'", h.error(withRoutes("""
                routes:
                  - name: a
                    match:
                      path: a
                    upstream: orders
                    auth: none
                """)));
    }

    @Test
    void refusesTwoRoutesWithTheSamePath() {
        assertEquals(h.at(12) + "routes[1].match.path: '/a' is already matched by routes[0] (a)",
                h.error(withRoutes("""
                        routes:
                          - name: a
                            match: { path: /a, methods: [GET] }
                            upstream: orders
                            auth: none
                          - name: b
                            match: { path: /a, methods: [POST] }
                            upstream: orders
                            auth: none
                        """)));
    }

    @Test
    void refusesAMethodThatIsNotAToken() {
        assertEquals(h.at(8) + "routes[0].match.methods[1]: expected an HTTP method like GET, got 'GE T'",
                h.error(withRoutes("""
                        routes:
                          - name: a
                            match: { path: /a, methods: [POST, "GE T"] }
                            upstream: orders
                            auth: none
                        """)));
    }

    @Test
    void refusesTlsProtocolsBelow12() throws Exception {
        Files.writeString(dir.resolve("server.crt"), "x");
        Files.writeString(dir.resolve("server.key"), "x");
        assertEquals(h.at(6) + "listen.tls.protocols[1]: TLSv1.1 is not allowed; the minimum is TLSv1.2"
                + " (expected: TLSv1.3, TLSv1.2)", h.error("""
                listen:
                  address: 127.0.0.1:0
                  tls:
                    cert: server.crt
                    key: server.key
                    protocols: [TLSv1.3, TLSv1.1]
                """));
    }

    @Test
    void refusesAMissingCertFileNamingTheResolvedPath() {
        assertEquals(h.at(4) + "listen.tls.cert: file " + dir.resolve("certs/server.crt") + " not found", h.error("""
                listen:
                  address: 127.0.0.1:0
                  tls:
                    cert: sub/../certs/server.crt
                    key: certs/server.key
                """));
    }

    @Test
    void refusesAMissingKeyFile() throws Exception {
        Files.writeString(dir.resolve("server.crt"), "x");
        assertEquals(h.at(5) + "listen.tls.key: file " + dir.resolve("server.key") + " not found", h.error("""
                listen:
                  address: 127.0.0.1:0
                  tls:
                    cert: server.crt
                    key: server.key
                """));
    }

    @Test
    void refusesTlsWithoutKey() throws Exception {
        Files.writeString(dir.resolve("server.crt"), "x");
        assertEquals(h.at(3) + "listen.tls.key: required", h.error("""
                listen:
                  address: 127.0.0.1:0
                  tls:
                    cert: server.crt
                """));
    }

    @Test
    void refusesAnInvalidCidr() {
        assertEquals(h.at(4) + "limits.trusted_proxies[1]: '10.0.0.0/33' is not a CIDR like 10.0.0.0/8 or fd00::/8",
                h.error("""
                        listen:
                          address: 127.0.0.1:0
                        limits:
                          trusted_proxies: [10.0.0.0/8, 10.0.0.0/33]
                        """));
    }

    @Test
    void refusesAHostNameAsTrustedProxy() {
        assertEquals(h.at(5) + "limits.trusted_proxies[0]: 'proxy.internal' is not a CIDR like 10.0.0.0/8 or fd00::/8",
                h.error("""
                        listen:
                          address: 127.0.0.1:0
                        limits:
                          trusted_proxies:
                            - proxy.internal
                        """));
    }

    @Test
    void refusesASecretReferenceOutsideASecretField() {
        assertEquals(h.at(4) + "upstreams.orders.url: ${env:...} and ${file:...} are only resolved in secrets"
                + " (tokens, keys, hmac secrets)", h.error("""
                listen:
                  address: 127.0.0.1:0
                upstreams:
                  orders: { url: "${env:ORDERS_URL}" }
                """));
    }

    @Test
    void refusesYamlSyntaxErrorsWithTheirLine() {
        String message = h.error("""
                listen:
                  address: 127.0.0.1:0
                  tls: cert: x
                """);
        assertEquals(h.at(3) + "YAML syntax: mapping values are not allowed here", message);
    }

    @Test
    void refusesYamlMergeKeys() {
        assertEquals(h.at(4) + "upstreams.b: YAML merge keys (<<) are not supported; write the keys out", h.error("""
                listen: { address: "127.0.0.1:0" }
                upstreams:
                  a: &base { url: "http://127.0.0.1:1" }
                  b: { <<: *base }
                """));
    }

    @Test
    void refusesAliasBombs() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'z'; c++) {
            char prev = (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append("]\n");
        }
        String message = h.error(yaml.toString());
        assertEquals(h.file + ": YAML: Number of aliases for non-scalar nodes exceeds the specified max=20", message);
    }

    @Test
    void refusesAnEmptyFile() {
        assertEquals(h.file + ": the file is empty", h.error(""));
    }

    @Test
    void refusesAMissingFile() {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.load(missing, java.util.Map.of(), AuthSchemes.standard()));
        assertEquals(missing + ": file not found", e.getMessage());
    }

    @Test
    void refusesAnInvalidRouteName() {
        String message = h.error(withRoutes("""
                routes:
                  - name: "my route"
                    match: { path: /a }
                    upstream: orders
                    auth: none
                """));
        assertEquals(h.at(7) + "routes[0].name: expected a route name of letters, digits, '.', '_' or '-',"
                + " got 'my route'", message);
        assertFalse(message.contains("\n"));
    }
}
