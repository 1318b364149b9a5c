package dev.authgate.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code state:} (§10): defaults, the Redis keys, and errors that name the key and never echo a password. */
class StateConfigTest {
    private static final String ROUTES = """
            listen: { address: "127.0.0.1:0" }
            routes:
              - { name: a, match: { path: /a }, respond: 204, auth: none }
            """;

    @TempDir
    Path dir;

    @Test
    void absentMeansMemoryWithRejectAndLocal() throws ConfigException {
        StateConfig s = new LoaderHarness(dir).load(ROUTES).state();
        assertEquals(StateConfig.Store.MEMORY, s.store());
        assertNull(s.redis());
        assertEquals(StateConfig.ReplayPolicy.REJECT, s.onFailure().replay());
        assertEquals(StateConfig.ThrottlePolicy.LOCAL, s.onFailure().throttle());
    }

    @Test
    void redisTakesItsDefaultsAndTheUrlFromTheEnvironment() throws ConfigException {
        LoaderHarness h = new LoaderHarness(dir);
        h.env.put("AUTHGATE_REDIS_URL", "rediss://gw:s3cret-pw@redis.internal:6380/0");
        StateConfig s = h.load(ROUTES + """
                state:
                  store: redis
                  redis: { url: "${env:AUTHGATE_REDIS_URL}" }
                  on_failure: { replay: allow, throttle: allow }
                """).state();
        assertTrue(s.shared());
        assertEquals(Duration.ofMillis(250), s.redis().commandTimeout());
        assertEquals(Duration.ofSeconds(2), s.redis().connectTimeout());
        assertEquals("authgate:", s.redis().keyPrefix());
        assertEquals("rediss://redis.internal:6380", s.redis().describe(), "no user info");
        assertEquals(StateConfig.ReplayPolicy.ALLOW, s.onFailure().replay());
        assertEquals(StateConfig.ThrottlePolicy.ALLOW, s.onFailure().throttle());
        assertEquals(java.util.List.of(), stateWarnings(h));
    }

    private static java.util.List<String> stateWarnings(LoaderHarness h) {
        return h.warnings.stream().filter(w -> w.contains("state.")).toList();
    }

    @Test
    void anInlineUrlWithoutPasswordIsNoSecretButOneWithAPasswordWarns() throws ConfigException {
        LoaderHarness h = new LoaderHarness(dir);
        h.load(ROUTES + "state: { store: redis, redis: { url: \"redis://127.0.0.1:6379\" } }\n");
        assertEquals(java.util.List.of(), stateWarnings(h));
        h.load(ROUTES + "state: { store: redis, redis: { url: \"redis://u:pw@127.0.0.1:6379\" } }\n");
        assertEquals(1, stateWarnings(h).size());
        assertTrue(stateWarnings(h).get(0).contains("state.redis.url: inline secret"), h.warnings.toString());
    }

    @Test
    void errorsNameTheKey() {
        LoaderHarness h = new LoaderHarness(dir);
        assertEquals(h.at(4) + "state.store: expected memory or redis, got 'valkey'",
                h.error(ROUTES + "state: { store: valkey }\n"));
        assertEquals(h.at(4) + "state.redis: required when store is redis",
                h.error(ROUTES + "state: { store: redis }\n"));
        assertEquals(h.at(4) + "state.on_failure.replay: expected reject or allow, got 'open'",
                h.error(ROUTES + "state: { on_failure: { replay: open } }\n"));
        assertEquals(h.at(4) + "state.redis.command_timeout: expected a duration like 10s, got 'fast'",
                h.error(ROUTES + "state: { store: redis, redis: { url: \"redis://h:1\", command_timeout: fast } }\n"));
        assertEquals(h.at(4) + "state.redis: only used with store: redis (store is memory)",
                h.error(ROUTES + "state: { redis: { url: \"redis://h:1\" } }\n"));
        assertEquals(h.at(4) + "state.redis.cluster: cannot be combined with a redis-sentinel:// url",
                h.error(ROUTES + "state: { store: redis, redis: { url: \"redis-sentinel://h:26379#m\", cluster: true } }\n"));
    }

    @Test
    void aBadUrlIsRefusedWithoutEchoingIt() {
        LoaderHarness h = new LoaderHarness(dir);
        h.env.put("URL", "http://user:hunter2@redis:6379");
        String message = h.error(ROUTES + "state: { store: redis, redis: { url: \"${env:URL}\" } }\n");
        assertTrue(message.contains("state.redis.url: expected redis://"), message);
        assertFalse(message.contains("hunter2"), message);
    }
}
