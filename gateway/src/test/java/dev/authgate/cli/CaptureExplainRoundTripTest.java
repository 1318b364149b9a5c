package dev.authgate.cli;

import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.Await;
import dev.authgate.testing.Json;
import dev.authgate.testing.OpsGateway;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.authgate.testing.RawHttp.crlf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captures (docs/operations.md, "Captures") on real sockets: a rejection on a route with
 * {@code capture: { rejected: true }} is downloaded from {@code /rejections/{request_id}/capture}, holds no credential
 * or query value, and {@code authgate explain} gives the same reason for it, for bearer, api_key, basic and hmac.
 */
class CaptureExplainRoundTripTest {
    private static final String TOKEN = "capture-bearer-token-5e1f0c";
    private static final String WRONG = "capture-wrong-token-a93d27";
    private static final String KEY = "capture-api-key-2c7b91";
    private static final String WRONG_KEY = "capture-wrong-key-66e0f4";
    private static final String PASSWORD = "capture-wrong-password-d41a";
    private static final String SECRET = "capture-hmac-secret-0f9e3b";
    private static final String WRONG_SECRET = "capture-hmac-wrong-7b2a55";
    private static final String QUERY_SECRET = "capture-query-secret-18c3";
    private static final List<String> SECRETS = List.of(TOKEN, WRONG, KEY, WRONG_KEY, PASSWORD, SECRET, WRONG_SECRET,
            QUERY_SECRET, Base64.getEncoder().encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));

    @TempDir
    Path dir;
    private TestUpstream app;
    private OpsGateway gw;
    private Path config;

    @BeforeEach
    void start() throws IOException {
        app = TestUpstream.start();
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Files.writeString(dir.resolve("key"), KEY + "\n");
        Files.writeString(dir.resolve("secret"), SECRET + "\n");
        config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                listen: { address: 127.0.0.1:0 }
                admin: { address: 127.0.0.1:0 }
                upstreams:
                  app: { url: "%s" }
                routes:
                  - name: bearer
                    match: { path_prefix: /bearer/ }
                    upstream: app
                    auth: { bearer: { tokens: [ { id: ci, value: "${file:token}" } ] } }
                    capture: { rejected: true }
                  - name: key
                    match: { path_prefix: /key/ }
                    upstream: app
                    auth: { api_key: { header: X-Orders-Key, keys: [ { id: billing, value: "${file:key}" } ] } }
                    capture: { rejected: true, max_body: 1KiB }
                  - name: basic
                    match: { path_prefix: /basic/ }
                    upstream: app
                    auth: { basic: { users: { alice: "$2a$04$Wa4zzLpxEuTNmOQtJ97HmOASPb5kAYEWf/3btKZrmQfikhp7.Nbye" } } }
                    capture: { rejected: true }
                  - name: github
                    match: { path: /hooks/github }
                    upstream: app
                    auth: { hmac: { preset: github, secrets: ["${file:secret}"] } }
                    capture: { rejected: true }
                  - name: quiet
                    match: { path_prefix: /quiet/ }
                    upstream: app
                    auth: { bearer: { tokens: [ { id: ci, value: "${file:token}" } ] } }
                """.formatted(app.url()));
        gw = OpsGateway.start(config);
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (app != null) app.close();
    }

    /** Sends the request; its access-log entry once written. */
    private AccessLogEntry send(String request) {
        RawHttp.Response r = gw.send(crlf(request));
        String id = r.header("X-Request-Id");
        gw.accessLog().await(id);
        return gw.accessLog().entries().stream().filter(e -> id.equals(e.requestId())).findFirst().orElseThrow();
    }

    private String capture(AccessLogEntry e) {
        HttpResponse<String> r = gw.admin("/rejections/" + e.requestId() + "/capture");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("message/http", r.headers().firstValue("content-type").orElse(null));
        for (String s : SECRETS) assertFalse(r.body().contains(s), "a secret in the capture: " + r.body());
        return r.body();
    }

    /** {@code authgate explain} on the capture, at the time the request was received; its reason line. */
    private String explainedReason(String capture, AccessLogEntry e) throws IOException {
        Path file = Files.createTempFile(dir, "capture", ".http");
        Files.write(file, capture.getBytes(StandardCharsets.ISO_8859_1));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new ExplainCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--config", config.toString(), "--request", file.toString(),
                        "--now", Long.toString(e.time().getEpochSecond()));
        assertEquals(1, code, out + "\n" + err);
        for (String s : SECRETS) assertFalse(out.toString().contains(s), "explain printed a secret: " + out);
        return out.toString().lines().filter(l -> l.startsWith("reason:")).map(l -> l.substring(7).trim().split(" ")[0])
                .findFirst().orElse(out.toString());
    }

    private void roundTrip(String request, String reason) throws IOException {
        AccessLogEntry e = send(request);
        assertEquals(reason, e.reason(), e.toString());
        assertEquals(reason, explainedReason(capture(e), e));
    }

    @Test
    void bearerApiKeyBasicAndHmacCapturesExplainToTheSameReason() throws IOException {
        roundTrip("GET /bearer/a?access_token=" + QUERY_SECRET + "&page=2 HTTP/1.1\nHost: x\n"
                + "Authorization: Bearer " + WRONG + "\nConnection: close\n\n", "credentials_invalid");
        roundTrip("GET /bearer/b HTTP/1.1\nHost: x\nConnection: close\n\n", "credentials_missing");
        roundTrip("POST /key/a HTTP/1.1\nHost: x\nX-Orders-Key: " + WRONG_KEY + "\nContent-Length: 2\n"
                + "Connection: close\n\n{}", "credentials_invalid");
        roundTrip("GET /basic/a HTTP/1.1\nHost: x\nAuthorization: Basic " + Base64.getEncoder().encodeToString(
                ("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\nConnection: close\n\n", "credentials_invalid");
        String body = "{\"action\":\"opened\",\"number\":7}";
        roundTrip("POST /hooks/github HTTP/1.1\nHost: x\nX-GitHub-Event: push\nX-GitHub-Delivery: d-1\n"
                + "X-Hub-Signature-256: sha256=" + hmacHex(WRONG_SECRET, body) + "\nContent-Type: application/json\n"
                + "Content-Length: " + body.length() + "\nConnection: close\n\n" + body, "signature_mismatch");
    }

    @Test
    void theCaptureRedactsCredentialsAndQueryValuesKeepsSignaturesAndBodyAndIsBoundedByMaxBody() {
        String q = capture(send("GET /bearer/a?access_token=" + QUERY_SECRET + "&flag HTTP/1.1\nHost: x\n"
                + "Authorization: Bearer " + WRONG + "\nCookie: s=" + QUERY_SECRET + "\nConnection: close\n\n"));
        assertTrue(q.startsWith("GET /bearer/a?access_token=redacted&redacted HTTP/1.1\r\n"), q);
        assertTrue(q.contains("\r\nAuthorization: Bearer <redacted " + dev.authgate.config.Secret.fingerprint(WRONG)
                + " len=" + WRONG.length() + ">\r\n"), q);
        assertTrue(q.contains("\r\nCookie: <redacted sha256:"), q);

        String body = "x".repeat(3000);
        String k = capture(send("POST /key/a HTTP/1.1\nHost: x\nX-Orders-Key: " + WRONG_KEY + "\n"
                + "X-Hub-Signature-256: sha256=abc\nContent-Length: 3000\nConnection: close\n\n" + body));
        assertTrue(k.contains("\r\nX-Orders-Key: <redacted sha256:"), k);
        assertTrue(k.contains("\r\nX-Hub-Signature-256: sha256=abc\r\n"), "signatures are kept: " + k);
        assertTrue(k.contains("\r\nX-Authgate-Capture-Truncated: 3000\r\n") && k.contains("\r\nContent-Length: 1024\r\n"), k);
        assertTrue(k.endsWith("\r\n\r\n" + "x".repeat(1024)), "max_body 1KiB kept");

        AccessLogEntry quiet = send("GET /quiet/a HTTP/1.1\nHost: x\nConnection: close\n\n");
        assertEquals(401, quiet.status());
        assertEquals(404, gw.admin("/rejections/" + quiet.requestId() + "/capture").statusCode(),
                "a route without capture: keeps none");
        assertTrue(gw.accessLog().lines().stream().noneMatch(l -> SECRETS.stream().anyMatch(l::contains)));
    }

    @Test
    void verifyRejudgesWithTheCurrentConfigAfterAFixingReloadWithoutForwardingOrTouchingTheReplayStore()
            throws Exception {
        String body = "{\"action\":\"closed\"}";
        String request = "POST /hooks/github HTTP/1.1\nHost: x\nX-GitHub-Event: push\nX-GitHub-Delivery: d-verify\n"
                + "X-Hub-Signature-256: sha256=" + hmacHex(WRONG_SECRET, body) + "\nContent-Length: " + body.length()
                + "\nConnection: close\n\n" + body;
        AccessLogEntry e = send(request);
        assertEquals("signature_mismatch", e.reason());
        String verify = "/rejections/" + e.requestId() + "/verify";
        assertEquals(405, gw.admin(verify).statusCode(), "verify is a POST");
        assertEquals(404, post("/rejections/nope/verify").statusCode());

        Map<String, Object> before = Json.object(post(verify).body());
        assertEquals("reject", before.get("verdict"));
        assertEquals("signature_mismatch", before.get("reason"));
        assertEquals(e.time().toString(), before.get("received"));

        // the sender was right: the gateway had the wrong secret; fix it and reload
        Files.writeString(dir.resolve("secret"), WRONG_SECRET + "\n");
        assertTrue(gw.reloader().reload(), "the fixing reload");
        int forwarded = app.requestCount();
        HttpResponse<String> after = post(verify);
        assertEquals(200, after.statusCode(), after.body());
        Map<String, Object> passed = Json.object(after.body());
        assertEquals("pass", passed.get("verdict"), after.body());
        assertEquals("github", passed.get("route"));
        assertEquals(forwarded, app.requestCount(), "verify never forwards");
        for (String s : SECRETS) assertFalse(after.body().contains(s));
        // the replay store was not asked: the same delivery, sent for real now, is accepted once
        AccessLogEntry real = send(request);
        assertEquals(200, real.status(), real.toString());
        assertEquals("upstream", real.source(), "forwarded, not acknowledged as a duplicate");
        Await.until("the upstream got it", () -> app.requestCount() == forwarded + 1);
    }

    @Test
    void captureDirKeepsCapturesAcrossARestartWithinItsSizeOldestDeletedFirst() throws Exception {
        gw.close();
        Path captures = dir.resolve("captures");
        String yaml = Files.readString(config).replace("admin: { address: 127.0.0.1:0 }",
                "admin: { address: 127.0.0.1:0, capture_dir: captures, capture_dir_max: 1KiB }");
        Files.writeString(config, yaml);
        gw = OpsGateway.start(config);
        String body = "y".repeat(400);
        List<AccessLogEntry> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(send("POST /key/" + i + " HTTP/1.1\nHost: x\nX-Orders-Key: " + WRONG_KEY
                    + "\nContent-Length: 400\nConnection: close\n\n" + body));
            String id = sent.get(i).requestId();
            Await.until("capture " + i + " on disk", () -> fileOf(captures, id) != null);
        }
        // 3 captures of about 500 bytes in 1 KiB: the oldest was deleted
        Await.until("the oldest deleted", () -> fileOf(captures, sent.get(0).requestId()) == null);
        String kept = capture(sent.get(2));

        gw.close();
        gw = OpsGateway.start(config);
        assertEquals(kept, capture(sent.get(2)), "the same capture after a restart");
        assertEquals(sent.get(2).time().toString(), gw.admin("/rejections/" + sent.get(2).requestId() + "/capture")
                .headers().firstValue("x-authgate-received").orElse(null));
        assertEquals(404, gw.admin("/rejections/" + sent.get(0).requestId() + "/capture").statusCode());
        try (var files = Files.list(captures)) {
            for (Path f : files.toList()) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                for (String s : SECRETS) assertFalse(text.contains(s), "a secret on disk: " + f);
            }
        }
    }

    private static Path fileOf(Path dir, String requestId) {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-" + requestId + ".http")).findFirst()
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private HttpResponse<String> post(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gw.adminPort() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String hmacHex(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

}
