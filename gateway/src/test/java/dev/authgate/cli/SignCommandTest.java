package dev.authgate.cli;

import dev.authgate.Main;
import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.hmac.HmacAuthenticator;
import dev.authgate.auth.hmac.HmacConfig;
import dev.authgate.auth.hmac.HmacSchemes;
import dev.authgate.auth.none.NoneConfig;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.RouteConfig;
import dev.authgate.config.Secret;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code authgate sign}: its output, fed back through the authenticator, passes for every preset. */
class SignCommandTest {
    static final long NOW = 1_700_000_000L;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    static final String PUBLIC_URL = "https://hooks.example.com/webhooks/in";

    @TempDir
    Path dir;

    static String secretFor(String preset) {
        return secretFor(preset, "sign-test-key-0123");
    }

    static String secretFor(String preset, String seed) {
        return preset.equals("standard-webhooks") || preset.equals("svix")
                ? "whsec_" + Base64.getEncoder().encodeToString(seed.getBytes(StandardCharsets.UTF_8))
                : seed + "-" + preset;
    }

    static HmacConfig hmac(String preset) {
        boolean url = preset.equals("square") || preset.equals("twilio");
        return new HmacConfig(preset, null, null, null, null, null, null, null, null,
                List.of(new Secret(secretFor(preset), "inline"), new Secret(secretFor(preset, "old-sign-test-key"), "inline")),
                null, url ? PUBLIC_URL : null);
    }

    static RouteConfig route(String name, AuthConfig auth) {
        return new RouteConfig(name, new RouteConfig.MatchConfig("/webhooks/" + name, null, List.of("POST")), null,
                204, false, auth);
    }

    static List<RouteConfig> routes() {
        List<RouteConfig> routes = new ArrayList<>();
        for (String p : HmacSchemes.presetNames()) {
            routes.add(route(p, hmac(p)));
        }
        routes.add(route("open", new NoneConfig()));
        return routes;
    }

    record Run(int code, String out, String err) {
    }

    Run run(String route, Path body, String url) {
        SignCommand c = new SignCommand();
        c.route = route;
        c.body = body;
        c.url = url;
        c.clock = CLOCK;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = c.sign(routes(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static Stream<String> presets() {
        return HmacSchemes.presetNames().stream();
    }

    /** Parses {@code Name: value} lines (and stops at the curl line). */
    static HttpHeaders parse(String out) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (String line : out.split("\n")) {
            if (line.startsWith("curl ")) {
                break;
            }
            int colon = line.indexOf(": ");
            h.add(line.substring(0, colon), line.substring(colon + 2));
        }
        return h;
    }

    static AuthResult verify(String preset, HttpHeaders h, byte[] body, String path, String query) {
        HmacAuthenticator a = new HmacAuthenticator(hmac(preset), new AuthSupport(Runnable::run, CLOCK));
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            return a.authenticate(new AuthRequest("POST", path, query, h, buf, "127.0.0.1"))
                    .toCompletableFuture().join();
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @MethodSource("presets")
    void printsHeadersThatPassTheRoutesAuthenticator(String preset) throws Exception {
        for (byte[] body : List.of("{\"event\":\"ping\"}".getBytes(StandardCharsets.UTF_8),
                "Body=hello+world&From=%2B15550001111".getBytes(StandardCharsets.UTF_8), randomBytes(4096))) {
            Path file = Files.write(dir.resolve(preset + ".body"), body);
            Run r = run(preset, file, null);
            assertEquals(0, r.code, r.err);
            String query = null;
            if (r.err.contains("?")) { // twilio, non-form body: the signature covers ?bodySHA256=...
                query = r.err.substring(r.err.indexOf('?') + 1).trim();
            }
            AuthResult result = verify(preset, parse(r.out), body, "/webhooks/" + preset, query);
            AuthResult.Accepted ok = assertInstanceOf(AuthResult.Accepted.class, result, result::toString);
            assertEquals("secret #1 of 2 matched", ok.detail());
            assertFalse(r.out.contains(secretFor(preset)), "sign must not print the secret");
        }
    }

    @Test
    void printsOneHeaderPerLineWithATimestampAndAFreshDeliveryId() {
        Run r = run("standard-webhooks", null, null);
        String[] lines = r.out.split("\n");
        assertEquals(4, lines.length, r.out);
        assertTrue(lines[0].matches("webhook-id: msg_[A-Za-z0-9]{27}"), lines[0]);
        assertEquals("webhook-timestamp: " + NOW, lines[1]);
        assertTrue(lines[2].matches("webhook-signature: v1,[A-Za-z0-9+/]{43}="), lines[2]);
        assertEquals("Content-Type: application/octet-stream", lines[3]);
        assertFalse(run("standard-webhooks", null, null).out.startsWith(lines[0]), "a new id each time");
    }

    @ParameterizedTest
    @MethodSource("presets")
    void printsACurlLineWhoseUrlAndHeadersPass(String preset) throws Exception {
        byte[] body = "{\"event\":\"curl\"}".getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("body.json"), body);
        Run r = run(preset, file, "https://localhost:8443/webhooks/" + preset + "?source=test");
        assertEquals(0, r.code, r.err);
        String curl = r.out.lines().filter(l -> l.startsWith("curl ")).findFirst().orElseThrow();
        String target = curl.split("'")[1];
        assertTrue(curl.startsWith("curl --cacert certs/ca.crt -X POST 'https://localhost:8443/webhooks/" + preset
                + "?source=test"), curl);
        assertTrue(curl.endsWith(" --data-binary '@" + file + "'"), curl);
        for (String line : r.out.lines().filter(l -> !l.startsWith("curl ")).toList()) {
            assertTrue(curl.contains(" -H '" + line + "'"), line);
        }
        String query = target.substring(target.indexOf('?') + 1);
        AuthResult result = verify(preset, parse(r.out), body, "/webhooks/" + preset, query);
        assertInstanceOf(AuthResult.Accepted.class, result, result::toString);
    }

    @Test
    void quotesForTheShell() {
        assertEquals("'it'\\''s'", SignCommand.quote("it's"));
    }

    @Test
    void exitsWith2ForAnUnknownRouteOrOneThatIsNotHmac() {
        Run missing = run("gihub", null, null);
        assertEquals(2, missing.code);
        assertTrue(missing.err.startsWith("sign: no route named 'gihub' (routes: github, stripe,"), missing.err);
        assertEquals("", missing.out);
        Run open = run("open", null, null);
        assertEquals(2, open.code);
        assertEquals("sign: route 'open' uses auth none, not hmac\n", open.err);
        Run badBody = run("github", dir.resolve("absent.json"), null);
        assertEquals(2, badBody.code);
        Run badUrl = run("github", null, "localhost:8443/x");
        assertEquals(2, badUrl.code);
        assertTrue(badUrl.err.startsWith("sign: --url 'localhost:8443/x' (expected: an absolute URL"), badUrl.err);
    }

    @Test
    void isRegisteredInMainAndFailsWithExit1WhenTheConfigDoesNotLoad() {
        assertTrue(new CommandLine(new Main()).getSubcommands().containsKey("sign"));
        assertEquals(1, Main.execute("sign", "--config", dir.resolve("absent.yaml").toString(), "--route", "x"));
    }

    @Test
    void signsForARouteOfAConfigFileLoadedFromDisk() throws Exception {
        Path config = Files.writeString(dir.resolve("gateway.yaml"), """
                listen:
                  address: 127.0.0.1:0
                upstreams:
                  orders: { url: "http://127.0.0.1:3000" }
                routes:
                  - name: slack
                    match: { path: /webhooks/slack, methods: [POST] }
                    upstream: orders
                    auth:
                      hmac: { preset: slack, secrets: ["file-test-secret"] }
                  - name: open
                    match: { path: /open }
                    upstream: orders
                    auth: none
                """);
        Path body = Files.writeString(dir.resolve("body.txt"), "token=abc&text=hello");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int code = cli.execute("sign", "--config", config.toString(), "--route", "slack", "--body", body.toString(),
                "--url", "https://localhost:8443/webhooks/slack");
        assertEquals(0, code, err.toString());
        AuthConfig auth = dev.authgate.config.ConfigLoader.load(config, AuthSchemes.standard()).routes().get(0).auth();
        HmacAuthenticator a = new HmacAuthenticator((HmacConfig) auth,
                new AuthSupport(Runnable::run, Clock.systemUTC()));
        ByteBuf buf = Unpooled.wrappedBuffer(Files.readAllBytes(body));
        try {
            AuthResult r = a.authenticate(new AuthRequest("POST", "/webhooks/slack", null, parse(out.toString()), buf,
                    "127.0.0.1")).toCompletableFuture().join();
            assertInstanceOf(AuthResult.Accepted.class, r, r::toString);
        } finally {
            buf.release();
        }
        assertTrue(out.toString().contains("Content-Type: application/x-www-form-urlencoded\n"), out.toString());

        StringWriter err2 = new StringWriter();
        cli.setErr(new PrintWriter(err2));
        assertEquals(2, cli.execute("sign", "--config", config.toString(), "--route", "open"));
        assertEquals("sign: route 'open' uses auth none, not hmac", err2.toString().trim());
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(7).nextBytes(b);
        return b;
    }
}
