package dev.authgate.state;

import dev.authgate.config.Secret;
import dev.authgate.config.StateConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.observe.StateStoreMetrics;
import dev.authgate.replay.ReplayStore;
import dev.authgate.testing.Await;
import dev.authgate.testing.LogCapture;
import dev.authgate.testing.TestCerts;
import dev.authgate.testing.TestRedis;
import dev.authgate.testing.TestRedisCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ways to reach Redis that §10 names, each against a real redis-server: ACL user and password, TLS
 * ({@code rediss://}, verified against a test CA), and Cluster (a one-node cluster holding every slot; three masters
 * and slot moves: {@code RedisClusterTest}). The password
 * never reaches a log line.
 */
class RedisConnectionTest {
    private static final String PASSWORD = "acl-pw-" + java.util.UUID.randomUUID();

    @TempDir
    Path dir;
    private TestRedis redis;
    private RedisStateStore store;

    @AfterEach
    void stop() {
        if (store != null) store.close();
        if (redis != null) redis.close();
    }

    private static RedisStateStore connect(String url, boolean cluster) {
        StateConfig.RedisConfig cfg = new StateConfig.RedisConfig(new Secret(url, "inline"), cluster, "t:",
                Duration.ofMillis(500), Duration.ofSeconds(2));
        return RedisStateStore.start(cfg, StateStoreMetrics.of(new Metrics()));
    }

    private static void claimsWork(RedisStateStore s) throws Exception {
        Await.until("connected", s::up);
        ReplayStore replay = new RedisReplayStore(s);
        ReplayStore.Claim c = replay.claim("k", Duration.ofSeconds(5)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(c.claimed());
        replay.commit(c, Duration.ofMinutes(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(ReplayStore.Outcome.DUPLICATE,
                replay.claim("k", Duration.ofSeconds(5)).toCompletableFuture().get(5, TimeUnit.SECONDS).outcome());
    }

    @Test
    void aclUserAndPasswordAndAWrongPasswordNeverLogged() throws Exception {
        redis = TestRedis.start("--user", "default", "off", "--user", "gw", "on", ">" + PASSWORD, "~*", "+@all")
                .auth("gw", PASSWORD);
        try (LogCapture log = LogCapture.attach(RedisStateStore.class)) {
            RedisStateStore wrong = connect("redis://gw:not-" + PASSWORD + "@127.0.0.1:" + redis.port(), false);
            try {
                Await.until("the refusal is logged", () -> !log.lines().isEmpty());
                assertFalse(wrong.up());
            } finally {
                wrong.close();
            }
            store = connect("redis://gw:" + PASSWORD + "@127.0.0.1:" + redis.port(), false);
            claimsWork(store);
            assertEquals("redis://127.0.0.1:" + redis.port(), store.describe());
            for (String line : log.lines()) assertFalse(line.contains(PASSWORD), line);
        }
        assertFalse(redis.keys().isEmpty());
    }

    @Test
    void tlsWithRedissVerifiedAgainstTheCa() throws Exception {
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        redis = TestRedis.startTls(certs.serverCert(), certs.serverKey(), certs.caCert());
        // rediss:// verifies against the JVM's trust store: here one that holds the test CA only
        Path trust = dir.resolve("trust.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("test-ca", certs.caCertificate());
        try (OutputStream out = Files.newOutputStream(trust)) {
            ks.store(out, "changeit".toCharArray());
        }
        String oldStore = System.getProperty("javax.net.ssl.trustStore");
        String oldPass = System.getProperty("javax.net.ssl.trustStorePassword");
        System.setProperty("javax.net.ssl.trustStore", trust.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        try {
            store = connect("rediss://localhost:" + redis.tlsPort(), false);
            claimsWork(store);
        } finally {
            restore("javax.net.ssl.trustStore", oldStore);
            restore("javax.net.ssl.trustStorePassword", oldPass);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) System.clearProperty(key);
        else System.setProperty(key, value);
    }

    @Test
    void clusterOfOneNodeHoldingEverySlot() throws Exception {
        try (TestRedisCluster cluster = TestRedisCluster.start(1)) {
            store = connect(cluster.url(), true);
            claimsWork(store);
        }
    }
}
