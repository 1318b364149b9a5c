package dev.authgate.config;

import dev.authgate.auth.AnyConfig;
import dev.authgate.auth.apikey.ApiKeyConfig;
import dev.authgate.auth.basic.BasicConfig;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.auth.hmac.HmacConfig;
import dev.authgate.auth.none.NoneConfig;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.testing.TestCerts;
import dev.authgate.tls.TlsConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Valid configs: every key of a full config, the defaults, and the TLS checks that need real certificates. */
class ConfigLoaderTest {
    @TempDir
    Path dir;
    LoaderHarness h;

    @BeforeEach
    void harness() {
        h = new LoaderHarness(dir);
    }

    /** Copies test resource folder {@code config/NAME} into the temp dir and returns its gateway.yaml. */
    private Path copyResources(String name) throws Exception {
        Path source = Path.of(getClass().getResource("/config/" + name + "/gateway.yaml").toURI()).getParent();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = dir.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return dir.resolve("gateway.yaml");
    }

    @Test
    void readsEveryKeyOfAFullConfig() throws Exception {
        Path file = copyResources("full");
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        Map<String, String> env = Map.of("GITHUB_WEBHOOK_SECRET", "gh-now", "GITHUB_WEBHOOK_SECRET_PREVIOUS", "gh-old",
                "TWILIO_TOKEN", "twilio-token", "CI_TOKEN", "ci-token");

        GatewayConfig c = ConfigLoader.load(file, env::get, h.warnings::add, AuthSchemes.standard());

        assertEquals(List.of(), h.warnings);
        assertEquals("authgate-1", c.name());
        assertEquals(new ListenConfig("::1", 8443, new TlsConfig(certs.serverCert(), certs.serverKey(),
                List.of("TLSv1.3"))), c.listen());
        assertEquals(new LimitsConfig(2 * 1024 * 1024, 32 * 1024, Duration.ofSeconds(5), Duration.ofMinutes(2),
                new LimitsConfig.AuthFailuresConfig(10, Duration.ofSeconds(30)),
                List.of("10.0.0.0/8", "fd00::/8", "192.168.1.10/32")), c.limits());
        assertEquals(new AdminConfig("127.0.0.1", 9902), c.admin());
        assertFalse(c.errors().exposeReason());
        assertEquals(List.of("orders", "api"), List.copyOf(c.upstreams().keySet()));
        assertEquals(new UpstreamConfig("orders", URI.create("http://127.0.0.1:3000"), Duration.ofMillis(500),
                Duration.ofHours(1), 64), c.upstreams().get("orders"));
        assertEquals("/base", c.upstreams().get("api").basePath());
        assertEquals(Duration.ofSeconds(2), c.upstreams().get("api").connectTimeout());
        assertEquals(Duration.ofSeconds(30), c.upstreams().get("api").responseTimeout());
        assertEquals(UpstreamConfig.DEFAULT_MAX_IDLE, c.upstreams().get("api").maxIdle());
        assertEquals(file.toAbsolutePath().normalize(), c.source());
        assertEquals(Set.of(file, certs.serverCert(), certs.serverKey(), dir.resolve("users.htpasswd"),
                dir.resolve("secrets/maia"), dir.resolve("secrets/billing")), c.referencedFiles());

        List<RouteConfig> routes = c.routes();
        assertEquals(List.of("github", "maia", "twilio", "api", "ops", "canary"),
                routes.stream().map(RouteConfig::name).toList());

        RouteConfig github = routes.get(0);
        assertEquals(new RouteConfig.MatchConfig("/webhooks/github", null, List.of("POST")), github.match());
        assertEquals("orders", github.upstream());
        assertTrue(github.hideCredentials());
        HmacConfig gh = (HmacConfig) github.auth();
        assertEquals("github", gh.preset());
        assertEquals(List.of("gh-now", "gh-old"), gh.secrets().stream().map(Secret::reveal).toList());

        HmacConfig maia = (HmacConfig) routes.get(1).auth();
        assertFalse(routes.get(1).hideCredentials());
        assertEquals(new HmacConfig(null, "X-Maia-Signature", "sha256", "hex", "sha256=", "{timestamp}.{body}",
                "X-Maia-Timestamp", "X-Maia-Id", Duration.ofMinutes(5), List.of(new Secret("maia-test-secret", "x")),
                new HmacConfig.ReplayConfig("id", Duration.ofMinutes(10), "acknowledge"), null), maia);

        HmacConfig twilio = (HmacConfig) routes.get(2).auth();
        assertEquals("https://hooks.example.com/webhooks/twilio", twilio.publicUrl());

        RouteConfig api = routes.get(3);
        assertEquals(new RouteConfig.MatchConfig(null, "/api/", List.of("GET", "PUT")), api.match());
        AnyConfig any = (AnyConfig) api.auth();
        BearerConfig bearer = (BearerConfig) any.schemes().get(0);
        assertEquals("api", bearer.realm());
        assertEquals("ci-bot", bearer.tokens().get(0).id());
        assertEquals("ci-token", bearer.tokens().get(0).value().reveal());
        ApiKeyConfig key = (ApiKeyConfig) any.schemes().get(1);
        assertEquals("X-Key", key.header());
        assertEquals("billing-test-key", key.keys().get(0).value().reveal());

        BasicConfig basic = (BasicConfig) routes.get(4).auth();
        assertEquals("ops", basic.realm());
        assertEquals(Set.of("alice", "bob"), basic.users().keySet());
        assertEquals(dir.resolve("users.htpasswd"), basic.htpasswd());

        RouteConfig canary = routes.get(5);
        assertNull(canary.upstream());
        assertEquals(204, canary.respond());
        assertInstanceOf(NoneConfig.class, canary.auth());
    }

    @Test
    void fillsEveryDefault() throws Exception {
        GatewayConfig c = h.load("""
                listen:
                  address: 0.0.0.0:8443
                upstreams:
                  app: { url: "http://127.0.0.1:3000" }
                routes:
                  - name: app
                    match: { path_prefix: / }
                    upstream: app
                    auth: { basic: { users: { alice: "%s" } } }
                  - name: keyed
                    match: { path: /keyed }
                    upstream: app
                    auth: { api_key: { keys: ["${env:K}"] } }
                """.formatted(LoaderHarness.HASH).replace("${env:K}", "inline-key"));
        assertEquals(ConfigLoader.hostName(), c.name());
        assertFalse(c.name().isBlank());
        assertEquals(new ListenConfig("0.0.0.0", 8443, null), c.listen());
        assertEquals(LimitsConfig.defaults(), c.limits());
        assertNull(c.limits().authFailures());
        assertEquals(AdminConfig.defaults(), c.admin());
        assertTrue(c.errors().exposeReason());
        assertEquals(Duration.ofSeconds(2), c.upstreams().get("app").connectTimeout());
        assertEquals(Duration.ofSeconds(30), c.upstreams().get("app").responseTimeout());
        RouteConfig app = c.routes().get(0);
        assertEquals(List.of(), app.match().methods());
        assertFalse(app.hideCredentials());
        assertEquals("authgate", ((BasicConfig) app.auth()).realm());
        assertEquals("X-API-Key", ((ApiKeyConfig) c.routes().get(1).auth()).header());
        assertEquals(Set.of(h.file), c.referencedFiles());
        assertEquals(List.of(
                h.at(1) + "listen: no tls: serving plain HTTP (only behind a TLS-terminating load balancer)",
                h.at(13) + "routes[1].auth.api_key.keys[0]: inline secret; use ${env:...} or ${file:...}"), h.warnings);
    }

    @Test
    void defaultsAuthFailuresWhenTheBlockIsEmpty() throws Exception {
        GatewayConfig c = h.load("""
                listen: { address: "127.0.0.1:0" }
                limits:
                  auth_failures: {}
                routes:
                  - { name: a, match: { path: /a }, respond: 204, auth: none }
                """);
        assertEquals(new LimitsConfig.AuthFailuresConfig(20, Duration.ofMinutes(1)), c.limits().authFailures());
    }

    @Test
    void warnsAboutAnUnusedUpstream() throws Exception {
        h.load(LoaderHarness.withRoutes("""
                routes:
                  - { name: a, match: { path: /a }, upstream: orders, auth: none }
                """));
        assertTrue(h.warnings.contains(h.at(5) + "upstreams.api: not used by any route"), h.warnings::toString);
    }

    @Test
    void loadsTlsFilesAndProtocolDefaults() throws Exception {
        TestCerts certs = TestCerts.create(dir);
        GatewayConfig c = h.load("""
                listen:
                  address: 127.0.0.1:0
                  tls: { cert: server-chain.crt, key: server-sec1.key }
                routes:
                  - { name: a, match: { path: /a }, respond: 204, auth: none }
                """);
        assertEquals(new TlsConfig(certs.serverChain(), certs.serverKeySec1(), List.of("TLSv1.3", "TLSv1.2")),
                c.listen().tls());
        assertTrue(c.referencedFiles().containsAll(Set.of(certs.serverChain(), certs.serverKeySec1())));
    }

    @Test
    void refusesAKeyThatDoesNotMatchItsCertificate() throws Exception {
        TestCerts certs = TestCerts.create(dir);
        String message = h.error("""
                listen:
                  address: 127.0.0.1:0
                  tls:
                    cert: server.crt
                    key: unrelated.key
                routes:
                  - { name: a, match: { path: /a }, respond: 204, auth: none }
                """);
        String expectedStart = h.at(5) + "listen.tls.key: " + certs.unrelatedKey() + ": does not match the certificate in "
                + certs.serverCert();
        assertTrue(message.startsWith(expectedStart), message);
    }

    @Test
    void refusesACertFileThatIsNotPem() throws Exception {
        TestCerts.create(dir);
        Path notPem = h.write("server.der", "garbage");
        String message = h.error("""
                listen:
                  address: 127.0.0.1:0
                  tls:
                    cert: server.der
                    key: server.key
                routes:
                  - { name: a, match: { path: /a }, respond: 204, auth: none }
                """);
        assertTrue(message.startsWith(h.at(4) + "listen.tls.cert: " + notPem + ": "), message);
    }
}
