package dev.authgate.cli;

import dev.authgate.Main;
import dev.authgate.testing.TestCerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code authgate check}: exit codes, the route table on stdout, errors and warnings on stderr. */
class CheckCommandTest {
    /** Never set in a test environment: the error case relies on it. */
    private static final String UNSET = "AUTHGATE_CHECK_TEST_UNSET_VARIABLE";
    private static final String SECRET = "check-test-secret-value";

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private static Run check(Path config) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute("check", "--config", config.toString());
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Path validConfig() throws Exception {
        TestCerts.create(dir.resolve("certs"));
        Files.writeString(dir.resolve("secret"), SECRET + "\n");
        String hash = at.favre.lib.crypto.bcrypt.BCrypt.withDefaults().hashToString(4, "pw".toCharArray());
        return Files.writeString(dir.resolve("gateway.yaml"), """
                listen:
                  address: 127.0.0.1:0
                  tls: { cert: certs/server.crt, key: certs/server.key }
                upstreams:
                  orders: { url: "http://127.0.0.1:3000" }
                  api: { url: "http://127.0.0.1:3001" }
                routes:
                  - name: github
                    match: { path: /webhooks/github, methods: [POST] }
                    upstream: orders
                    auth: { hmac: { preset: github, secrets: ["${file:secret}"] } }
                  - name: maia
                    match: { path: /webhooks/maia }
                    upstream: orders
                    auth: { hmac: { header: X-Sig, algorithm: sha256, encoding: hex, secrets: ["${file:secret}"] } }
                  - name: api
                    match: { path_prefix: /api/, methods: [get, put] }
                    upstream: api
                    auth:
                      any:
                        - bearer: { tokens: ["${file:secret}"] }
                        - api_key: { keys: ["${file:secret}"] }
                  - name: ops
                    match: { path_prefix: /ops/ }
                    upstream: api
                    auth: { basic: { users: { alice: "%s" } } }
                  - name: canary
                    match: { path: /canary }
                    respond: 204
                    auth: { bearer: { tokens: ["${file:secret}"] } }
                  - name: health
                    match: { path: /healthz, methods: [GET] }
                    respond: 200
                    auth: none
                """.formatted(hash));
    }

    @Test
    void printsTheRouteTableAndConfigOkAndExitsZero() throws Exception {
        Run run = check(validConfig());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("""
                ROUTE   MATCH               METHODS  SCHEME               UPSTREAM
                github  = /webhooks/github  POST     hmac:github          orders
                maia    = /webhooks/maia    *        hmac                 orders
                api     /api/*              GET,PUT  any(bearer,api_key)  api
                ops     /ops/*              *        basic                api
                canary  = /canary           *        bearer               respond 204
                health  = /healthz          GET      none                 respond 200
                config OK
                """), run.out());
        assertEquals("", withoutLogLines(run.err()));
        assertFalse(run.out().contains(SECRET));
    }

    /** Application log lines (e.g. the one-time "TLS provider" INFO) go to stderr too, depending on test order. */
    private static String withoutLogLines(String err) {
        return err.lines().filter(l -> !l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ +(INFO|DEBUG) .*"))
                .map(l -> l + "\n").reduce("", String::concat);
    }

    @Test
    void printsWarningsToStderrWithoutFailing() throws Exception {
        Path config = Files.writeString(dir.resolve("gateway.yaml"), """
                listen: { address: "127.0.0.1:0" }
                routes:
                  - name: a
                    match: { path: /a }
                    respond: 204
                    auth: { bearer: { tokens: ["%s"] } }
                """.formatted(SECRET));
        Run run = check(config);
        assertEquals(0, run.code());
        assertEquals("warning: " + config + ":1: listen: no tls: serving plain HTTP (only behind a TLS-terminating"
                + " load balancer)\nwarning: " + config + ":6: routes[0].auth.bearer.tokens[0]: inline secret;"
                + " use ${env:...} or ${file:...}\n", run.err().replace(System.lineSeparator(), "\n"));
        assertTrue(run.out().endsWith("config OK" + System.lineSeparator()), run.out());
        assertFalse(run.out().contains(SECRET) || run.err().contains(SECRET));
    }

    @Test
    void printsTheErrorToStderrAndExitsOne() throws Exception {
        Path config = Files.writeString(dir.resolve("gateway.yaml"), """
                listen: { address: "127.0.0.1:0" }
                routes:
                  - name: a
                    match: { path: /a }
                    respond: 204
                    auth:
                      hmac:
                        preset: github
                        secrets: ["${env:%s}"]
                """.formatted(UNSET));
        Run run = check(config);
        assertEquals(1, run.code());
        assertTrue(run.err().endsWith(config + ":9: routes[0].auth.hmac.secrets[0]: environment variable " + UNSET
                + " is not set" + System.lineSeparator()), run.err());
        assertFalse(run.out().contains("config OK"), run.out());
    }

    @Test
    void reportsAMissingConfigFileAndExitsOne() {
        Path missing = dir.resolve("nope.yaml");
        Run run = check(missing);
        assertEquals(1, run.code());
        assertEquals(missing + ": file not found" + System.lineSeparator(), run.err());
    }
}
