package dev.authgate.cli;

import dev.authgate.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code authgate run}'s refusals: they exit before binding anything. */
class RunCommandTest {

    private static int run(ByteArrayOutputStream err, String... args) {
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return Main.execute(args);
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void exitsWith1AndTheLoadersMessageOnAnInvalidConfig(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "listen:\n  address: 127.0.0.1:0\nroutes:\n  - name: a\n    match: { path: /a }\n"
                + "    respond: 204\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, run(err, "run", "--config", file.toString()));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("routes[0].auth"), message);
    }

    @Test
    void exitsWith1WhenTheConfigFileIsMissing(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, run(err, "--config", dir.resolve("nope.yaml").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("nope.yaml"));
    }

    @Test
    void exitsWith2OnAnUnknownLogFormat(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "run", "--config", dir.resolve("x.yaml").toString(), "--log-format", "xml"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--log-format"));
    }

    @Test
    void exitsWith1WhenTheAddressIsTaken(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Path file = dir.resolve("gateway.yaml");
            Files.writeString(file, "listen:\n  address: 127.0.0.1:" + taken.getLocalPort() + "\nroutes:\n"
                    + "  - name: a\n    match: { path: /a }\n    respond: 204\n    auth: none\n");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(1, run(err, "run", "--config", file.toString(), "--warmup", "0s"));
            String message = err.toString(StandardCharsets.UTF_8);
            assertTrue(message.contains("listen.address: cannot bind 127.0.0.1:" + taken.getLocalPort()), message);
        }
    }

    @Test
    void exitsWith2OnABadWarmup(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "run", "--config", dir.resolve("x.yaml").toString(), "--warmup", "soon"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--warmup"));
    }

    @Test
    void exitsWith2OnABadDrainTimeout(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "run", "--config", dir.resolve("x.yaml").toString(), "--drain-timeout", "forever"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--drain-timeout"));
    }

    @Test
    void exitsWith1WhenTheAdminAddressIsTakenAndReleasesTheGatewayPort(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Path file = dir.resolve("gateway.yaml");
            Files.writeString(file, "listen:\n  address: 127.0.0.1:0\nadmin:\n  address: 127.0.0.1:"
                    + taken.getLocalPort() + "\nroutes:\n  - name: a\n    match: { path: /a }\n    respond: 204\n"
                    + "    auth: none\n");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(1, run(err, "run", "--config", file.toString(), "--warmup", "0s"));
            String message = err.toString(StandardCharsets.UTF_8);
            assertTrue(message.contains("admin.address: cannot bind 127.0.0.1:" + taken.getLocalPort()), message);
        }
    }
}
