package dev.authgate.cli;

import dev.authgate.Main;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestCerts;
import dev.authgate.testing.TestConfigs;
import dev.authgate.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLSocketFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code authgate jwt mint}: tokens it signs with the key pair {@code authgate gen-certs} makes (ES256), with an RSA
 * PKCS#8 key (RS256) and with an HS256 secret from the environment pass a real jwt route over real TLS; an expired
 * one, one for another audience and one without the scope get their reasons. The JWT scheme's own tests mint with
 * the JDK alone (auth/jwt/TestTokens); this checks the tool that the demo and its users mint with.
 */
class JwtMintCommandTest {
    static final String ISS = "https://demo.authgate.dev/";
    static final String HS_SECRET = "mint-test-hs256-secret-5d1c7e9a20b4f3";

    @TempDir
    static Path dir;
    static TestUpstream backend;
    static GatewayFixture gw;
    static SSLSocketFactory sockets;

    @BeforeAll
    static void start() throws Exception {
        assertEquals(0, Main.execute("gen-certs", "--dir", dir.resolve("demo").toString()));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaKeys = rsa.generateKeyPair();
        Files.writeString(dir.resolve("rsa.key"), pem("PRIVATE KEY", rsaKeys.getPrivate().getEncoded()));
        Files.writeString(dir.resolve("rsa.pub"), pem("PUBLIC KEY", rsaKeys.getPublic().getEncoded()));
        Files.writeString(dir.resolve("hs.secret"), HS_SECRET + "\n");
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        sockets = certs.clientSslContext().getSocketFactory();
        backend = TestUpstream.start();
        gw = GatewayFixture.start(TestConfigs.load(dir, """
                listen:
                  address: 127.0.0.1:0
                  tls: { cert: certs/server.crt, key: certs/server.key }
                upstreams:
                  app: { url: "%s" }
                routes:
                  - name: jwt
                    match: { path_prefix: /orders/ }
                    upstream: app
                    auth:
                      jwt:
                        issuers:
                          - { issuer: "%s", keys: ["${file:demo/jwt-demo.pub}"], audiences: [orders-api],
                              algorithms: [ES256] }
                          - { issuer: rsa-issuer, keys: ["${file:rsa.pub}"], audiences: [orders-api],
                              algorithms: [RS256] }
                          - { issuer: hs-issuer, secret: "${file:hs.secret}", audiences: [orders-api] }
                        scopes: [orders:read]
                """.formatted(backend.url(), ISS)));
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        if (backend != null) backend.close();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    record Run(int code, String out, String err) {
    }

    static Run mint(String... args) {
        JwtMintCommand command = new JwtMintCommand();
        command.env = name -> name.equals("MINT_TEST_SECRET") ? HS_SECRET : null;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A token minted with the demo key for ISS, audience orders-api, sub demo-client, plus {@code extra}. */
    static String demoToken(String... extra) {
        List<String> args = new ArrayList<>(List.of("--key", dir.resolve("demo/jwt-demo.key").toString(),
                "--iss", ISS, "--sub", "demo-client"));
        args.addAll(List.of(extra));
        if (!args.contains("--aud")) args.addAll(List.of("--aud", "orders-api"));
        Run r = mint(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().isEmpty(), r.err());
        String token = r.out().strip();
        assertEquals(3, token.split("\\.").length, token);
        return token;
    }

    static RawHttp.Response get(String token) {
        try (RawHttp c = RawHttp.connectTls(gw.port(), sockets)) {
            return c.send(("GET /orders/42 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8)).read();
        }
    }

    static Map<String, Object> header(String token) {
        String json = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8);
        return new RawHttp.Response("HTTP/1.1 200 OK", 200, List.of(), json.getBytes(StandardCharsets.UTF_8)).json();
    }

    @Test
    void anEs256TokenFromTheGenCertsKeyPassesWithTheThumbprintAsKid() {
        String token = demoToken("--scope", "orders:read", "--scope", "orders:write");
        Map<String, Object> header = header(token);
        assertEquals("ES256", header.get("alg"));
        assertEquals("JWT", header.get("typ"));
        // The gateway names a static PEM key by its RFC 7638 thumbprint: 43 base64url characters of SHA-256.
        assertTrue(String.valueOf(header.get("kid")).matches("[A-Za-z0-9_-]{43}"), header.toString());
        RawHttp.Response r = get(token);
        assertEquals(200, r.status(), r.bodyText());
        TestUpstream.Recorded up = backend.takeRequest();
        assertEquals("jwt", up.header("X-Auth-Scheme"));
        assertEquals("demo-client", up.header("X-Auth-Identity"));
        String detail = gw.accessLog().await(r.header("X-Request-Id")).detail();
        assertTrue(detail.contains("kid=" + header.get("kid") + " alg=ES256"), detail);
        for (String line : gw.accessLog().lines()) {
            assertFalse(line.contains(token.substring(token.lastIndexOf('.') + 1)), "signature in the log");
        }
    }

    @Test
    void anExpiredTokenAnotherAudienceAndAMissingScopeGetTheirReasons() {
        RawHttp.Response expired = get(demoToken("--scope", "orders:read", "--expires-in", "-1h"));
        assertEquals(401, expired.status());
        assertEquals("token_expired", expired.json().get("reason"), expired.bodyText());
        assertTrue(String.valueOf(expired.json().get("detail")).startsWith("expired 1h ago at "), expired.bodyText());
        RawHttp.Response expiredEq = get(demoToken("--scope", "orders:read", "--expires-in=-90s"));
        assertEquals("token_expired", expiredEq.json().get("reason"), expiredEq.bodyText());

        RawHttp.Response aud = get(demoToken("--scope", "orders:read", "--aud", "billing-api"));
        assertEquals(401, aud.status());
        assertEquals("token_audience_mismatch", aud.json().get("reason"), aud.bodyText());

        RawHttp.Response scope = get(demoToken("--scope", "orders:write"));
        assertEquals(403, scope.status());
        assertEquals("scope_insufficient", scope.json().get("reason"), scope.bodyText());
        assertTrue(scope.header("WWW-Authenticate").contains("error=\"insufficient_scope\""));
    }

    @Test
    void signsRs256WithAnRsaKeyAndHs256WithASecretFromTheEnvironment() {
        Run rsa = mint("--key", dir.resolve("rsa.key").toString(), "--iss", "rsa-issuer", "--aud", "orders-api",
                "--sub", "rsa-client", "--scope", "orders:read", "--typ", "at+jwt");
        assertEquals(0, rsa.code(), rsa.err());
        assertEquals("RS256", header(rsa.out().strip()).get("alg"));
        assertEquals("at+jwt", header(rsa.out().strip()).get("typ"));
        assertEquals(200, get(rsa.out().strip()).status());
        assertEquals("rsa-client", backend.takeRequest().header("X-Auth-Identity"));

        Run hs = mint("--secret-env", "MINT_TEST_SECRET", "--iss", "hs-issuer", "--aud", "orders-api", "--sub", "hs",
                "--scope", "orders:read", "--kid", "k-hs");
        assertEquals(0, hs.code(), hs.err());
        assertEquals(Map.of("alg", "HS256", "typ", "JWT", "kid", "k-hs"), header(hs.out().strip()));
        assertEquals(200, get(hs.out().strip()).status());
        assertEquals("hs", backend.takeRequest().header("X-Auth-Identity"));
        assertFalse(hs.out().contains(HS_SECRET) || hs.err().contains(HS_SECRET));
    }

    @Test
    void refusesUsageErrorsAndUnusableKeys() {
        String key = dir.resolve("demo/jwt-demo.key").toString();
        assertEquals(2, mint("--iss", ISS).code(), "neither --key nor --secret-env");
        assertEquals(2, mint("--key", key, "--secret-env", "MINT_TEST_SECRET", "--iss", ISS).code());
        Run duration = mint("--key", key, "--iss", ISS, "--expires-in", "soon");
        assertEquals(2, duration.code());
        assertTrue(duration.err().startsWith("jwt mint: --expires-in: "), duration.err());
        Run unset = mint("--secret-env", "NOT_SET_ANYWHERE", "--iss", ISS);
        assertEquals(2, unset.code());
        assertTrue(unset.err().contains("NOT_SET_ANYWHERE is not set"), unset.err());
        Run publicKey = mint("--key", dir.resolve("demo/jwt-demo.pub").toString(), "--iss", ISS);
        assertEquals(1, publicKey.code());
        assertTrue(publicKey.err().contains("no unencrypted PEM private key"), publicKey.err());
    }
}
