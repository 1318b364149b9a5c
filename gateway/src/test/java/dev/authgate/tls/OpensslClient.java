package dev.authgate.tls;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs {@code openssl s_client} against a local port, stdin closed, with a timeout. The JDK client can no longer speak
 * TLS 1.1 without global security-property changes, so a real OpenSSL client is the honest way to offer TLS 1.1.
 * When {@code openssl} is missing the calling test fails (it must not silently skip: CI installs openssl).
 */
final class OpensslClient {
    record Result(int exitCode, String output) {
        boolean handshakeSucceeded() {
            return exitCode == 0 && output.contains("Cipher is ") && !output.contains("Cipher is (NONE)");
        }
    }

    private OpensslClient() {
    }

    static Result sClient(int port, Path workDir, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost"));
        command.addAll(List.of(options));
        Path out = Files.createTempFile(workDir, "s_client", ".out");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
        } catch (IOException e) {
            fail("the `openssl` command is required for this test (it drives `openssl s_client` as a real TLS 1.1 "
                    + "/ non-ECDHE client) but could not be run: " + e.getMessage()
                    + ". Install it, e.g. `apt-get install openssl` (.ci/run does this).");
            throw e;
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("openssl s_client did not finish within 60 s: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
    }
}
