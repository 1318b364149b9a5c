package dev.authgate.config;

import dev.authgate.auth.AnyConfig;
import dev.authgate.auth.apikey.ApiKeyConfig;
import dev.authgate.auth.basic.BasicConfig;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.auth.hmac.HmacConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.authgate.config.LoaderHarness.HASH;
import static dev.authgate.config.LoaderHarness.withRoutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The auth forms of routes[N].auth: what each reads into, and each refusal's exact message. */
class ConfigLoaderAuthTest {
    @TempDir
    Path dir;
    LoaderHarness h;

    @BeforeEach
    void harness() {
        h = new LoaderHarness(dir);
        h.env.put("TOKEN_A", "token-a-value");
        h.env.put("TOKEN_B", "token-b-value");
        h.env.put("TOKEN_C2", "token-c-value");
    }

    /** One route "r" on upstream orders with the given auth block (its first line is line 10). */
    private static String route(String auth) {
        return withRoutes("""
                routes:
                  - name: r
                    match: { path: /r }
                    upstream: orders
                """ + auth.indent(4));
    }

    private AuthConfig auth(String authBlock) throws ConfigException {
        return h.load(route(authBlock)).routes().get(0).auth();
    }

    @Test
    void readsBearerTokensAsIdValuePairsOrPlainStrings() throws Exception {
        BearerConfig bearer = (BearerConfig) auth("""
                auth:
                  bearer:
                    realm: ops
                    tokens:
                      - { id: ci-bot, value: "${env:TOKEN_A}" }
                      - "${env:TOKEN_B}"
                """);
        assertEquals("ops", bearer.realm());
        assertEquals("ci-bot", bearer.tokens().get(0).id());
        assertEquals("token-a-value", bearer.tokens().get(0).value().reveal());
        assertEquals("env:TOKEN_A", bearer.tokens().get(0).value().origin());
        assertNull(bearer.tokens().get(1).id());
        assertEquals(Secret.fingerprint("token-b-value"), bearer.tokens().get(1).identity());
        assertTrue(h.warnings.stream().noneMatch(w -> w.contains("secret")), h.warnings::toString);
    }

    @Test
    void readsApiKeysWithTheDefaultHeader() throws Exception {
        ApiKeyConfig key = (ApiKeyConfig) auth("""
                auth: { api_key: { keys: [ { id: billing, value: "${env:TOKEN_A}" } ] } }
                """);
        assertEquals("X-API-Key", key.header());
        assertEquals("billing", key.keys().get(0).identity());
    }

    @Test
    void readsAnyAsAnOrderedListOfSchemes() throws Exception {
        AnyConfig any = (AnyConfig) auth("""
                auth:
                  any:
                    - bearer: { tokens: ["${env:TOKEN_A}"] }
                    - api_key: { header: X-Key, keys: ["${env:TOKEN_B}"] }
                """);
        assertInstanceOf(BearerConfig.class, any.schemes().get(0));
        assertEquals("X-Key", ((ApiKeyConfig) any.schemes().get(1)).header());
    }

    @Test
    void readsAGenericHmacBlockWithReplay() throws Exception {
        h.env.put("MAIA", "maia-secret");
        HmacConfig hmac = (HmacConfig) auth("""
                auth:
                  hmac:
                    header: X-Maia-Signature
                    algorithm: sha256
                    encoding: hex
                    prefix: "sha256="
                    payload: "{timestamp}.{body}"
                    timestamp_header: X-Maia-Timestamp
                    id_header: X-Maia-Id
                    tolerance: 5m
                    secrets: ["${env:MAIA}", "${env:TOKEN_A}"]
                    replay: { key: id, ttl: 10m, on_duplicate: acknowledge }
                """);
        assertNull(hmac.preset());
        assertEquals("X-Maia-Signature", hmac.header());
        assertEquals("sha256", hmac.algorithm());
        assertEquals("hex", hmac.encoding());
        assertEquals("sha256=", hmac.prefix());
        assertEquals("{timestamp}.{body}", hmac.payload());
        assertEquals("X-Maia-Timestamp", hmac.timestampHeader());
        assertEquals("X-Maia-Id", hmac.idHeader());
        assertEquals(java.time.Duration.ofMinutes(5), hmac.tolerance());
        assertEquals(2, hmac.secrets().size());
        assertEquals("maia-secret", hmac.secrets().get(0).reveal());
        assertEquals(new HmacConfig.ReplayConfig("id", java.time.Duration.ofMinutes(10), "acknowledge"), hmac.replay());
    }

    @Test
    void refusesAnUnsetEnvironmentVariableInHmacSecrets() {
        assertEquals(h.at(13) + "routes[0].auth.hmac.secrets[1]: environment variable GH_SECRET is not set",
                h.error(route("""
                        auth:
                          hmac:
                            preset: github
                            secrets: ["${env:TOKEN_A}", "${env:GH_SECRET}"]
                        """)));
    }

    @Test
    void refusesABadReplayKeyAtItsLine() {
        assertEquals(h.at(14) + "routes[0].auth.hmac.replay.key: 'nope' (expected: id or signature)",
                h.error(route("""
                        auth:
                          hmac:
                            preset: github
                            secrets: ["${env:TOKEN_A}"]
                            replay: { key: nope }
                        """)));
    }

    @Test
    void refusesHmacWithoutSecrets() {
        assertEquals(h.at(11) + "routes[0].auth.hmac.secrets: required", h.error(route("""
                auth:
                  hmac:
                    preset: github
                """)));
    }

    @Test
    void refusesAnEmptyHmacSecretListWithTheRecordsMessage() {
        // the same wrapping carries HmacSchemes.validate's "field: problem" messages
        assertEquals(h.at(13) + "routes[0].auth.hmac.secrets: at least one secret is required", h.error(route("""
                auth:
                  hmac:
                    preset: github
                    secrets: []
                """)));
    }

    @Test
    void refusesAnEmptyTokenListWithTheRecordsMessage() {
        assertEquals(h.at(11) + "routes[0].auth.bearer.tokens: at least one token is required", h.error(route("""
                auth:
                  bearer: { tokens: [] }
                """)));
    }

    @Test
    void refusesTwoSchemesWithoutAny() {
        assertEquals(h.at(12) + "routes[0].auth.api_key: one scheme per route; list several under any: [...] (one of "
                        + "them) or all: [...] (every one)",
                h.error(route("""
                        auth:
                          bearer: { tokens: ["${env:TOKEN_A}"] }
                          api_key: { keys: ["${env:TOKEN_B}"] }
                        """)));
    }

    @Test
    void refusesAnUnknownScheme() {
        assertEquals(h.at(11) + "routes[0].auth.oauth: unknown key (known: bearer, api_key, basic, hmac, mtls, jwt, "
                        + "any, all)",
                h.error(route("""
                        auth:
                          oauth: {}
                        """)));
    }

    @Test
    void refusesASchemeNameAsAScalar() {
        assertEquals(h.at(10) + "routes[0].auth: expected none or one of bearer, api_key, basic, hmac, mtls, jwt, any,"
                + " all,"
                + " got 'bearer'", h.error(route("""
                auth: bearer
                """)));
    }

    @Test
    void refusesNoneInsideAny() {
        assertEquals(h.at(13) + "routes[0].auth.any[1]: none is not allowed inside any (an open route is just auth: none)",
                h.error(route("""
                        auth:
                          any:
                            - bearer: { tokens: ["${env:TOKEN_A}"] }
                            - none
                        """)));
    }

    @Test
    void refusesNestedAny() {
        assertEquals(h.at(12) + "routes[0].auth.any[0].any: any may not be nested in any", h.error(route("""
                auth:
                  any:
                    - any: []
                """)));
    }

    @Test
    void refusesNestedAllAndASecondLevelOfNesting() {
        assertEquals(h.at(12) + "routes[0].auth.all[0].all: all may not be nested in all", h.error(route("""
                auth:
                  all:
                    - all: []
                """)));
        assertEquals(h.at(13) + "routes[0].auth.all[0].any[0].all: any: and all: nest one level only",
                h.error(route("""
                        auth:
                          all:
                            - any:
                                - all: []
                        """)));
    }

    @Test
    void refusesNoneInsideAllAndAnAllOfOne() {
        assertEquals(h.at(13) + "routes[0].auth.all[1]: none is not allowed inside all (an open route is just auth: "
                + "none)", h.error(route("""
                        auth:
                          all:
                            - bearer: { tokens: ["${env:TOKEN_A}"] }
                            - none
                        """)));
        assertEquals(h.at(11) + "routes[0].auth.all: at least two schemes are required (one scheme needs no all:)",
                h.error(route("""
                        auth:
                          all:
                            - bearer: { tokens: ["${env:TOKEN_A}"] }
                        """)));
    }

    @Test
    void readsAllWithANestedAny() throws Exception {
        AuthConfig auth = auth("""
                auth:
                  all:
                    - hmac: { header: X-Sig, secrets: ["${env:TOKEN_A}"] }
                    - any:
                        - bearer: { tokens: ["${env:TOKEN_B}"] }
                        - api_key: { keys: ["${env:TOKEN_C2}"] }
                """);
        assertEquals("all(hmac,any(bearer,api_key))", auth.summary());
        assertEquals(List.of("hmac", "bearer", "api_key"),
                AnyConfig.members(auth).stream().map(AuthConfig::scheme).toList());
    }

    @Test
    void refusesAnMtlsRouteWithoutAClientCa() {
        assertEquals(h.at(10) + "routes[0].auth: mtls needs listen.tls.client_ca (the CAs that issue client "
                + "certificates); without it no client certificate is requested", h.error(route("""
                        auth: { mtls: { sans: [partner.example.net] } }
                        """)));
        assertEquals(h.at(10) + "routes[0].auth.mtls.subjects: an mtls route needs at least one of subjects, sans or "
                + "fingerprints (it admits only the certificates it lists)", h.error(route("""
                        auth: { mtls: { forward: xfcc } }
                        """)));
        assertEquals(h.at(10) + "routes[0].auth.mtls.fingerprints[0]: expected sha256: and 64 hex digits (openssl "
                + "x509 -noout -fingerprint -sha256 -in client.crt)", h.error(route("""
                        auth: { mtls: { fingerprints: ["sha256:abc"] } }
                        """)));
        assertEquals(h.at(10) + "routes[0].auth.mtls.forward: 'envoy' (expected: rfc9440, xfcc or none)",
                h.error(route("""
                        auth: { mtls: { sans: [a], forward: envoy } }
                        """)));
    }

    @Test
    void refusesDuplicateCredentialIds() {
        assertEquals(h.at(14) + "routes[0].auth.bearer.tokens[1].id: duplicate id 'ci' (first on line 13)",
                h.error(route("""
                        auth:
                          bearer:
                            tokens:
                              - { id: ci, value: "${env:TOKEN_A}" }
                              - { id: ci, value: "${env:TOKEN_B}" }
                        """)));
    }

    @Test
    void refusesTheSameCredentialTwiceWithoutEchoingIt() {
        h.env.put("TOKEN_C", "token-a-value");
        String message = h.error(route("""
                auth:
                  bearer:
                    tokens: ["${env:TOKEN_A}", "${env:TOKEN_C}"]
                """));
        assertEquals(h.at(12) + "routes[0].auth.bearer.tokens[1]: same value as routes[0].auth.bearer.tokens[0];"
                + " each credential must be distinct", message);
        assertFalse(message.contains("token-a-value"));
    }

    @Test
    void refusesAnApiKeyHeaderThatIsNotAHeaderName() {
        assertEquals(h.at(10) + "routes[0].auth.api_key.header: expected a header name like X-API-Key, got 'X API Key'",
                h.error(route("""
                        auth: { api_key: { header: "X API Key", keys: ["${env:TOKEN_A}"] } }
                        """)));
    }

    @Test
    void readsBcryptUsers() throws Exception {
        BasicConfig basic = (BasicConfig) auth("""
                auth:
                  basic:
                    users: { alice: "%s" }
                """.formatted(HASH));
        assertEquals("authgate", basic.realm());
        assertEquals(Map.of("alice", HASH), basic.users());
        assertNull(basic.htpasswd());
    }

    @Test
    void refusesAPlaintextPasswordWithoutEchoingIt() {
        String message = h.error(route("""
                auth:
                  basic:
                    users:
                      alice: hunter2
                """));
        assertEquals(h.at(13) + "routes[0].auth.basic.users.alice: not a bcrypt hash; make one with authgate"
                + " hash-password", message);
        assertFalse(message.contains("hunter2"));
    }

    @Test
    void mergesAnHtpasswdFileWithInlineUsers() throws Exception {
        String bobHash = at.favre.lib.crypto.bcrypt.BCrypt.withDefaults().hashToString(4, "b".toCharArray());
        Path file = h.write("users.htpasswd", "# ops users\n\nbob:" + bobHash + "\r\ncarol:" + HASH + "\n");
        GatewayConfig config = h.load(route("""
                auth:
                  basic:
                    realm: ops
                    users: { alice: "%s" }
                    htpasswd: users.htpasswd
                """.formatted(HASH)));
        BasicConfig basic = (BasicConfig) config.routes().get(0).auth();
        assertEquals(Map.of("alice", HASH, "bob", bobHash, "carol", HASH), basic.users());
        assertEquals(file, basic.htpasswd());
        assertTrue(config.referencedFiles().contains(file));
    }

    @Test
    void refusesAPlaintextPasswordInHtpasswdNamingFileLineAndUser() {
        Path file = h.write("users.htpasswd", "alice:" + HASH + "\nbob:hunter2\n");
        String message = h.error(route("""
                auth:
                  basic:
                    htpasswd: users.htpasswd
                """));
        assertEquals(h.at(12) + "routes[0].auth.basic.htpasswd: " + file + ":2: user 'bob': not a bcrypt hash;"
                + " make one with authgate hash-password", message);
        assertFalse(message.contains("hunter2"));
    }

    @Test
    void refusesAnHtpasswdLineWithoutColonWithoutEchoingIt() {
        Path file = h.write("users.htpasswd", "alice:" + HASH + "\nhunter2\n");
        String message = h.error(route("""
                auth: { basic: { htpasswd: users.htpasswd } }
                """));
        assertEquals(h.at(10) + "routes[0].auth.basic.htpasswd: " + file + ":2: expected user:hash", message);
        assertFalse(message.contains("hunter2"));
    }

    @Test
    void refusesAUserBothInlineAndInHtpasswd() {
        Path file = h.write("users.htpasswd", "alice:" + HASH + "\n");
        assertEquals(h.at(14) + "routes[0].auth.basic.htpasswd: " + file + ":1: user 'alice': duplicate user"
                + " (also in users (line 13))", h.error(route("""
                auth:
                  basic:
                    users:
                      alice: "%s"
                    htpasswd: users.htpasswd
                """.formatted(HASH))));
    }

    @Test
    void refusesADuplicateUserInsideHtpasswd() {
        Path file = h.write("users.htpasswd", "alice:" + HASH + "\nalice:" + HASH + "\n");
        assertEquals(h.at(12) + "routes[0].auth.basic.htpasswd: " + file + ":2: user 'alice': duplicate user"
                + " (also in " + file + ":1)", h.error(route("""
                auth:
                  basic:
                    htpasswd: users.htpasswd
                """)));
    }

    @Test
    void refusesAMissingHtpasswdFile() {
        assertEquals(h.at(10) + "routes[0].auth.basic.htpasswd: file " + dir.resolve("nope") + " not found",
                h.error(route("""
                        auth: { basic: { htpasswd: nope } }
                        """)));
    }

    @Test
    void refusesBasicWithoutUsers() {
        assertEquals(h.at(11) + "routes[0].auth.basic: users or htpasswd is required", h.error(route("""
                auth:
                  basic: { realm: x }
                """)));
    }

    @Test
    void refusesARealmWithAQuote() {
        assertEquals(h.at(10) + "routes[0].auth.bearer.realm: a realm may not contain '\"' or '\\' (it is sent as a"
                + " quoted string)", h.error(route("""
                auth: { bearer: { realm: 'a"b', tokens: ["${env:TOKEN_A}"] } }
                """)));
    }
}
