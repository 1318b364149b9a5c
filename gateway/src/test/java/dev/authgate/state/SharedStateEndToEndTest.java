package dev.authgate.state;

import dev.authgate.admin.AdminServer;
import dev.authgate.config.AdminConfig;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.StateConfig;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.observe.Metrics;
import dev.authgate.testing.Await;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestConfigs;
import dev.authgate.testing.TestRedis;
import dev.authgate.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.authgate.testing.RawHttp.crlf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway instances sharing one real redis-server (§10): what one accepted is {@code replayed} on the other, the
 * failed-auth budget is shared, Redis killed answers 503 {@code store_unavailable} by {@code on_failure} and recovers
 * by itself, Redis down at start is not fatal, and no key holds a secret, signature or delivery id in the clear.
 */
class SharedStateEndToEndTest {
    private static final String SECRET = "whsec-" + UUID.randomUUID();
    private static final String TOKEN = "tok-" + UUID.randomUUID();

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private TestRedis redis;
    private TestUpstream backend;

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
        if (backend != null) backend.close();
        if (redis != null) redis.close();
    }

    private String yaml(String name, String redisUrl, String replayPolicy, String onDuplicate) {
        return """
                gateway: { name: %s }
                listen: { address: "127.0.0.1:0" }
                admin: { address: "127.0.0.1:0" }
                limits:
                  auth_failures: { max: 3, window: 1m }
                upstreams:
                  app: { url: "%s", response_timeout: 3s }
                routes:
                  - name: github
                    match: { path: /webhooks/github }
                    upstream: app
                    auth: { hmac: { preset: github, secrets: ["%s"], replay: { key: id, on_duplicate: %s } } }
                  - name: api
                    match: { path: /api }
                    upstream: app
                    auth: { bearer: { tokens: ["%s"] } }
                state:
                  store: redis
                  redis: { url: "%s", key_prefix: "test:", command_timeout: 250ms, connect_timeout: 500ms }
                  on_failure: { replay: %s, throttle: local }
                """.formatted(name, backend.url(), SECRET, onDuplicate, TOKEN, redisUrl, replayPolicy);
    }

    /** One gateway instance on its own SharedState (its own Redis connection), as a separate process would be. */
    private Instance instance(String name, String redisUrl, String replayPolicy, String onDuplicate) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        GatewayConfig cfg = TestConfigs.load(d, yaml(name, redisUrl, replayPolicy, onDuplicate));
        Metrics metrics = new Metrics();
        SharedState state = SharedState.open(cfg.state(), metrics, 1000);
        open.add(state);
        GatewayFixture gw = GatewayFixture.start(cfg, state, metrics);
        open.add(gw);
        return new Instance(gw, metrics);
    }

    private Instance instance(String name) throws Exception {
        return instance(name, redis.url(), "reject", "reject");
    }

    private record Instance(GatewayFixture gw, Metrics metrics) {
        RawHttp.Response send(String request) {
            return gw.send(request);
        }
    }

    private static String delivery(String id, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String sig = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
            return crlf("POST /webhooks/github HTTP/1.1\nHost: x\nX-GitHub-Delivery: " + id
                    + "\nX-Hub-Signature-256: sha256=" + sig + "\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\n\n") + body;
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static String bearer(String token) {
        return crlf("GET /api HTTP/1.1\nHost: x\nAuthorization: Bearer " + token + "\n\n");
    }

    /** Redis, the upstream and two connected instances A and B on them. */
    private Instance[] twoInstances(String onDuplicate) throws Exception {
        startAll();
        Instance a = instance("gw-a", redis.url(), "reject", onDuplicate);
        Instance b = instance("gw-b", redis.url(), "reject", onDuplicate);
        awaitUp(a);
        awaitUp(b);
        return new Instance[] {a, b};
    }

    private void startAll() {
        redis = TestRedis.start();
        backend = TestUpstream.start();
    }

    private static void awaitUp(Instance i) {
        Await.until("the state store is up", () -> i.metrics().scrape().contains("authgate_state_store_up 1.0"));
    }

    @Test
    void aDeliveryAcceptedByOneInstanceIsReplayedOnTheOther() throws Exception {
        Instance[] ab = twoInstances("reject");
        Instance a = ab[0];
        Instance b = ab[1];
        String d = delivery("d-" + UUID.randomUUID(), "{\"n\":1}");
        assertEquals(200, a.send(d).status());
        backend.takeRequest();
        awaitCommitted();
        RawHttp.Response again = b.send(d);
        assertEquals(401, again.status());
        assertEquals("replayed", again.json().get("reason"));
        assertEquals("this delivery was already accepted", again.json().get("detail"));
        assertEquals(0, backend.pendingRequests(), "the duplicate never reached the upstream");
        AccessLogEntry e = b.gw().accessLog().await(again.header("X-Request-Id"));
        assertEquals("replayed", e.reason());
        assertNoSecretInKeys(d);
        assertTrue(b.metrics().scrape().contains(
                "authgate_state_store_operations_total{op=\"claim\",result=\"ok\"}"), "claims are counted");
    }

    @Test
    void acknowledgeWorksAcrossInstances() throws Exception {
        Instance[] ab = twoInstances("acknowledge");
        Instance a = ab[0];
        Instance b = ab[1];
        String d = delivery("d-ack", "{}");
        assertEquals(200, a.send(d).status());
        backend.takeRequest();
        awaitCommitted();
        RawHttp.Response ack = b.send(d);
        assertEquals(200, ack.status());
        assertEquals("authgate", ack.header("Server"), "the gateway answered, not the upstream");
        assertEquals(0, backend.pendingRequests());
    }

    @Test
    void inFlightOnOneIsReplayedOnTheOtherAndAnUpstreamFailureReleasesTheKeyForTheRetry() throws Exception {
        Instance[] ab = twoInstances("reject");
        Instance a = ab[0];
        Instance b = ab[1];
        backend.answer(r -> TestUpstream.Reply.hanging());
        String d = delivery("d-flight", "{}");
        CompletableFuture<RawHttp.Response> first = CompletableFuture.supplyAsync(() -> a.send(d));
        backend.takeRequest(); // at the upstream: claimed by A
        RawHttp.Response second = b.send(d);
        assertEquals(401, second.status());
        assertTrue(((String) second.json().get("detail")).contains("in flight"));
        assertEquals(504, first.get(15, TimeUnit.SECONDS).status(), "A's upstream timed out: A released the key");
        backend.answer(r -> TestUpstream.Reply.json(200, "{}"));
        // the release is sent before the 504 is written but lands in Redis a round trip later: a retry inside that
        // round trip is told "in flight", so the test retries as a sender would
        Await.until("the sender's retry through B passes", () -> b.send(d).status() == 200);
        assertEquals(401, a.send(d).status(), "and is then committed for A too");
    }

    @Test
    void theFailedAuthBudgetIsSharedAcrossInstances() throws Exception {
        Instance[] ab = twoInstances("reject");
        Instance a = ab[0];
        Instance b = ab[1];
        // max: 3 across both instances; each instance learns of the block when it counts a failure past the budget
        int failures = 0;
        int refused = 0;
        for (int i = 0; i < 10; i++) {
            Instance sender = i % 2 == 0 ? a : b;
            RawHttp.Response r = sender.send(bearer("wrong-" + i));
            if (r.status() == 401) failures++;
            if (r.status() == 429) {
                refused++;
                assertTrue(Long.parseLong(r.header("Retry-After")) > 0);
            }
            int seen = failures;
            Await.until("every failure so far is counted in Redis", () -> countInRedis() >= seen);
            if (r.status() == 401 && seen >= 3) {
                // the block takes effect when the instance has read Redis's answer, which lands after the 401 went
                // out (on its event loop since the loops have connections of their own): wait for that, as the
                // next failure of a real sender comes well after it
                Await.until("the instance that counted it learned of the block",
                        () -> sender.gw().server().runtime().throttle().isThrottled("127.0.0.1"));
            }
        }
        assertTrue(failures <= 3 + 1, "at most max + (instances - 1) failures across two instances, got " + failures);
        assertTrue(refused >= 5, "the rest refused with 429, got " + refused);
        String key = redis.keys().stream().filter(k -> k.startsWith("test:fail:")).findFirst().orElseThrow();
        long ttl = redis.pttl(key);
        assertTrue(ttl > 0 && ttl <= 60_000, "the counter carries its window as TTL: " + ttl);
        assertFalse(key.contains("127.0.0.1"), "the client address is hashed: " + key);
    }

    @Test
    void whileRedisIsDownFailuresAreCountedPerInstance() throws Exception {
        startAll();
        Instance a = instance("gw-a");
        awaitUp(a);
        redis.kill();
        for (int i = 0; i < 3; i++) assertEquals(401, a.send(bearer("wrong-" + i)).status());
        Await.until("on_failure.throttle: local blocks after max failures on this instance",
                () -> a.send(bearer("wrong-x")).status() == 429);
        assertTrue(a.metrics().scrape().contains("op=\"throttle\",result=\"unavailable\""));
    }

    @Test
    void readyzStays200AndNamesTheStoresStateAndAReloadKeepsTheStore() throws Exception {
        startAll();
        Path d = Files.createDirectories(dir.resolve("gw-a"));
        GatewayConfig cfg = TestConfigs.load(d, yaml("gw-a", redis.url(), "reject", "reject"));
        Metrics metrics = new Metrics();
        SharedState state = SharedState.open(cfg.state(), metrics, 1000);
        open.add(state);
        GatewayFixture gw = GatewayFixture.start(cfg, state, metrics);
        open.add(gw);
        AdminServer admin = AdminServer.start(new AdminConfig("127.0.0.1", 0), metrics, () -> true,
                () -> "state: " + state.describe() + "\n");
        open.add(admin::stop);
        String readyz = crlf("GET /readyz HTTP/1.1\nHost: x\n\n");
        Await.until("ready, store up", () -> RawHttp.exchange(admin.port(), readyz).bodyText()
                .equals("ready\nstate: redis " + redis.url() + " (up)\n"));

        gw.server().reload(cfg.withState(StateConfig.memory()));
        String d1 = delivery("d-reload", "{}");
        assertEquals(200, gw.send(d1).status());
        backend.takeRequest();
        Await.until("still checked in Redis after a reload that changed state:",
                () -> gw.send(d1).status() == 401);

        redis.kill();
        Await.until("/readyz names the store down and stays 200", () -> {
            RawHttp.Response down = RawHttp.exchange(admin.port(), readyz);
            return down.status() == 200 && (down.bodyText().contains("(down)") || down.bodyText().contains("(failing)"));
        });
    }

    /**
     * The commit is sent when the upstream's head arrives, not awaited: it lands in Redis a round trip after the
     * client may have its 200 (a duplicate inside that round trip is told "in flight"; NOTES).
     */
    private void awaitCommitted() {
        Await.until("the commit landed in Redis", () -> redis.keys().stream()
                .anyMatch(k -> k.startsWith("test:replay:") && "c".equals(redis.get(k))));
    }

    private long countInRedis() {
        return redis.keys().stream().filter(k -> k.startsWith("test:fail:"))
                .mapToLong(k -> Long.parseLong(redis.get(k))).max().orElse(0);
    }

    @Test
    void redisKilledMidRunAnswers503StoreUnavailableAndRecoversByItselfWithoutNoscriptFailures() throws Exception {
        startAll();
        Instance a = instance("gw-a");
        awaitUp(a);
        assertEquals(200, a.send(delivery("before", "{}")).status());
        backend.takeRequest();
        Await.until("committed (the commit is not awaited by the response)",
                () -> a.send(delivery("before", "{}")).status() == 401);

        redis.kill();
        RawHttp.Response refused = a.send(delivery("during", "{}"));
        assertEquals(503, refused.status());
        assertEquals("store_unavailable", refused.json().get("reason"));
        assertEquals("1", refused.header("Retry-After"));
        assertEquals(0, backend.pendingRequests(), "nothing was forwarded unprotected");
        assertEquals(200, a.send(bearer(TOKEN)).status(), "routes without replay protection are unaffected");
        backend.takeRequest();
        Await.until("authgate_state_store_up 0", () -> a.metrics().scrape().contains("authgate_state_store_up 0.0"));

        redis.restart(); // empty: no keys, no cached scripts
        Await.until("the delivery passes again", Duration.ofSeconds(20),
                () -> a.send(delivery("during", "{}")).status() == 200);
        backend.takeRequest();
        Await.until("the commit of a script Redis had never seen (NOSCRIPT, then EVAL) is stored",
                () -> a.send(delivery("during", "{}")).status() == 401);
        redis.scriptFlush();
        assertEquals(200, a.send(delivery("after-flush", "{}")).status());
        backend.takeRequest();
        Await.until("committed after SCRIPT FLUSH", () -> a.send(delivery("after-flush", "{}")).status() == 401);
        String scrape = a.metrics().scrape();
        assertFalse(scrape.contains("op=\"commit\",result=\"error\""), "no NOSCRIPT failure: " + scrape);
        assertTrue(scrape.contains("authgate_state_store_up 1.0"));
    }

    @Test
    void allowForwardsUnprotectedWhileRedisIsDown() throws Exception {
        startAll();
        Instance a = instance("gw-a", redis.url(), "allow", "reject");
        awaitUp(a);
        redis.kill();
        String d = delivery("d-allow", "{}");
        assertEquals(200, a.send(d).status());
        assertEquals(200, a.send(d).status(), "without the store the duplicate passes: that is what allow means");
        assertEquals(2, backend.pendingRequests());
        assertTrue(a.metrics().scrape().contains("op=\"claim\",result=\"unprotected\""), "counted");
    }

    @Test
    void redisDownAtStartIsNotFatal() throws Exception {
        backend = TestUpstream.start();
        int port = TestRedis.freePort();
        Instance a = instance("gw-a", "redis://127.0.0.1:" + port, "reject", "reject");
        assertTrue(a.metrics().scrape().contains("authgate_state_store_up 0.0"));
        assertEquals(503, a.send(delivery("early", "{}")).status());
        assertEquals(200, a.send(bearer(TOKEN)).status());
        redis = TestRedis.onPort(port).restart();
        Await.until("connected once Redis is up", Duration.ofSeconds(20),
                () -> a.send(delivery("early", "{}")).status() == 200);
    }

    /** Every key is prefixed, hashed and carries a TTL; none holds the delivery id, the signature or the secret. */
    private void assertNoSecretInKeys(String request) {
        List<String> keys = redis.keys();
        assertFalse(keys.isEmpty());
        String sig = request.substring(request.indexOf("sha256=") + 7, request.indexOf("sha256=") + 71);
        int at = request.indexOf("X-GitHub-Delivery: ") + 19;
        String id = request.substring(at, request.indexOf('\r', at));
        for (String k : keys) {
            assertTrue(k.startsWith("test:"), k);
            assertFalse(k.contains(sig) || k.contains(SECRET) || k.contains(id) || k.contains("github"), k);
            assertTrue(redis.pttl(k) > 0, "every key has a TTL: " + k);
            String v = redis.get(k);
            assertFalse(v.contains(sig) || v.contains(SECRET), "values hold no secret either");
        }
    }
}
