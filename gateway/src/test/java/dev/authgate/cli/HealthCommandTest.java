package dev.authgate.cli;

import dev.authgate.Main;
import dev.authgate.admin.AdminServer;
import dev.authgate.config.AdminConfig;
import dev.authgate.observe.Metrics;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code authgate health}: the Dockerfile's HEALTHCHECK against a real admin listener. */
class HealthCommandTest {

    private static int health(ByteArrayOutputStream err, String... args) {
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 1];
            all[0] = "health";
            System.arraycopy(args, 0, all, 1, args.length);
            return Main.execute(all);
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void exitsZeroOnA200AndOneOnA503() {
        AtomicBoolean ready = new AtomicBoolean(true);
        try (AdminServer admin = AdminServer.start(new AdminConfig("127.0.0.1", 0), new Metrics(), ready::get)) {
            String base = "http://127.0.0.1:" + admin.port();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(0, health(err, "--url", base + "/healthz"));
            assertEquals(0, health(err, "--url", base + "/readyz"));
            assertEquals("", err.toString(StandardCharsets.UTF_8));
            ready.set(false);
            assertEquals(1, health(err, "--url", base + "/readyz"));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("answered 503"), err.toString());
        }
    }

    @Test
    void exitsOneWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, health(err, "--url", "http://127.0.0.1:" + port + "/healthz", "--timeout", "2s"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("health: http://127.0.0.1:" + port), err.toString());
    }

    @Test
    void exitsTwoOnAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, health(err, "--url", "ftp://x/healthz"));
        assertEquals(2, health(err, "--timeout", "soon"));
    }
}
