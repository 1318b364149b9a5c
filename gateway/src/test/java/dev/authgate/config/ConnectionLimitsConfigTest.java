package dev.authgate.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code limits.body_timeout}, {@code limits.max_connections} and {@code limits.max_requests_per_connection}. */
class ConnectionLimitsConfigTest {
    @TempDir
    Path dir;
    private LoaderHarness h;

    @BeforeEach
    void harness() {
        h = new LoaderHarness(dir);
    }

    private static String limits(String lines) {
        return LoaderHarness.withRoutes("routes:\n  - { name: r, match: { path: /r }, respond: 204, auth: none }\n")
                + "limits:\n" + lines;
    }

    @Test
    void defaultsToThirtySecondsTenThousandConnectionsAndAThousandRequests() throws ConfigException {
        LimitsConfig l = h.load(limits("  max_body: 1MiB\n")).limits();
        assertEquals(Duration.ofSeconds(30), l.bodyTimeout());
        assertEquals(10_000, l.maxConnections());
        assertEquals(1000, l.maxRequestsPerConnection());
        assertEquals(l, LimitsConfig.defaults());
    }

    @Test
    void readsTheThreeKeys() throws ConfigException {
        LimitsConfig l = h.load(limits("  body_timeout: 5s\n  max_connections: 50\n"
                + "  max_requests_per_connection: 7\n")).limits();
        assertEquals(Duration.ofSeconds(5), l.bodyTimeout());
        assertEquals(50, l.maxConnections());
        assertEquals(7, l.maxRequestsPerConnection());
    }

    @Test
    void refusesZeroConnectionsNamingTheKey() {
        assertEquals(h.at(9) + "limits.max_connections: 0 (expected: > 0)",
                h.error(limits("  max_connections: 0\n")));
    }

    @Test
    void refusesANegativeRequestLimitNamingTheKey() {
        assertEquals(h.at(9) + "limits.max_requests_per_connection: -1 (expected: > 0)",
                h.error(limits("  max_requests_per_connection: -1\n")));
    }

    @Test
    void refusesAZeroBodyTimeout() {
        assertEquals(h.at(9) + "limits.body_timeout: expected a duration greater than 0, got '0s'",
                h.error(limits("  body_timeout: 0s\n")));
    }
}
