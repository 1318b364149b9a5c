package dev.authgate.cli;

import dev.authgate.Main;
import dev.authgate.auth.jwt.JwksServer;
import dev.authgate.auth.jwt.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code authgate jwt inspect} and {@code authgate explain} on a jwt route whose keys come from a real JWKS server. */
class JwtCommandTest {
    static final Instant NOW = Instant.parse("2026-12-01T11:12:00Z");
    static final String ISS = "https://login.example.com/";

    @TempDir
    Path dir;
    private JwksServer jwks;
    private Path config;

    @BeforeEach
    void setUp() throws Exception {
        jwks = JwksServer.start(TestTokens.jwks(TestTokens.jwk(TestTokens.keys("ec256").getPublic(), "k1")));
        config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                listen: { address: 127.0.0.1:0 }
                routes:
                  - name: orders
                    match: { path: /orders }
                    respond: 204
                    auth:
                      jwt:
                        issuers: [ { issuer: "%s", jwks_url: "%s", audiences: [orders-api] } ]
                """.formatted(ISS, jwks.url()));
    }

    @AfterEach
    void tearDown() {
        jwks.close();
    }

    static String token(Instant iat, Instant exp, String aud) {
        return TestTokens.sign(TestTokens.header("ES256", "k1", "at+jwt"), TestTokens.claims().iss(ISS).sub("svc")
                .aud(aud).iat(iat).exp(exp).json(), TestTokens.keys("ec256").getPrivate(), "ES256");
    }

    record Run(int code, String out, String err) {
    }

    Run inspect(String stdin, String... args) {
        JwtCommand.Inspect command = new JwtCommand.Inspect();
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        command.in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void printsHeaderClaimsAndTimeFactsButNeverTheSignature() {
        String t = token(NOW.minusSeconds(3 * 3600), NOW.plusSeconds(720), "orders-api");
        Run r = inspect(t + "\n");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("header:    {\"alg\":\"ES256\",\"kid\":\"k1\",\"typ\":\"at+jwt\"}"), r.out());
        assertTrue(r.out().contains("exp:       2026-12-01T11:24:00Z (expires in 12m)"), r.out());
        assertTrue(r.out().contains("iat:       2026-12-01T08:12:00Z (issued 3h ago)"), r.out());
        assertTrue(r.out().contains("signature: 64 bytes (not shown)"), r.out());
        assertFalse(r.out().contains(t.substring(t.lastIndexOf('.') + 1)), "the signature was printed");
        Run bad = inspect("not-a-token");
        assertEquals(1, bad.code());
        assertTrue(bad.out().startsWith("not a JWT: not a compact JWS: 1 part"), bad.out());
    }

    @Test
    void withARouteSaysTheVerdictAndReasonUsingTheFetchedJwks() {
        Run ok = inspect("Bearer " + token(NOW, NOW.plusSeconds(600), "orders-api"), "--config", config.toString(),
                "--route", "orders");
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("verdict:   accepted by route orders as svc"), ok.out());
        Run wrongAud = inspect(token(NOW, NOW.plusSeconds(600), "billing-api"), "--config", config.toString(),
                "--route", "orders");
        assertEquals(1, wrongAud.code());
        assertTrue(wrongAud.out().contains("verdict:   rejected by route orders: 401 token_audience_mismatch"),
                wrongAud.out());
        assertTrue(wrongAud.out().contains("detail:    aud is [billing-api], this route accepts [orders-api]"),
                wrongAud.out());
        assertEquals(2, inspect("x", "--config", config.toString()).code());
    }

    @Test
    void explainJudgesACapturedJwtRequestOffline() throws Exception {
        Path capture = dir.resolve("req.http");
        Files.writeString(capture, "GET /orders HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer "
                + token(NOW.minusSeconds(4000), NOW.minusSeconds(3600), "orders-api") + "\r\n\r\n");
        ExplainCommand command = new ExplainCommand();
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        StringWriter out = new StringWriter();
        int code = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter()))
                .execute("--config", config.toString(), "--request", capture.toString());
        assertEquals(1, code, out.toString());
        assertTrue(out.toString().contains("token_expired"), out.toString());
        assertTrue(out.toString().contains("expired 1h ago at 2026-12-01T10:12:00Z (leeway 60s)"), out.toString());
        assertTrue(out.toString().contains("fetched now from " + jwks.url()), out.toString());
    }

    @Test
    void isACommandOfTheJar() {
        assertTrue(new CommandLine(new Main()).getSubcommands().containsKey("jwt"));
    }
}
