package dev.authgate.state;

import dev.authgate.config.GatewayConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.testing.Await;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.LogCapture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestCerts;
import dev.authgate.testing.TestConfigs;
import dev.authgate.testing.TestRedis;
import dev.authgate.testing.TestRedisCluster;
import dev.authgate.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLSocketFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.authgate.testing.RawHttp.crlf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code state.store: redis} with {@code cluster: true} against a real three-master Redis Cluster, through the real
 * gateway over TLS: replay keys on every master, a slot moved while the gateway runs (ASK while it migrates, MOVED
 * after), a master killed (its slots answer 503 {@code store_unavailable}, the others and the bearer route go on, also
 * after its circuit breaker opened: one per master), and a master given a replica that is killed (the replica is
 * promoted and the gateway follows by itself). The one-node cluster of {@code RedisConnectionTest} proves only the
 * cluster client path.
 *
 * <p>One cluster for the class (a master turns {@code cluster_state:ok} no sooner than 2 s after it starts): each test
 * uses fresh delivery ids and finds their masters by slot; the two that kill masters run last, the failover last of
 * all.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterTest {
    private static final String SECRET = "whsec-" + UUID.randomUUID();
    private static final String TOKEN = "tok-" + UUID.randomUUID();
    private static final String PREFIX = "test:";

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Set<String> sent = new HashSet<>(); // every delivery id and signature, for the leak scans
    private static TestRedisCluster cluster;
    private TestUpstream backend;
    private GatewayFixture gw;
    private Metrics metrics;
    private SSLSocketFactory sockets;
    private LogCapture ours;
    private LogCapture lettuce;

    @BeforeAll
    static void startCluster() {
        cluster = TestRedisCluster.start(3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    @BeforeEach
    void start() throws Exception {
        backend = TestUpstream.start();
        ours = LogCapture.attach("dev.authgate");
        lettuce = LogCapture.attach("io.lettuce");
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        sockets = certs.clientSslContext().getSocketFactory();
        GatewayConfig cfg = TestConfigs.load(dir, """
                gateway: { name: gw-cluster }
                listen:
                  address: "127.0.0.1:0"
                  tls: { cert: certs/server.crt, key: certs/server.key }
                upstreams:
                  app: { url: "%s", response_timeout: 3s }
                routes:
                  - name: github
                    match: { path: /webhooks/github }
                    upstream: app
                    auth: { hmac: { preset: github, secrets: ["%s"], replay: { key: id, on_duplicate: reject } } }
                  - name: api
                    match: { path: /api }
                    upstream: app
                    auth: { bearer: { tokens: ["%s"] } }
                state:
                  store: redis
                  redis: { url: "%s", cluster: true, key_prefix: "%s", command_timeout: 250ms, connect_timeout: 500ms }
                  on_failure: { replay: reject, throttle: local }
                """.formatted(backend.url(), SECRET, TOKEN, cluster.url(), PREFIX));
        metrics = new Metrics();
        SharedState state = SharedState.open(cfg.state(), metrics, 1000);
        open.add(state);
        gw = GatewayFixture.start(cfg, state, metrics);
        open.add(gw);
        Await.until("the state store is up", () -> metrics.scrape().contains("authgate_state_store_up 1.0"));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
            for (LogCapture log : List.of(ours, lettuce)) {
                for (String line : log.lines()) {
                    for (String s : secrets()) assertFalse(line.contains(s), "a secret in a log line: " + line);
                }
            }
        } finally {
            ours.close();
            lettuce.close();
            if (backend != null) backend.close();
        }
    }

    @Test
    void deliveriesOnEveryMasterAreAcceptedOnceThenReplayed() {
        Set<Integer> slots = new HashSet<>();
        Set<String> masters = new HashSet<>();
        for (TestRedis master : cluster.nodes()) {
            String id = idOn(master);
            int slot = cluster.slot(key(id));
            slots.add(slot);
            masters.add(TestRedisCluster.ownerId(master, slot));
            acceptedThenReplayed(id, master);
        }
        assertEquals(3, slots.size(), "three slots");
        assertEquals(3, masters.size(), "on three different masters, as CLUSTER SLOTS names them");
        assertEquals(200, bearer().status());
        backend.takeRequest();
        assertNoSecretInKeys(3);
    }

    @Test
    void aSlotMovedWhileTheGatewayRunsKeepsItsDeliveriesAndTakesNewOnes() {
        TestRedis from = cluster.nodes().get(1);
        TestRedis to = cluster.nodes().get(2);
        String old = idOn(from);
        int slot = cluster.slot(key(old));
        acceptedThenReplayed(old, from);

        // midway: the slot is MIGRATING on the source and IMPORTING on the target, its keys already moved, so the
        // source answers ASK for them and Lettuce asks the target (ASKING + the command)
        cluster.moveSlot(slot, from, to, () -> {
            assertTrue(to.keys().contains(key(old)), "the committed key moved with its slot");
            assertReplayed(send(delivery(old)), "ASK: the duplicate is found on the importing node");
            String mid = idInSlot(slot, "mid");
            assertEquals(200, send(delivery(mid)).status(), "ASK: a new delivery is claimed on the importing node");
            backend.takeRequest();
            Await.until("ASK: its commit (EVALSHA) landed on the importing node",
                    () -> "c".equals(to.asking("GET", key(mid))));
            assertReplayed(send(delivery(mid)), "ASK: and it is refused the second time");
        });

        assertEquals(TestRedisCluster.id(to), TestRedisCluster.ownerId(from, slot));
        assertReplayed(send(delivery(old)), "MOVED: the duplicate is still refused after the move");
        String after = idInSlot(slot, "after");
        acceptedThenReplayed(after, to);
        assertEquals(0L, from.command("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot)),
                "nothing of the moved slot was written to the old owner");
        assertNoSecretInKeys(3);
    }

    /**
     * Each master in turn: the one that holds Lettuce's default cluster connection (a node of its choosing, not
     * necessarily the seed) is always among them. That case once failed a live master's delivery: the store judged
     * every key by that one connection's state, "disconnected" until it reconnected elsewhere.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1) // late: it kills and restarts every master
    void aKilledMasterFailsOnlyItsOwnSlotsFastAndEverythingElseGoesOn() {
        List<TestRedis> nodes = cluster.nodes();
        for (int v = 0; v < nodes.size(); v++) {
            TestRedis victim = nodes.get(v);
            killedMaster(victim, nodes.get((v + 1) % nodes.size()));
            victim.restart(); // rejoins with its nodes.conf: same id, same slots, no keys
            String back = idOn(victim);
            Await.until("the restarted master " + victim.port() + " answers through the gateway again",
                    () -> send(delivery(idOn(TestRedisCluster.id(victim)))).status() == 200);
            backend.takeRequest();
            acceptedThenReplayed(back, victim);
        }
        assertTrue(metrics.scrape().contains("op=\"claim\",result=\"timeout\"")
                || metrics.scrape().contains("op=\"claim\",result=\"error\""), "the failed claims are counted");
        assertNoSecretInKeys(3);
    }

    /**
     * A master with a replica dies: its slots answer 503 {@code store_unavailable} (fast) until the cluster has
     * promoted the replica, then the gateway follows by itself (Lettuce's refresh on reconnect attempts) and what the
     * old master had committed (once on the replica) is still refused. A two-second {@code cluster-node-timeout}
     * keeps the failover short (Redis's default is 15 s).
     */
    @Test
    @Order(Integer.MAX_VALUE) // last: the cluster keeps the promoted replica as a master
    void aMasterWithAReplicaFailsOverAndTheGatewayFollowsByItself() {
        for (TestRedis n : cluster.nodes()) n.command("CONFIG", "SET", "cluster-node-timeout", "2000");
        TestRedis victim = cluster.nodes().get(1);
        TestRedis replica = cluster.addReplica(victim, "--cluster-node-timeout", "2000");
        String committed = idOn(victim);
        int slot = cluster.slot(key(committed));
        acceptedThenReplayed(committed, victim);
        // replication is asynchronous: a key not yet on the replica when its master dies is lost (docs say so); the
        // test waits for it (WAIT would not do: it waits for the writes of its own connection, the kit's, none)
        Await.until("the commit reached the replica", () -> "c".equals(replica.readOnly("GET", key(committed))));

        victim.kill();
        int[] attempt = {0};
        Await.until("a delivery in the dead master's slot passes once its replica took over", Duration.ofSeconds(40),
                () -> {
                    RawHttp.Response r = send(delivery(idInSlot(slot, "failover" + attempt[0]++)));
                    if (r.status() == 200) return true;
                    assertEquals(503, r.status(), r.bodyText()); // until then: refused, never forwarded unprotected
                    assertEquals("store_unavailable", r.json().get("reason"));
                    return false;
                });
        backend.takeRequest();
        assertEquals("master", ((List<?>) replica.command("ROLE")).get(0), "the replica was promoted");
        assertEquals(TestRedisCluster.id(replica), cluster.ownerId(slot));
        assertReplayed(send(delivery(committed)), "what the old master committed is refused by the new one");
        String after = idInSlot(slot, "after-failover");
        acceptedThenReplayed(after, replica);
        assertEquals(0, backend.pendingRequests(), "nothing was forwarded unprotected");
    }

    private void killedMaster(TestRedis victim, TestRedis alive) {
        String victimId = TestRedisCluster.id(victim);
        String committed = idOn(alive);
        acceptedThenReplayed(committed, alive);
        acceptedThenReplayed(idOn(victim), victim); // the gateway has a connection to the victim

        victim.kill();
        for (int round = 0; round < 3; round++) {
            long started = System.nanoTime();
            RawHttp.Response refused = send(delivery(idOn(victimId)));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(503, refused.status(), refused.bodyText());
            assertEquals("store_unavailable", refused.json().get("reason"));
            assertEquals("1", refused.header("Retry-After"));
            // answered, not hung: command_timeout (250 ms) plus a TLS handshake and scheduling on a busy machine
            assertTrue(millis < 5_000, "answered in " + millis + " ms");

            String other = idOn(alive);
            RawHttp.Response passed = send(delivery(other));
            assertEquals(200, passed.status(), "master " + victim.port() + " dead, round " + round
                    + ": a delivery in a live master's slot passes: " + passed.bodyText());
            backend.takeRequest();
            awaitCommitted(alive, other);
            assertReplayed(send(delivery(committed)), "what a live master holds is still refused");
            assertEquals(200, bearer().status(), "a route without replay protection is unaffected");
            backend.takeRequest();
        }
        // failures in a row on the dead master (more than the breaker's threshold) do not stop the live ones
        for (int i = 0; i < RedisStateStore.BREAKER_THRESHOLD + 1; i++) {
            assertEquals(503, send(delivery(idOn(victimId))).status());
        }
        String next = idOn(alive);
        assertEquals(200, send(delivery(next)).status(), "the breaker is per master: a live master's slot passes");
        backend.takeRequest();
        awaitCommitted(alive, next);
        String opened = "master 127.0.0.1:" + victim.port() + " of " + cluster.url() + " (cluster) failed 3 times";
        assertTrue(ours.lines().stream().anyMatch(l -> l.contains(opened)), "the breaker names the master: "
                + ours.lines());
        assertEquals(0, backend.pendingRequests(), "nothing was forwarded unprotected");
    }

    // --- deliveries and keys ---

    /** Sent, forwarded once, committed on {@code master}, then refused as {@code replayed}. */
    private void acceptedThenReplayed(String id, TestRedis master) {
        assertEquals(200, send(delivery(id)).status());
        backend.takeRequest();
        awaitCommitted(master, id);
        assertReplayed(send(delivery(id)), "the second time");
        assertEquals(0, backend.pendingRequests(), "the duplicate never reached the upstream");
    }

    private static void assertReplayed(RawHttp.Response r, String when) {
        assertEquals(401, r.status(), when + ": " + r.bodyText());
        assertEquals("replayed", r.json().get("reason"), when);
    }

    /** The commit is sent, not awaited, before the response goes out: wait for it on the node that holds the key. */
    private void awaitCommitted(TestRedis master, String id) {
        try {
            Await.until("the commit landed on node " + master.port(), () -> "c".equals(master.get(key(id))));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; expected " + key(id) + ", found " + cluster.keys(), e);
        }
    }

    /**
     * The Redis key of delivery {@code id}: the route name, the github preset's replay key ({@code RequestDispatcher},
     * {@code HmacAuthenticator}), hashed by {@link RedisKeys}; the tests fail at the first commit if that changes.
     */
    private static String key(String id) {
        return new RedisKeys(PREFIX).replay("github|github:id:" + id);
    }

    /** A fresh delivery id whose key hashes to a slot {@code master} serves now. */
    private String idOn(TestRedis master) {
        return idOn(TestRedisCluster.id(master));
    }

    /** A fresh delivery id whose key hashes to a slot the node with cluster id {@code want} serves. */
    private String idOn(String want) {
        for (int i = 0; i < 1000; i++) {
            String id = "d-" + UUID.randomUUID();
            if (cluster.ownerId(slotOf(key(id))).equals(want)) {
                return id;
            }
        }
        throw new AssertionError("no delivery id for node " + want);
    }

    /** A fresh delivery id whose key hashes to {@code slot} (about 16,384 tries, computed here, checked by Redis). */
    private String idInSlot(int slot, String tag) {
        for (int i = 0; i < 1_000_000; i++) {
            String id = "d-" + tag + "-" + i;
            if (slotOf(key(id)) == slot) {
                assertEquals(slot, cluster.slot(key(id)), "CRC16 as Redis computes it");
                return id;
            }
        }
        throw new AssertionError("no id in slot " + slot);
    }

    /** CRC16-CCITT (XMODEM) mod 16384, Redis Cluster's key slot; the keys hold no {@code {hash tag}}. */
    private static int slotOf(String key) {
        int crc = 0;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            crc ^= (b & 0xff) << 8;
            for (int i = 0; i < 8; i++) crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            crc &= 0xffff;
        }
        return crc % TestRedisCluster.SLOTS;
    }

    private String delivery(String id) {
        String body = "{\"id\":\"" + id + "\"}";
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String sig = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
            sent.add(id);
            sent.add(sig);
            return crlf("POST /webhooks/github HTTP/1.1\nHost: x\nX-GitHub-Delivery: " + id
                    + "\nX-Hub-Signature-256: sha256=" + sig + "\nContent-Length: " + body.length() + "\n\n") + body;
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private RawHttp.Response bearer() {
        return send(crlf("GET /api HTTP/1.1\nHost: x\nAuthorization: Bearer " + TOKEN + "\n\n"));
    }

    /** One request on a new TLS connection. */
    private RawHttp.Response send(String request) {
        try (RawHttp c = RawHttp.connectTls(gw.port(), sockets)) {
            return c.send(request).read();
        }
    }

    private List<String> secrets() {
        List<String> all = new ArrayList<>(sent);
        all.add(SECRET);
        all.add(TOKEN);
        return all;
    }

    /**
     * At least {@code expected} keys across the running masters; each prefixed, hashed and with a TTL, none holding
     * a delivery id, signature, secret or token, in its name or its value.
     */
    private void assertNoSecretInKeys(int expected) {
        int n = 0;
        for (TestRedis node : cluster.nodes()) {
            if (!node.running()) continue;
            for (String k : node.keys()) {
                n++;
                assertTrue(k.startsWith(PREFIX + "replay:"), k);
                assertTrue(node.pttl(k) > 0, "every key has a TTL: " + k);
                String v = node.get(k);
                for (String s : secrets()) {
                    assertFalse(k.contains(s) || k.contains("github"), k);
                    assertFalse(v.contains(s), "values hold no secret either: " + k);
                }
            }
        }
        assertTrue(n >= expected, n + " keys");
    }
}
