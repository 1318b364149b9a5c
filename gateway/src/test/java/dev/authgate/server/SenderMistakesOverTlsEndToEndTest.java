package dev.authgate.server;

import dev.authgate.http.Reason;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestCerts;
import dev.authgate.testing.TestConfigs;
import dev.authgate.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLSocketFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every row of PRODUCT.md §12 end to end: a real TLS listener, a gateway.yaml loaded by the real loader with secrets
 * from {@code ${file:}}, requests written byte for byte (a zero-width space goes out as the UTF-8 bytes E2 80 8B),
 * signatures made here with the JDK's {@link Mac}. Each answer is a 401 with the row's reason, and the detail in the
 * problem body and in the access-log line names the mistake; no detail holds the token, key, secret or signature.
 */
class SenderMistakesOverTlsEndToEndTest {
    static final String TOKEN = "tok-mistake-e2e-8d2f60b1";
    static final String API_KEY = "key-mistake-e2e-3a9c71";
    static final String GITHUB_SECRET = "gh-mistake-e2e-0b5d";
    static final String MAIA_SECRET = "maia-mistake-e2e-77c1";
    static final byte[] SW_KEY = "standard-webhooks-e2e-key".getBytes(StandardCharsets.UTF_8);
    static final String SW_SECRET = "whsec_" + Base64.getEncoder().encodeToString(SW_KEY);
    static final String COMPACT = "{\"action\":\"opened\",\"amount\":10.50,\"name\":\"Ren\u00e9e\"}";
    static final String INDENTED = "{\n  \"action\": \"opened\",\n  \"amount\": 10.50,\n  \"name\": \"Ren\u00e9e\"\n}";
    static final String PYTHON = "{\"action\": \"opened\", \"amount\": 10.50, \"name\": \"Ren\\u00e9e\"}";

    @TempDir
    static Path dir;
    static TestUpstream backend;
    static GatewayFixture gw;
    static SSLSocketFactory sockets;
    static final List<String> SIGNATURES = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        sockets = certs.clientSslContext().getSocketFactory();
        Files.createDirectories(dir.resolve("secrets"));
        for (String[] s : new String[][] {{"token", TOKEN}, {"key", API_KEY}, {"github", GITHUB_SECRET},
                {"maia", MAIA_SECRET}, {"sw", SW_SECRET}}) {
            Files.writeString(dir.resolve("secrets/" + s[0]), s[1] + "\n");
        }
        backend = TestUpstream.start();
        gw = GatewayFixture.start(TestConfigs.load(dir, """
                listen:
                  address: 127.0.0.1:0
                  tls: { cert: certs/server.crt, key: certs/server.key }
                upstreams:
                  app: { url: "%s" }
                routes:
                  - name: api
                    match: { path_prefix: /api/ }
                    upstream: app
                    auth: { bearer: { tokens: [ { id: ci-bot, value: "${file:secrets/token}" } ] } }
                  - name: reports
                    match: { path: /reports }
                    upstream: app
                    auth: { api_key: { header: X-API-Key, keys: [ { id: billing, value: "${file:secrets/key}" } ] } }
                  - name: github
                    match: { path: /hooks/github, methods: [POST] }
                    upstream: app
                    auth: { hmac: { preset: github, secrets: [ "${file:secrets/github}" ] } }
                  - name: maia
                    match: { path: /hooks/maia, methods: [POST] }
                    upstream: app
                    auth: { hmac: { header: X-Maia-Signature, algorithm: sha256, encoding: hex, secrets: [ "${file:secrets/maia}" ] } }
                  - name: sw
                    match: { path: /hooks/sw, methods: [POST] }
                    upstream: app
                    auth: { hmac: { preset: standard-webhooks, secrets: [ "${file:secrets/sw}" ] } }
                """.formatted(backend.url())));
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        if (backend != null) backend.close();
    }

    static byte[] mac(String jca, byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance(jca);
            mac.init(new SecretKeySpec(key, jca));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String hex(String jca, String secret, String data) {
        String h = HexFormat.of().formatHex(mac(jca, secret.getBytes(StandardCharsets.UTF_8), data));
        SIGNATURES.add(h);
        return h;
    }

    static String get(String path, String... headers) {
        StringBuilder r = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (String h : headers) r.append(h).append("\r\n");
        return r.append("\r\n").toString();
    }

    static String post(String path, String body, String... headers) {
        StringBuilder r = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (String h : headers) r.append(h).append("\r\n");
        r.append("Content-Type: application/json\r\nContent-Length: ")
                .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n");
        return r.append(body).toString();
    }

    static String github(String signed) {
        return "X-Hub-Signature-256: sha256=" + hex("HmacSHA256", GITHUB_SECRET, signed);
    }

    static String[] standardWebhooks(byte[] key, String body) {
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        String sig = Base64.getEncoder().encodeToString(mac("HmacSHA256", key, "msg_e2e." + ts + "." + body));
        SIGNATURES.add(sig);
        return new String[] {"webhook-id: msg_e2e", "webhook-timestamp: " + ts, "webhook-signature: v1," + sig};
    }

    /** Each row of §12: the request (sent as UTF-8 bytes), the reason, the words the detail must hold. */
    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("URL-encoded Authorization", get("/api/orders", "Authorization: Bearer%20" + TOKEN),
                        Reason.CREDENTIALS_MALFORMED, List.of("URL-encoded", "not percent-encoded")),
                Arguments.of("token in quotes", get("/api/orders", "Authorization: Bearer \"" + TOKEN + "\""),
                        Reason.CREDENTIALS_MALFORMED, List.of("quotes")),
                Arguments.of("scheme twice", get("/api/orders", "Authorization: Bearer Bearer " + TOKEN),
                        Reason.CREDENTIALS_MALFORMED, List.of("twice")),
                Arguments.of("zero-width space as raw UTF-8", get("/api/orders",
                        "Authorization: Bearer \u200B" + TOKEN), Reason.CREDENTIALS_WHITESPACE,
                        List.of("zero-width", "after the scheme")),
                Arguments.of("BOM at the end of the token", get("/api/orders",
                        "Authorization: Bearer " + TOKEN + "\uFEFF"), Reason.CREDENTIALS_WHITESPACE,
                        List.of("zero-width", "at the end of the token")),
                Arguments.of("non-breaking space after Bearer", get("/api/orders",
                        "Authorization: Bearer\u00A0" + TOKEN), Reason.CREDENTIALS_WHITESPACE,
                        List.of("non-breaking", "instead of the space after the scheme")),
                Arguments.of("zero-width space in an API key", get("/reports", "X-API-Key: " + API_KEY + "\u200B"),
                        Reason.CREDENTIALS_WHITESPACE, List.of("zero-width", "at the end of the key")),
                Arguments.of("token in X-API-Key", get("/api/orders", "X-API-Key: " + TOKEN),
                        Reason.CREDENTIALS_IN_WRONG_HEADER, List.of("X-API-Key header")),
                Arguments.of("token in Api-Key", get("/api/orders", "Api-Key: " + TOKEN),
                        Reason.CREDENTIALS_IN_WRONG_HEADER, List.of("Api-Key header")),
                Arguments.of("token in Token", get("/api/orders", "Token: " + TOKEN),
                        Reason.CREDENTIALS_IN_WRONG_HEADER, List.of("Token header")),
                Arguments.of("token in ?access_token=", get("/api/orders?access_token=" + TOKEN),
                        Reason.CREDENTIALS_IN_WRONG_HEADER, List.of("query string", "access_token")),
                Arguments.of("sha256= where no prefix is expected", post("/hooks/maia", COMPACT,
                        "X-Maia-Signature: sha256=" + hex("HmacSHA256", MAIA_SECRET, COMPACT)),
                        Reason.SIGNATURE_MALFORMED, List.of("'sha256='", "expects no prefix")),
                Arguments.of("no prefix where sha256= is expected", post("/hooks/github", COMPACT,
                        "X-Hub-Signature-256: " + hex("HmacSHA256", GITHUB_SECRET, COMPACT)),
                        Reason.SIGNATURE_MALFORMED, List.of("expected 'sha256='", "without it")),
                Arguments.of("HMAC-SHA1 on a SHA-256 route", post("/hooks/maia", COMPACT,
                        "X-Maia-Signature: " + hex("HmacSHA1", MAIA_SECRET, COMPACT)),
                        Reason.SIGNATURE_MALFORMED, List.of("looks like HMAC-SHA1")),
                Arguments.of("HMAC-SHA512 on a SHA-256 route", post("/hooks/maia", COMPACT,
                        "X-Maia-Signature: " + hex("HmacSHA512", MAIA_SECRET, COMPACT)),
                        Reason.SIGNATURE_MALFORMED, List.of("looks like HMAC-SHA512")),
                Arguments.of("compact JSON signed, indented delivered", post("/hooks/github", INDENTED,
                        github(COMPACT)), Reason.SIGNATURE_MISMATCH, List.of("JSON", "re-serialized", "compact")),
                Arguments.of("indented JSON signed, compact delivered", post("/hooks/github", COMPACT,
                        github(INDENTED)), Reason.SIGNATURE_MISMATCH, List.of("JSON", "re-serialized", "indented")),
                Arguments.of("Python json.dumps signed", post("/hooks/github", COMPACT, github(PYTHON)),
                        Reason.SIGNATURE_MISMATCH, List.of("JSON", "json.dumps")),
                Arguments.of("empty body signed", post("/hooks/github", COMPACT, github("")),
                        Reason.SIGNATURE_MISMATCH, List.of("empty body")),
                Arguments.of("whsec_ secret used as text", post("/hooks/sw", COMPACT,
                        standardWebhooks(SW_SECRET.getBytes(StandardCharsets.UTF_8), COMPACT)),
                        Reason.SIGNATURE_MISMATCH, List.of("base64", "decode")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void namesTheMistakeInTheResponseAndTheLogLine(String mistake, String request, Reason reason, List<String> words) {
        RawHttp.Response r;
        try (RawHttp c = RawHttp.connectTls(gw.port(), sockets)) {
            r = c.send(request.getBytes(StandardCharsets.UTF_8)).read();
        }
        assertEquals(401, r.status(), r::toString);
        assertEquals(reason.code(), r.json().get("reason"), r::bodyText);
        String detail = String.valueOf(r.json().get("detail"));
        AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
        assertEquals(reason.code(), e.reason());
        assertEquals(detail, e.detail(), "the log line carries the same detail");
        for (String w : words) {
            assertTrue(detail.contains(w), () -> mistake + ": the detail lacks '" + w + "': " + detail);
        }
        List<String> values = new ArrayList<>(List.of(TOKEN, API_KEY, GITHUB_SECRET, MAIA_SECRET, SW_SECRET,
                Base64.getEncoder().encodeToString(SW_KEY), TOKEN.substring(0, 10), Integer.toString(TOKEN.length())));
        values.addAll(SIGNATURES);
        for (String v : values) {
            assertFalse(detail.contains(v), () -> mistake + ": a secret, token or signature in the detail");
        }
        for (String line : gw.accessLog().lines()) {
            for (String v : List.of(TOKEN, API_KEY, GITHUB_SECRET, MAIA_SECRET, SW_SECRET)) {
                assertFalse(line.contains(v), () -> mistake + ": a secret in a log line");
            }
        }
    }
}
