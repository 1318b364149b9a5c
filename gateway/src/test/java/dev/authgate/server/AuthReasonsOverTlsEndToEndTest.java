package dev.authgate.server;

import at.favre.lib.crypto.bcrypt.BCrypt;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.authgate.http.Reason;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import dev.authgate.testing.TestCerts;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLSocketFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every authentication reason code, over a real TLS listener and a real upstream, from a gateway.yaml loaded by the
 * real loader (secrets from {@code ${file:}}): status 401, the reason in the problem body and the access-log line,
 * {@code Server: authgate} and a {@code WWW-Authenticate}. Plus what the upstream receives through TLS, and that no
 * secret, password, Basic credential or signature reaches the access log or any application logger.
 */
class AuthReasonsOverTlsEndToEndTest {
    static final String TOKEN = "tok-e2e-2f9c41d7a8b3";
    static final String API_KEY = "key-e2e-6b1d07c3e9aa";
    static final String PASSWORD = "pw-e2e-alice-93c1f0";
    static final String GITHUB_SECRET = "gh-secret-e2e-5a7e22";
    static final String SLACK_SECRET = "slack-secret-e2e-0d4b8f";
    static final String OLD_TOKEN = "tok-old-e2e-77f1c2d9";
    static final String JWT_SECRET = "jwt-hs256-secret-e2e-4c1d9a7b33e0f812aa";
    static final String BODY = "{\"ref\":\"refs/heads/main\"}";
    /** A Slack timestamp far outside the 5m tolerance (November 2023). */
    static final String OLD_TS = "1700000000";

    @TempDir
    static Path dir;
    static TestUpstream backend;
    static GatewayFixture gw;
    static SSLSocketFactory sockets;

    @BeforeAll
    static void start() throws Exception {
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        sockets = certs.clientSslContext().getSocketFactory();
        Files.createDirectories(dir.resolve("secrets"));
        for (String[] s : new String[][] {{"token", TOKEN}, {"key", API_KEY}, {"github", GITHUB_SECRET},
                {"slack", SLACK_SECRET}, {"jwt", JWT_SECRET}, {"old", OLD_TOKEN}}) {
            Files.writeString(dir.resolve("secrets/" + s[0]), s[1] + "\n");
        }
        Files.writeString(dir.resolve("secrets/jwt-es256.pem"), "kid: e2e-k1\n"
                + dev.authgate.auth.jwt.TestTokens.pem(dev.authgate.auth.jwt.TestTokens.keys("ec256").getPublic()));
        String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, PASSWORD.toCharArray());
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
                    auth: { bearer: { tokens: [ { id: ci-bot, value: "${file:secrets/token}" },
                                                { id: old-bot, value: "${file:secrets/old}", expires: 2020-01-01T00:00:00Z } ] } }
                  - name: reports
                    match: { path: /reports }
                    upstream: app
                    auth: { api_key: { header: X-API-Key, keys: [ { id: billing, value: "${file:secrets/key}" } ] } }
                  - name: admin
                    match: { path_prefix: /admin/ }
                    upstream: app
                    auth: { basic: { users: { alice: "%s" } } }
                  - name: github
                    match: { path: /hooks/github, methods: [POST] }
                    upstream: app
                    auth: { hmac: { preset: github, secrets: [ "${file:secrets/github}" ] } }
                  - name: deploys
                    match: { path: /hooks/deploy, methods: [POST] }
                    upstream: app
                    auth: { hmac: { preset: github, secrets: [ "${file:secrets/github}" ], replay: { key: signature } } }
                  - name: slack
                    match: { path: /hooks/slack, methods: [POST] }
                    upstream: app
                    auth: { hmac: { preset: slack, secrets: [ "${file:secrets/slack}" ] } }
                  - name: jwt
                    match: { path: /jwt }
                    upstream: app
                    auth: { jwt: { issuers: [ { issuer: e2e, secret: "${file:secrets/jwt}", audiences: [orders] },
                                              { issuer: e2e-keys, keys: [ "${file:secrets/jwt-es256.pem}" ], audiences: any } ] } }
                """.formatted(backend.url(), hash)));
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        if (backend != null) backend.close();
    }

    static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    static String hmacHex(String secret, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
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

    static RawHttp.Response tls(String request) {
        try (RawHttp c = RawHttp.connectTls(gw.port(), sockets)) {
            return c.send(request.getBytes(StandardCharsets.UTF_8)).read();
        }
    }

    static String githubSig(String body) throws Exception {
        return "X-Hub-Signature-256: sha256=" + hmacHex(GITHUB_SECRET, body);
    }

    static String slackSig(String ts, String body) throws Exception {
        return "X-Slack-Signature: v0=" + hmacHex(SLACK_SECRET, "v0:" + ts + ":" + body);
    }

    /** A token for the {@code /jwt} route: HS256 with the route's secret unless {@code alg} says otherwise. */
    static String jwt(String alg, String kid, String claims) {
        String header = "{\"alg\":\"" + alg + "\"" + (kid == null ? "" : ",\"kid\":\"" + kid + "\"") + "}";
        String token = alg.startsWith("HS") ? dev.authgate.auth.jwt.TestTokens.hmac(header, claims,
                JWT_SECRET.getBytes(StandardCharsets.UTF_8), alg)
                : dev.authgate.auth.jwt.TestTokens.sign(header, claims,
                dev.authgate.auth.jwt.TestTokens.keys("ec256").getPrivate(), alg);
        return "Authorization: Bearer " + token;
    }

    static String claims(String iss, String aud, long expIn, long nbfIn) {
        long now = System.currentTimeMillis() / 1000;
        return "{\"iss\":\"" + iss + "\",\"sub\":\"svc\",\"aud\":\"" + aud + "\""
                + (expIn == 0 ? "" : ",\"exp\":" + (now + expIn)) + ",\"nbf\":" + (now + nbfIn) + "}";
    }

    /** One request per auth reason code except {@code replayed} (which needs a first delivery; see its own test). */
    static Stream<Arguments> rejections() throws Exception {
        String now = Long.toString(System.currentTimeMillis() / 1000);
        return Stream.concat(jwtRejections(), Stream.of(
                Arguments.of(Reason.CREDENTIALS_MISSING, get("/api/orders")),
                Arguments.of(Reason.BEARER_PREFIX_MISSING, get("/api/orders", "Authorization: " + TOKEN)),
                Arguments.of(Reason.SCHEME_MISMATCH, get("/api/orders", "Authorization: " + basic("alice:" + PASSWORD))),
                Arguments.of(Reason.CREDENTIALS_MALFORMED, get("/admin/users", "Authorization: " + basic("alice"))),
                Arguments.of(Reason.CREDENTIALS_WHITESPACE, get("/api/orders", "Authorization: Bearer  " + TOKEN)),
                Arguments.of(Reason.CREDENTIALS_IN_WRONG_HEADER, get("/reports", "Authorization: Bearer " + API_KEY)),
                Arguments.of(Reason.CREDENTIALS_INVALID, get("/api/orders", "Authorization: Bearer not-a-known-token")),
                Arguments.of(Reason.CREDENTIALS_EXPIRED, get("/api/orders", "Authorization: Bearer " + OLD_TOKEN)),
                Arguments.of(Reason.CREDENTIALS_INVALID, get("/admin/users", "Authorization: " + basic("alice:wrong"))),
                Arguments.of(Reason.SIGNATURE_MISSING, post("/hooks/github", BODY)),
                Arguments.of(Reason.SIGNATURE_MALFORMED, post("/hooks/github", BODY,
                        "X-Hub-Signature-256: " + hmacHex(GITHUB_SECRET, BODY))),
                Arguments.of(Reason.SIGNATURE_MISMATCH, post("/hooks/github", "{\"ref\":\"refs/heads/evil\"}",
                        githubSig(BODY))),
                Arguments.of(Reason.TIMESTAMP_MISSING, post("/hooks/slack", BODY, slackSig(now, BODY))),
                Arguments.of(Reason.TIMESTAMP_MALFORMED, post("/hooks/slack", BODY,
                        "X-Slack-Request-Timestamp: yesterday", slackSig(now, BODY))),
                Arguments.of(Reason.TIMESTAMP_OUT_OF_WINDOW, post("/hooks/slack", BODY,
                        "X-Slack-Request-Timestamp: " + OLD_TS, slackSig(OLD_TS, BODY)))));
    }

    static Stream<Arguments> jwtRejections() {
        String ok = claims("e2e", "orders", 600, 0);
        return Stream.of(
                Arguments.of(Reason.TOKEN_MALFORMED, get("/jwt", "Authorization: Bearer not.a-jwt")),
                Arguments.of(Reason.TOKEN_ALGORITHM_NOT_ALLOWED, get("/jwt", jwt("ES256", null, ok))),
                Arguments.of(Reason.TOKEN_ISSUER_UNKNOWN, get("/jwt", jwt("HS256", null,
                        claims("elsewhere", "orders", 600, 0)))),
                Arguments.of(Reason.TOKEN_KEY_UNKNOWN, get("/jwt", jwt("ES256", "e2e-k9",
                        claims("e2e-keys", "x", 600, 0)))),
                Arguments.of(Reason.TOKEN_SIGNATURE_INVALID, get("/jwt", jwt("HS256", null, ok).replace("Bearer ey",
                        "Bearer ey") + "x")),
                Arguments.of(Reason.TOKEN_EXPIRED, get("/jwt", jwt("HS256", null, claims("e2e", "orders", -600, -900)))),
                Arguments.of(Reason.TOKEN_NOT_YET_VALID, get("/jwt", jwt("HS256", null,
                        claims("e2e", "orders", 900, 600)))),
                Arguments.of(Reason.TOKEN_AUDIENCE_MISMATCH, get("/jwt", jwt("HS256", null,
                        claims("e2e", "billing", 600, 0)))),
                Arguments.of(Reason.TOKEN_CLAIM_INVALID, get("/jwt", jwt("HS256", null, claims("e2e", "orders", 0, 0)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void rejectsWithThePreciseReasonOverTls(Reason reason, String request) {
        RawHttp.Response r = tls(request);
        assertRejected(reason, r);
    }

    @Test
    void rejectsTheSameSignedDeliveryTheSecondTimeAsReplayed() throws Exception {
        String body = "{\"deploy\":" + System.nanoTime() + "}";
        String request = post("/hooks/deploy", body, githubSig(body), "X-GitHub-Event: push");
        RawHttp.Response first = tls(request);
        assertEquals(200, first.status(), first::toString);
        assertEquals(body, backend.takeRequest().bodyText());
        assertRejected(Reason.REPLAYED, tls(request));
        assertEquals(0, backend.pendingRequests(), "the replay was not forwarded");
    }

    @Test
    void coversEveryAuthenticationReasonCode() throws Exception {
        Set<Reason> covered = EnumSet.of(Reason.REPLAYED);
        rejections().forEach(a -> covered.add((Reason) a.get()[0]));
        Set<Reason> auth = EnumSet.noneOf(Reason.class);
        for (Reason r : Reason.values()) {
            // the client_certificate_* reasons need client certificates: MtlsEndToEndTest covers each, on both providers
            if (r.status() == 401 && !r.code().startsWith("client_certificate_")) auth.add(r);
        }
        assertEquals(auth, covered);
    }

    @Test
    void forwardsWithXForwardedProtoHttpsThroughTheTlsListener() {
        RawHttp.Response r = tls(get("/api/orders", "Authorization: Bearer " + TOKEN,
                "X-Forwarded-Proto: http")); // a client's own claim is replaced, not passed on
        assertEquals(200, r.status(), r::toString);
        TestUpstream.Recorded got = backend.takeRequest();
        assertEquals("https", got.header("X-Forwarded-Proto"));
        assertEquals(List.of("https"), got.headers().getAll("X-Forwarded-Proto"));
        assertEquals("bearer", got.header("X-Auth-Scheme"));
        assertEquals("ci-bot", got.header("X-Auth-Identity"));
    }

    @Test
    void neverLogsASecretPasswordBasicCredentialOrSignature() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = (Logger) LoggerFactory.getLogger("dev.authgate");
        Logger access = (Logger) LoggerFactory.getLogger(dev.authgate.observe.AccessLog.LOGGER_NAME);
        Level before = ours.getLevel();
        ListAppender<ILoggingEvent> all = new ListAppender<>();
        all.start();
        root.addAppender(all);
        access.addAppender(all); // in case the access logger is not additive
        ours.setLevel(Level.TRACE); // every level, so debug lines are checked too
        List<String> requestIds = new ArrayList<>();
        String deployBody = "{\"deploy\":\"log-check-" + System.nanoTime() + "\"}";
        String now = Long.toString(System.currentTimeMillis() / 1000);
        List<String> secrets;
        try {
            List<String> requests = new ArrayList<>();
            requests.add(get("/api/orders", "Authorization: Bearer " + TOKEN));
            requests.add(get("/api/orders", "Authorization: " + TOKEN));
            requests.add(get("/api/orders", "Authorization: Bearer  " + TOKEN));
            requests.add(get("/api/orders", "Authorization: Bearer " + TOKEN + "x"));
            requests.add(get("/api/orders", "Authorization: Bearer " + OLD_TOKEN));
            requests.add(get("/api/orders", "Authorization: " + basic("alice:" + PASSWORD)));
            requests.add(get("/reports", "X-API-Key: " + API_KEY));
            requests.add(get("/reports", "Authorization: Bearer " + API_KEY));
            requests.add(get("/reports?api_key=" + API_KEY));
            requests.add(get("/reports", "X-API-Key: " + API_KEY + "-revoked"));
            requests.add(get("/admin/users", "Authorization: " + basic("alice:" + PASSWORD)));
            requests.add(get("/admin/users", "Authorization: " + basic("alice:" + PASSWORD + "-wrong")));
            requests.add(get("/admin/users", "Authorization: " + basic("mallory:" + PASSWORD)));
            requests.add(get("/admin/users", "Authorization: " + basic(PASSWORD)));
            requests.add(post("/hooks/github", BODY, githubSig(BODY)));
            requests.add(post("/hooks/github", BODY + " ", githubSig(BODY)));
            requests.add(post("/hooks/github", BODY, "X-Hub-Signature-256: " + hmacHex(GITHUB_SECRET, BODY)));
            requests.add(post("/hooks/deploy", deployBody, githubSig(deployBody)));
            requests.add(post("/hooks/deploy", deployBody, githubSig(deployBody)));
            requests.add(post("/hooks/slack", BODY, "X-Slack-Request-Timestamp: " + now, slackSig(now, BODY)));
            requests.add(post("/hooks/slack", BODY + "x", "X-Slack-Request-Timestamp: " + now, slackSig(now, BODY)));
            requests.add(post("/hooks/slack", BODY, "X-Slack-Request-Timestamp: " + OLD_TS, slackSig(OLD_TS, BODY)));
            java.time.Instant t = java.time.Instant.now();
            String claims = "{\"iss\":\"e2e\",\"sub\":\"svc\",\"aud\":\"orders\",\"exp\":" + (t.getEpochSecond() + 600) + "}";
            String expiredClaims = claims.replace(Long.toString(t.getEpochSecond() + 600),
                    Long.toString(t.getEpochSecond() - 600));
            String goodJwt = dev.authgate.auth.jwt.TestTokens.hmac("{\"alg\":\"HS256\"}", claims,
                    JWT_SECRET.getBytes(StandardCharsets.UTF_8), "HS256");
            String expiredJwt = dev.authgate.auth.jwt.TestTokens.hmac("{\"alg\":\"HS256\"}", expiredClaims,
                    JWT_SECRET.getBytes(StandardCharsets.UTF_8), "HS256");
            String forgedJwt = dev.authgate.auth.jwt.TestTokens.hmac("{\"alg\":\"HS256\"}", claims,
                    "another-secret-e2e-0123456789abcdef".getBytes(StandardCharsets.UTF_8), "HS256");
            requests.add(get("/jwt", "Authorization: Bearer " + goodJwt));
            requests.add(get("/jwt", "Authorization: Bearer " + expiredJwt));
            requests.add(get("/jwt", "Authorization: Bearer " + forgedJwt));
            requests.add(get("/jwt", "Authorization: " + goodJwt));
            int passes = 0;
            for (String request : requests) {
                RawHttp.Response r = tls(request);
                requestIds.add(r.header("X-Request-Id"));
                if (r.status() == 200) passes++;
            }
            assertEquals(7, passes, "bearer, api_key, basic, github, deploys, slack and jwt each passed once");
            for (String id : requestIds) gw.accessLog().await(id);
            while (backend.pendingRequests() > 0) backend.takeRequest();

            secrets = List.of(TOKEN, OLD_TOKEN, API_KEY, PASSWORD, GITHUB_SECRET, SLACK_SECRET,
                    Base64.getEncoder().encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8)),
                    Base64.getEncoder().encodeToString(("alice:" + PASSWORD + "-wrong").getBytes(StandardCharsets.UTF_8)),
                    Base64.getEncoder().encodeToString(("mallory:" + PASSWORD).getBytes(StandardCharsets.UTF_8)),
                    hmacHex(GITHUB_SECRET, BODY), hmacHex(GITHUB_SECRET, deployBody),
                    hmacHex(SLACK_SECRET, "v0:" + now + ":" + BODY), hmacHex(SLACK_SECRET, "v0:" + OLD_TS + ":" + BODY),
                    JWT_SECRET, goodJwt, expiredJwt, forgedJwt, goodJwt.substring(goodJwt.lastIndexOf('.') + 1),
                    expiredJwt.substring(expiredJwt.lastIndexOf('.') + 1),
                    forgedJwt.substring(forgedJwt.lastIndexOf('.') + 1));
        } finally {
            ours.setLevel(before);
            root.detachAppender(all);
            access.detachAppender(all);
            all.stop();
        }

        List<String> logged = new ArrayList<>();
        synchronized (all) {
            for (ILoggingEvent e : all.list) logged.add(render(e));
        }
        logged.addAll(gw.accessLog().lines());
        assertTrue(logged.size() >= requestIds.size(), "the access log was captured: " + logged.size() + " lines");
        assertTrue(logged.stream().anyMatch(l -> l.contains("replayed")), "the replayed rejection was logged");
        for (String line : logged) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret), () -> "a secret (" + secret.length() + " chars, starting '"
                        + secret.substring(0, 4) + "') in a log line from " + line.substring(0, Math.min(40, line.length())));
            }
        }
    }

    /** Everything an appender or encoder could write: logger, message, raw arguments, MDC, throwables. */
    private static String render(ILoggingEvent e) {
        StringBuilder b = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
        if (e.getArgumentArray() != null) b.append(' ').append(Arrays.toString(e.getArgumentArray()));
        b.append(' ').append(e.getMDCPropertyMap());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            b.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return b.toString();
    }

    private static void assertRejected(Reason reason, RawHttp.Response r) {
        assertEquals(401, r.status(), r::toString);
        assertEquals(reason.code(), r.json().get("reason"), r::bodyText);
        assertEquals("authgate", r.header("Server"));
        assertFalse(r.headers("WWW-Authenticate").isEmpty(), "a 401 carries a challenge");
        AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
        assertEquals(reason.code(), e.reason());
        assertEquals(401, e.status());
    }
}
