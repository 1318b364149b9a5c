package dev.authgate.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.authgate.testing.Await;
import dev.authgate.testing.OpsGateway;
import dev.authgate.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.authgate.testing.RawHttp.crlf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar gateway/target/authgate.jar run} as a process (failsafe runs this after {@code package}): the
 * start-up banner, {@code --log-format json}, {@code SIGHUP} reload, and the {@code SIGTERM} drain: {@code /readyz}
 * 503, no new connections, idle kept-alive connections closed, a request arriving on a kept-alive connection gets 503
 * {@code shutting_down}, the slow request in flight finishes, and the process exits 0.
 */
class GatewayProcessIT {
    private static final String TOKEN = "process-token-3e8a61c0";
    private static final String PASSWORD = "process-password-71d0c2";
    private static final String HOOK_SECRET = "process-hook-secret-9b44e1";
    private static final String HOOK_BODY = "{\"ref\":\"refs/heads/main\"}";
    private static final Pattern GATEWAY = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) \\(gateway\\)");
    private static final Pattern ADMIN = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) \\(admin");

    @TempDir
    Path dir;
    private HttpServer upstream;
    private Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final CountDownLatch slowArrived = new CountDownLatch(1);
    private final CountDownLatch releaseSlow = new CountDownLatch(1);

    @AfterEach
    void stop() {
        releaseSlow.countDown();
        if (process != null && process.isAlive()) process.destroyForcibly();
        if (upstream != null) upstream.stop(0);
    }

    private static Path jar() {
        String configured = System.getProperty("authgate.jar");
        Path jar = configured != null ? Paths.get(configured)
                : Paths.get(System.getProperty("authgate.projectRoot", ".."), "gateway", "target", "authgate.jar");
        assertTrue(Files.isRegularFile(jar), "no " + jar + ": run `./mvnw verify` (the jar is built by package)");
        return jar;
    }

    /** A JDK HTTP server upstream: {@code /app/slow} answers only when the test says so; the rest at once. */
    private void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        upstream.setExecutor(Executors.newCachedThreadPool());
        upstream.createContext("/", (HttpExchange x) -> {
            byte[] body;
            if (x.getRequestURI().getPath().equals("/app/slow")) {
                slowArrived.countDown();
                try {
                    releaseSlow.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                body = "slow-done".getBytes(StandardCharsets.UTF_8);
            } else {
                body = "fast".getBytes(StandardCharsets.UTF_8);
            }
            x.getRequestBody().readAllBytes();
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        upstream.start();
    }

    private void startGateway() throws IOException {
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Files.writeString(dir.resolve("hook-secret"), HOOK_SECRET + "\n");
        String hash = at.favre.lib.crypto.bcrypt.BCrypt.with(at.favre.lib.crypto.bcrypt.BCrypt.Version.VERSION_2Y)
                .hashToString(4, PASSWORD.toCharArray());
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                gateway: { name: gw-process }
                listen: { address: 127.0.0.1:0 }
                admin: { address: 127.0.0.1:0 }
                upstreams:
                  app: { url: "http://127.0.0.1:%d", response_timeout: 60s }
                routes:
                  - name: app
                    match: { path_prefix: /app/ }
                    upstream: app
                    auth: { bearer: { tokens: [ { id: ci, value: "${file:token}" } ] } }
                  - name: admin
                    match: { path_prefix: /admin/ }
                    upstream: app
                    auth: { basic: { users: { alice: "%s" } } }
                  - name: hook
                    match: { path: /hook, methods: [POST] }
                    upstream: app
                    auth: { hmac: { preset: github, secrets: [ "${file:hook-secret}" ] } }
                """.formatted(upstream.getAddress().getPort(), hash));
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar().toString(), "run",
                "--config", config.toString(), "--log-format", "json", "--drain-timeout", "30s")
                .directory(dir.toFile())
                .start();
        pump(process.getInputStream(), stdout);
        pump(process.getErrorStream(), stderr);
    }

    private static void pump(InputStream in, List<String> into) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) into.add(line);
            } catch (IOException e) {
                // the process ended
            }
        }, "process-output");
        t.setDaemon(true);
        t.start();
    }

    private int port(Pattern pattern) {
        await(() -> stderr.stream().anyMatch(l -> pattern.matcher(l).find()) || !process.isAlive(),
                "the start-up banner");
        for (String line : stderr) {
            Matcher m = pattern.matcher(line);
            if (m.find()) return Integer.parseInt(m.group(1));
        }
        throw new AssertionError("the gateway did not start: " + stderr);
    }

    private static String request(String path, String requestId) {
        return crlf("GET " + path + " HTTP/1.1\nHost: x\nX-Request-Id: " + requestId + "\nAuthorization: Bearer "
                + TOKEN + "\n\n");
    }

    @Test
    void drainsOnSigtermLettingTheSlowRequestFinishThenExitsZero() throws Exception {
        startUpstream();
        startGateway();
        int port = port(GATEWAY);
        int admin = port(ADMIN);
        // The banner's route table arrives line by line on a reader thread: wait for its line, do not race it.
        await(() -> stderr.stream().anyMatch(l -> l.matches(".*\\bapp +/app/\\* +\\* +bearer +app$")),
                "the banner's route line");
        assertTrue(stderr.stream().anyMatch(l -> l.matches(".*\\bapp +/app/\\* +\\* +bearer +app$")), stderr.toString());

        assertEquals(200, OpsGateway.get(admin, "/healthz").statusCode());
        assertEquals(200, OpsGateway.get(admin, "/readyz").statusCode());
        RawHttp.Response fast = RawHttp.exchange(port, request("/app/fast", "it-fast-1"));
        assertEquals(200, fast.status());
        assertEquals("it-fast-1", fast.header("X-Request-Id"));

        // Passes and failures for every scheme, each carrying a secret the logs must never show (checked at the end).
        String basic = "Authorization: Basic " + java.util.Base64.getEncoder()
                .encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        String wrongBasic = "Authorization: Basic " + java.util.Base64.getEncoder()
                .encodeToString(("alice:" + PASSWORD + "x").getBytes(StandardCharsets.UTF_8));
        String sig = hmacHex(HOOK_SECRET, HOOK_BODY);
        String[][] secretTraffic = {
                {"GET /app/fast HTTP/1.1\nHost: x\nAuthorization: " + TOKEN + "\n\n", "401"},
                {"GET /app/fast HTTP/1.1\nHost: x\nAuthorization: Bearer " + TOKEN + "x\n\n", "401"},
                {"GET /app/fast?token=" + TOKEN + " HTTP/1.1\nHost: x\n\n", "401"},
                {"GET /admin/x HTTP/1.1\nHost: x\n" + basic + "\n\n", "200"},
                {"GET /admin/x HTTP/1.1\nHost: x\n" + wrongBasic + "\n\n", "401"},
                {"POST /hook HTTP/1.1\nHost: x\nX-Hub-Signature-256: sha256=" + sig + "\nContent-Length: "
                        + HOOK_BODY.length() + "\n\n" + HOOK_BODY, "200"},
                {"POST /hook HTTP/1.1\nHost: x\nX-Hub-Signature-256: sha256=" + sig + "\nContent-Length: "
                        + (HOOK_BODY.length() + 1) + "\n\n" + HOOK_BODY + " ", "401"},
        };
        for (String[] t : secretTraffic) {
            assertEquals(Integer.parseInt(t[1]), RawHttp.exchange(port, crlf(t[0])).status(), t[0].split("\n")[0]);
        }

        // SIGHUP reloads even though nothing changed
        signal("HUP");
        await(() -> OpsGateway.scrape(admin).value("authgate_config_reloads_total", "result", "success") == 1,
                "a reload after SIGHUP");

        CompletableFuture<RawHttp.Response> slow = CompletableFuture.supplyAsync(() -> {
            try (RawHttp http = RawHttp.connect(port)) {
                return http.send(request("/app/slow", "it-slow-1")).read();
            }
        });
        assertTrue(slowArrived.await(30, TimeUnit.SECONDS), "the slow request reached the upstream");
        try (RawHttp idle = RawHttp.connect(port); RawHttp arriving = RawHttp.connect(port)) {
            assertEquals(200, idle.send(request("/app/fast", "it-idle-1")).read().status());
            // A first exchange proves the connection is registered and read by its loop; the half head after it is
            // then in the gateway's socket buffer (loopback) before the signal queues the drain event, and the loop
            // reads before it runs queued tasks: the connection is busy with a request, so it is not closed.
            assertEquals(200, arriving.send(request("/app/fast", "it-arriving-1")).read().status());
            arriving.send(crlf("GET /app/fast HTTP/1.1\nHost: x\nX-Request-Id: it-draining-1\n"));

            signal("TERM");   // not Process.destroy(): it also closes our end of the output pipes
            await(() -> OpsGateway.get(admin, "/readyz").statusCode() == 503, "/readyz 503 during the drain");
            await(() -> refuses(port), "the listener closed");
            assertTrue(idle.isClosedByPeer(), "the idle kept-alive connection is closed");

            RawHttp.Response refused = arriving.send(crlf("Authorization: Bearer " + TOKEN + "\n\n")).read();
            assertEquals(503, refused.status());
            assertEquals("shutting_down", refused.json().get("reason"));
            assertEquals("close", refused.header("Connection"));
            assertTrue(process.isAlive(), "still draining: the slow request is in flight");
        }
        releaseSlow.countDown();
        RawHttp.Response done = slow.get(30, TimeUnit.SECONDS);
        assertEquals(200, done.status());
        assertEquals("slow-done", done.bodyText());

        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the process exits after the drain");
        assertEquals(0, process.exitValue(), "exit code after a drain; stderr: " + stderr);
        await(() -> stderr.stream().anyMatch(l -> l.contains("drained in")), "the drain's last log line");

        // Never in the process's output (access log on stdout, application log on stderr): a token, password, Basic
        // credential, HMAC secret or signature value.
        List<String> secrets = List.of(TOKEN, PASSWORD, HOOK_SECRET, sig, basic.substring(basic.lastIndexOf(' ') + 1),
                wrongBasic.substring(wrongBasic.lastIndexOf(' ') + 1));
        assertTrue(stdout.size() >= 10, "the access log reached stdout: " + stdout.size() + " lines");
        for (List<String> stream : List.of(stdout, stderr)) {
            for (String line : stream) {
                for (String secret : secrets) {
                    assertTrue(!line.contains(secret), "a secret (" + secret.length() + " chars, starting '"
                            + secret.substring(0, 4) + "') in the process output");
                }
            }
        }

        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        for (String line : stdout) {
            Map<String, Object> json = parse(line);   // every access-log line is one JSON object
            assertEquals(20, json.size(), line); // the text format's fields, trace_id last
            byId.put((String) json.get("request_id"), json);
        }
        assertNotNull(byId.get("it-fast-1"), stdout.toString());
        assertEquals(200L, byId.get("it-fast-1").get("status"));
        assertEquals("upstream", byId.get("it-fast-1").get("source"));
        assertEquals("ci", byId.get("it-fast-1").get("identity"));
        assertEquals(200L, byId.get("it-slow-1").get("status"));
        assertEquals(503L, byId.get("it-draining-1").get("status"));
        assertEquals("shutting_down", byId.get("it-draining-1").get("reason"));
    }

    private static String hmacHex(String secret, String data) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        assertEquals(0, kill.waitFor(), "kill -" + name);
    }

    private static boolean refuses(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One access-log line as a flat JSON object (scalars only; a nested value or trailing data fails). */
    private static Map<String, Object> parse(String line) {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(line)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken(), line);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                assertTrue(t.isScalarValue(), line);
                fields.put(name, t == JsonToken.VALUE_NULL ? null
                        : t == JsonToken.VALUE_NUMBER_INT ? (Object) p.getLongValue() : p.getText());
            }
            assertEquals(null, p.nextToken(), line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
        return fields;
    }

    private void await(BooleanSupplier condition, String what) {
        try {
            Await.until(what, Duration.ofSeconds(30), () -> {
                try {
                    return condition.getAsBoolean();
                } catch (RuntimeException | AssertionError e) {
                    return false;   // e.g. the admin listener not up yet
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError("timed out waiting for " + what + "; stderr: " + new ArrayList<>(stderr), e);
        }
    }
}
