package dev.authgate.cli;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.authgate.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code authgate explain}: the right reason, status and exit code for every reason code it can produce offline, and
 * a pass; captures with LF line ends, chunked and binary bodies; no credential or secret value in its output.
 */
class ExplainCommandTest {
    static final long NOW = 1_700_000_000L;
    static final String TOKEN = "tok-ci-5f0c2b7e91d4";
    static final String KEY = "key-billing-8a61e0c3f2";
    static final String PASSWORD = "correct horse battery";
    static final String GITHUB_SECRET = "gh-secret-7d2f5e";
    static final String SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    /** Everything a capture or the config holds that explain must never print. */
    static final List<String> SECRETS = List.of(TOKEN, KEY, PASSWORD, GITHUB_SECRET, SLACK_SECRET);

    @TempDir
    static Path dir;
    static Path config;

    @BeforeAll
    static void writeConfig() throws Exception {
        String hash = BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray());
        config = Files.writeString(dir.resolve("gateway.yaml"), """
                listen:
                  address: 127.0.0.1:0
                limits:
                  max_body: 4KiB
                  max_header_bytes: 2KiB
                upstreams:
                  app: { url: "http://127.0.0.1:3000" }
                routes:
                  - name: api
                    match: { path_prefix: /api/ }
                    upstream: app
                    auth: { bearer: { tokens: [ { id: ci-bot, value: "%s" } ] } }
                  - name: keys
                    match: { path_prefix: /keys/ }
                    upstream: app
                    auth: { api_key: { keys: [ { id: billing, value: "%s" } ] } }
                  - name: ops
                    match: { path_prefix: /ops/ }
                    respond: 204
                    auth: { basic: { realm: ops, users: { alice: "%s" } } }
                  - name: github
                    match: { path: /webhooks/github, methods: [POST] }
                    upstream: app
                    auth: { hmac: { preset: github, secrets: ["%s"], replay: { key: id } } }
                  - name: slack
                    match: { path: /webhooks/slack, methods: [POST] }
                    respond: 204
                    auth: { hmac: { preset: slack, secrets: ["%s"] } }
                  - name: health
                    match: { path: /health, methods: [GET] }
                    upstream: app
                    auth: none
                  - name: partners
                    match: { path_prefix: /partners/ }
                    upstream: app
                    auth:
                      any:
                        - bearer: { tokens: [ { id: ci-bot, value: "%s" } ] }
                        - api_key: { header: X-Partner-Key, keys: [ { id: partner, value: "%s" } ] }
                """.formatted(TOKEN, KEY, hash, GITHUB_SECRET, SLACK_SECRET, TOKEN, KEY));
    }

    record Run(int code, String out, String err) {
        /** The text of the first {@code label:} line, or null. */
        String field(String label) {
            return out.lines().filter(l -> l.startsWith(label + ":")).map(l -> l.substring(label.length() + 1).trim())
                    .findFirst().orElse(null);
        }
    }

    static Run explain(byte[] capture, String... extra) {
        try {
            Path file = Files.createTempFile(dir, "capture", ".http");
            Files.write(file, capture);
            List<String> args = new ArrayList<>(List.of("--config", config.toString(), "--request", file.toString()));
            args.addAll(List.of(extra));
            return run(args.toArray(String[]::new));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A capture written as a text block: LF line ends, as pasted. */
    static Run explain(String capture, String... extra) {
        return explain(capture.getBytes(StandardCharsets.ISO_8859_1), extra);
    }

    static Run run(String... args) {
        ExplainCommand command = new ExplainCommand();
        command.clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        Run r = new Run(code, out.toString(), err.toString());
        for (String secret : SECRETS) {
            assertFalse(r.out.contains(secret) || r.err.contains(secret), "explain printed a secret: " + r);
        }
        return r;
    }

    static String githubSignature(byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac(GITHUB_SECRET, body));
    }

    static byte[] hmac(String secret, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (byte[] p : parts) mac.update(p);
            return mac.doFinal();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] concat(String head, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    static String basic(String userColonPassword) {
        return Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    static final String SIG64 = "v0=" + "ab".repeat(32);

    /** One captured request per reason code, with its status. */
    static Stream<Arguments> rejections() {
        String gh = "POST /webhooks/github HTTP/1.1\nHost: x\nX-GitHub-Delivery: d-1\nContent-Length: 2\n";
        String slack = "POST /webhooks/slack HTTP/1.1\nHost: x\nContent-Length: 2\n";
        return Stream.of(
                Arguments.of("credentials_missing", 401, "GET /api/orders HTTP/1.1\nHost: x\n\n"),
                Arguments.of("bearer_prefix_missing", 401, "GET /api/orders HTTP/1.1\nHost: x\nAuthorization: "
                        + TOKEN + "\n\n"),
                Arguments.of("scheme_mismatch", 401, "GET /api/orders HTTP/1.1\nHost: x\nAuthorization: Basic "
                        + basic("ci:" + TOKEN) + "\n\n"),
                Arguments.of("credentials_malformed", 401, "GET /ops/x HTTP/1.1\nHost: x\nAuthorization: Basic "
                        + basic("alice") + "\n\n"),
                Arguments.of("credentials_whitespace", 401, "GET /api/orders HTTP/1.1\nHost: x\nAuthorization: Bearer  "
                        + TOKEN + "\n\n"),
                Arguments.of("credentials_in_wrong_header", 401, "GET /keys/1 HTTP/1.1\nHost: x\nAuthorization: Bearer "
                        + KEY + "\n\n"),
                Arguments.of("credentials_invalid", 401, "GET /api/orders HTTP/1.1\nHost: x\nAuthorization: Bearer "
                        + "tok-not-configured\n\n"),
                Arguments.of("credentials_invalid", 401, "GET /ops/x HTTP/1.1\nHost: x\nAuthorization: Basic "
                        + basic("alice:wrong " + PASSWORD) + "\n\n"),
                Arguments.of("signature_missing", 401, gh + "\n{}"),
                Arguments.of("signature_malformed", 401, gh + "X-Hub-Signature-256: sha1=abc\n\n{}"),
                Arguments.of("signature_mismatch", 401, gh + "X-Hub-Signature-256: " + githubSignature(new byte[2])
                        + "\n\n{}"),
                Arguments.of("timestamp_missing", 401, slack + "X-Slack-Signature: " + SIG64 + "\n\n{}"),
                Arguments.of("timestamp_malformed", 401, slack + "X-Slack-Signature: " + SIG64
                        + "\nX-Slack-Request-Timestamp: 17e8\n\n{}"),
                Arguments.of("timestamp_out_of_window", 401, slack + "X-Slack-Signature: " + SIG64
                        + "\nX-Slack-Request-Timestamp: " + (NOW - 301) + "\n\n{}"),
                Arguments.of("bad_request", 400, "POST /webhooks/github HTTP/1.1\nHost: x\nContent-Length: 2\n"
                        + "Transfer-Encoding: chunked\n\n0\n\n"),
                Arguments.of("bad_request", 400, "GET /health/../api/orders HTTP/1.1\nHost: x\n\n"),
                Arguments.of("bad_request", 400, "GET /health HTTP/1.1\nHost: x\nX-A: 1\n folded\n\n"),
                Arguments.of("bad_request", 400, "GET /health HTTP/1.1\nContent-Length: 0\n\n"),
                Arguments.of("route_not_found", 404, "POST /webhook/github HTTP/1.1\nHost: x\nContent-Length: 2\n\n{}"),
                Arguments.of("method_not_allowed", 405, "GET /webhooks/github HTTP/1.1\nHost: x\n\n"),
                Arguments.of("body_too_large", 413, gh + "\n"), // refused from Content-Length: no body needed
                Arguments.of("headers_too_large", 431, "GET /health HTTP/1.1\nHost: x\nCookie: " + "c".repeat(3000)
                        + "\n\n"));
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("rejections")
    void printsTheReasonStatusDetailAndFixOfEachRejectionAndExitsWith1(String reason, int status, String capture) {
        String request = reason.equals("body_too_large") ? capture.replace("Content-Length: 2", "Content-Length: 5000")
                : capture;
        Run r = explain(request);
        assertEquals(1, r.code, r.toString());
        assertEquals("reject", r.field("verdict"), r.out);
        assertTrue(r.field("status").startsWith(status + " "), r.out);
        assertTrue(r.field("reason").startsWith(reason + " ("), r.out);
        assertFalse(r.field("detail").isEmpty(), r.out);
        assertEquals(dev.authgate.http.Reason.valueOf(reason.toUpperCase(java.util.Locale.ROOT)).fix(),
                r.field("hint"), r.out);
    }

    @Test
    void namesTheRouteAndWhatItExpectsAndSaysReplayIsNotCheckedOffline() {
        Run r = explain("POST /webhooks/github HTTP/1.1\nHost: x\nStripe-Signature: t=1,v1=ab\nContent-Length: 2\n"
                + "\n{}");
        assertEquals("github (= /webhooks/github, methods POST, auth hmac:github, upstream app)", r.field("route"));
        assertEquals("X-Hub-Signature-256 header is missing", r.field("detail"));
        assertTrue(r.out.contains("the route expects X-Hub-Signature-256: sha256=<hex> (preset github, HMAC-SHA256"
                + " over {body})"), r.out);
        assertTrue(r.out.contains("the request carries Stripe-Signature, the signature header of preset stripe"),
                r.out);
        assertTrue(r.out.contains("note:     replay not checked offline (replay: key id, on_duplicate reject)"), r.out);
    }

    @Test
    void saysWhichBytesWereHashedOnASignatureMismatch() {
        byte[] body = "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8);
        byte[] sent = "{\"action\":\"opened\"}\n".getBytes(StandardCharsets.UTF_8);
        Run r = explain(concat("POST /webhooks/github HTTP/1.1\r\nHost: x\r\nX-GitHub-Delivery: d-2\r\n"
                + "X-Hub-Signature-256: " + githubSignature(body) + "\r\nContent-Length: " + sent.length + "\r\n\r\n",
                sent));
        assertEquals(1, r.code);
        assertTrue(r.field("detail").startsWith("signature does not match the body (HMAC-SHA256 over 20 bytes: {body},"
                + " body 20 bytes; 1 secret tried); hint: the signature matches the body without its trailing"
                + " newline"), r.out);
        assertTrue(r.out.contains("secrets tried: #1 inline"), r.out);
        assertTrue(r.out.contains("body: 20 bytes, sha256 " + sha256(sent) + ", ends with a newline"), r.out);
        assertTrue(r.out.contains("authgate sign --config " + config + " --route github --body FILE"), r.out);
        assertFalse(r.out.contains("bare LF"), "a CRLF capture is read as it is");
    }

    @Test
    void namesTheSenderMistakesOfProductSection12() {
        Run encoded = explain("GET /api/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer%20" + TOKEN + "\r\n\r\n");
        assertTrue(encoded.field("reason").startsWith("credentials_malformed ("), encoded.out);
        assertTrue(encoded.field("detail").startsWith("Authorization is URL-encoded"), encoded.out);
        // A zero-width space as the sender's UTF-8 bytes, in a capture file.
        Run zeroWidth = explain(concat("GET /api/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN,
                "\u200B\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(zeroWidth.field("reason").startsWith("credentials_whitespace ("), zeroWidth.out);
        assertEquals("hidden whitespace in the Bearer token: a zero-width space (U+200B) at the end of the token",
                zeroWidth.field("detail"));
        byte[] signed = "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8);
        byte[] sent = "{\n  \"action\": \"opened\"\n}".getBytes(StandardCharsets.UTF_8);
        Run json = explain(concat("POST /webhooks/github HTTP/1.1\r\nHost: x\r\nX-GitHub-Delivery: d-3\r\n"
                + "X-Hub-Signature-256: " + githubSignature(signed) + "\r\nContent-Length: " + sent.length
                + "\r\n\r\n", sent));
        assertTrue(json.field("reason").startsWith("signature_mismatch ("), json.out);
        assertTrue(json.field("detail").contains("hint: the signature matches the body re-serialized as compact JSON"),
                json.out);
        for (Run r : List.of(encoded, zeroWidth, json)) {
            for (String secret : SECRETS) assertFalse(r.out.contains(secret), "explain printed a secret");
        }
    }

    @Test
    void passesSlacksPublishedExampleAsOfItsTimeWithNowAndSaysHowWithout() {
        // The body of Slack's "Verifying requests from Slack" page (token xyzz0WbapA4vBCDEFasx0q6G, see
        // PublishedVectorsTest): signed at 1531420618.
        String body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
                + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
                + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554"
                + "%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        String capture = "POST /webhooks/slack HTTP/1.1\nHost: x\nX-Slack-Request-Timestamp: 1531420618\n"
                + "X-Slack-Signature: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503\n"
                + "Content-Type: application/x-www-form-urlencoded\nContent-Length: " + body.length() + "\n\n" + body;
        Run old = explain(capture);
        assertEquals(1, old.code);
        assertTrue(old.field("reason").startsWith("timestamp_out_of_window"), old.out);
        assertTrue(old.out.contains("judged at " + NOW + " (2023-11-14T22:13:20Z, the current time)"), old.out);
        assertTrue(old.out.contains("the request's timestamp is 1531420618 (2018-07-12T18:36:58Z)"), old.out);
        assertTrue(old.out.contains("add --now 1531420618"), old.out);

        Run then = explain(capture, "--now", "1531420618");
        assertEquals(0, then.code, then.out);
        assertEquals("pass", then.field("verdict"));
        assertEquals("204 No Content from the gateway (respond: 204)", then.field("status"));
        assertEquals("hmac slack (secret #1 of 1 matched)", then.field("identity"));
        assertTrue(then.out.contains("timestamps judged at 1531420618 (2018-07-12T18:36:58Z)"), then.out);
    }

    @Test
    void passesEverySchemeWithExit0() {
        Run bearer = explain("GET /api/orders?page=2 HTTP/1.1\nHost: x\nAuthorization: Bearer " + TOKEN + "\n\n");
        assertEquals(0, bearer.code, bearer.out);
        assertEquals("pass", bearer.field("verdict"));
        assertEquals("GET /api/orders?page=\u2026 HTTP/1.1; headers: Host, Authorization; body: 0 bytes",
                bearer.field("request"), "header names and masked query values only");
        assertEquals("bearer ci-bot (bearer token matched (1 configured token))", bearer.field("identity"));
        assertEquals("forwarded to upstream app (http://127.0.0.1:3000); its answer goes back to the client",
                bearer.field("status"));

        Run key = explain("GET /keys/1 HTTP/1.1\nHost: x\nX-API-Key: " + KEY + "\n\n");
        assertEquals(0, key.code, key.out);
        Run basic = explain("GET /ops/x HTTP/1.1\nHost: x\nAuthorization: Basic " + basic("alice:" + PASSWORD)
                + "\n\n");
        assertEquals(0, basic.code, basic.out);
        assertTrue(basic.field("identity").startsWith("basic alice"), basic.out);
        Run open = explain("GET /health HTTP/1.1\nHost: x\n\n");
        assertEquals(0, open.code, open.out);
        assertEquals("none (open route)", open.field("identity"));
        byte[] body = "{\"zen\":\"Keep it logically awesome.\"}".getBytes(StandardCharsets.UTF_8);
        Run github = explain(concat("POST /webhooks/github HTTP/1.1\nHost: x\nX-GitHub-Delivery: d-3\n"
                + "X-Hub-Signature-256: " + githubSignature(body) + "\nContent-Length: " + body.length + "\n\n", body));
        assertEquals(0, github.code, github.out);
        assertEquals("hmac github (secret #1 of 1 matched)", github.field("identity"));
        assertTrue(github.out.contains("note:     replay not checked offline"), github.out);
    }

    @Test
    void judgesAnAnyRouteByItsSchemesInOrder() {
        Run key = explain("POST /partners/orders HTTP/1.1\nHost: x\nX-Partner-Key: " + KEY
                + "\nContent-Length: 0\n\n");
        assertEquals(0, key.code, key.out);
        assertEquals("api_key partner (api key matched (1 configured key))", key.field("identity"));
        assertTrue(key.field("route").contains("auth any(bearer,api_key)"), key.out);

        Run none = explain("GET /partners/orders HTTP/1.1\nHost: x\n\n");
        assertEquals(1, none.code);
        assertTrue(none.field("reason").startsWith("credentials_missing"), none.out);
        assertTrue(none.out.contains("the route expects Authorization: Bearer <token> (tokens: ci-bot)"), none.out);
        assertTrue(none.out.contains("the route expects X-Partner-Key: <key> (keys: partner)"), none.out);

        Run wrong = explain("GET /partners/orders HTTP/1.1\nHost: x\nX-Partner-Key: not-a-key\n\n");
        assertTrue(wrong.field("reason").startsWith("credentials_invalid"), wrong.out);
        assertTrue(wrong.out.contains("the key sent in X-Partner-Key has fingerprint "
                + dev.authgate.config.Secret.fingerprint("not-a-key")), wrong.out);
    }

    @Test
    void keepsABinaryBodyExactInAnLfCapture() {
        byte[] body = new byte[3000];
        new Random(11).nextBytes(body);
        body[0] = '\r';
        body[1] = '\n';
        body[2] = '\n';
        body[2999] = '\n';
        String head = "POST /webhooks/github HTTP/1.1\nHost: x\nX-GitHub-Delivery: d-bin\nX-Hub-Signature-256: "
                + githubSignature(body) + "\nContent-Type: application/octet-stream\nContent-Length: 3000\n\n";
        Run ok = explain(concat(head, body));
        assertEquals(0, ok.code, ok.out);
        assertTrue(ok.out.contains("bare LF line ends"), ok.out);
        assertTrue(ok.field("request").endsWith("body: 3000 bytes"), ok.out);

        byte[] changed = body.clone();
        changed[1500] ^= 1;
        Run bad = explain(concat(head, changed));
        assertEquals(1, bad.code);
        assertTrue(bad.out.contains("body: 3000 bytes, sha256 " + sha256(changed) + ", ends with a newline"), bad.out);
    }

    @Test
    void readsAChunkedBodyWithLfFramingLinesAndIgnoresWhatFollowsTheRequest() {
        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        String capture = "POST /webhooks/github HTTP/1.1\nHost: x\nX-GitHub-Delivery: d-4\nX-Hub-Signature-256: "
                + githubSignature(body) + "\nTransfer-Encoding: chunked\n\n5;ext=1\nHello\n8\n, World!\n0\n\n"
                + "GET /next HTTP/1.1\n\n";
        Run r = explain(capture);
        assertEquals(0, r.code, r.out);
        assertTrue(r.out.contains("note:     20 bytes after the last chunk are not part of this request (ignored)"),
                r.out);
        Run crlf = explain(capture.replace("\n", "\r\n"));
        assertEquals(0, crlf.code, crlf.out);
        assertFalse(crlf.out.contains("bare LF"), crlf.out);
    }

    @Test
    void saysWhenBytesFollowAHeadWithoutFraming() {
        Run r = explain("GET /health HTTP/1.1\nHost: x\n\n{\"x\":1}\n");
        assertEquals(0, r.code, r.out);
        assertTrue(r.out.contains("8 bytes follow the head, but it has neither Content-Length nor Transfer-Encoding:"
                + " the gateway reads no body (send Content-Length: 8 if they are the body)"), r.out);
    }

    @Test
    void namesTheCredentialSentByFingerprintOnly() {
        Run r = explain("GET /api/orders HTTP/1.1\nHost: x\nAuthorization: Bearer tok-old-rotated\n\n");
        assertTrue(r.out.contains("the token sent has fingerprint "
                + dev.authgate.config.Secret.fingerprint("tok-old-rotated") + "; configured tokens: ci-bot ("
                + dev.authgate.config.Secret.fingerprint(TOKEN) + ")"), r.out);
        assertFalse(r.out.contains("tok-old-rotated"));
        Run user = explain("GET /ops/x HTTP/1.1\nHost: x\nAuthorization: Basic " + basic("bob:" + PASSWORD) + "\n\n");
        assertTrue(user.out.contains("the user name sent is not configured (users: alice)"), user.out);
    }

    @Test
    void listsTheRoutesForA404AndTheLargestHeadersForA431() {
        Run nf = explain("GET /webhook/github HTTP/1.1\nHost: x\n\n");
        assertEquals("none", nf.field("route"));
        assertTrue(nf.out.lines().anyMatch(l -> l.matches(" {12}github +=  ?/webhooks/github +POST +hmac:github +app")),
                nf.out);
        Run big = explain("GET /health HTTP/1.1\nHost: x\nCookie: " + "c".repeat(3000) + "\nX-A: 1\n\n");
        assertTrue(big.out.contains("largest headers: Cookie (3008 bytes), Host (7 bytes), X-A (6 bytes)"), big.out);
        assertEquals("request headers exceed limits.max_header_bytes (2048 bytes)", big.field("detail"));
    }

    @Test
    void exitsWith2OnUsageErrors() throws Exception {
        Run missing = run("--config", config.toString(), "--request", dir.resolve("absent.http").toString());
        assertEquals(2, missing.code);
        assertTrue(missing.err.startsWith("explain: cannot read --request " + dir.resolve("absent.http")
                + " (no such file)"), missing.err);
        assertEquals("", missing.out);

        Path badConfig = Files.writeString(dir.resolve("bad.yaml"), """
                listen: { address: 127.0.0.1:0 }
                routes:
                  - { name: a, match: { path: /a }, respond: 204,
                      auth: { bearer: { tokens: [ { value: "${env:AUTHGATE_EXPLAIN_TEST_UNSET}" } ] } } }
                """);
        Path request = Files.writeString(dir.resolve("a.http"), "GET /a HTTP/1.1\nHost: x\n\n");
        Run config = run("--config", badConfig.toString(), "--request", request.toString());
        assertEquals(2, config.code);
        assertTrue(config.err.contains("explain: cannot load --config " + badConfig + ": "), config.err);
        assertTrue(config.err.contains("AUTHGATE_EXPLAIN_TEST_UNSET is not set"), config.err);

        Run cut = explain("POST /webhooks/github HTTP/1.1\nHost: x\nContent-Length: 10\n\n{}");
        assertEquals(2, cut.code);
        assertTrue(cut.err.contains("the capture is cut short: Content-Length says 10 bytes, the file has 2 after"
                + " the head"), cut.err);
        assertEquals(2, explain("\n\n").code);
        assertEquals(2, run("--config", ExplainCommandTest.config.toString()).code, "--request is required");
    }

    @Test
    void isRegisteredInMain() {
        assertTrue(new CommandLine(new Main()).getSubcommands().containsKey("explain"));
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
