package dev.authgate.cli;

import dev.authgate.Main;
import dev.authgate.admin.ExplorerGateway;
import dev.authgate.http.Reason;
import dev.authgate.testing.Await;
import dev.authgate.testing.OpsGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code authgate tail} against a real gateway and its admin listener: only rejections after it started, filtered by
 * route, one line each with the fix; the admin token from a file; usage errors.
 */
class TailCommandTest {
    private static final String TOKEN = "tail-bearer-token-9c1e5d";
    private static final String WRONG = "tail-wrong-token-3b8f0a";
    private static final String ADMIN_TOKEN = "tail-admin-token-71d2ce";

    @TempDir
    Path dir;
    private ExplorerGateway ex;
    private OpsGateway gw;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "tail stopped");
        if (savedOut != null) System.setOut(savedOut);
        if (savedErr != null) System.setErr(savedErr);
        if (ex != null) ex.close();
    }

    private void start(String adminExtra) throws IOException {
        ex = ExplorerGateway.start(dir, TOKEN, adminExtra);
        gw = ex.gw;
    }

    private int send(String target, String... headers) {
        return ex.send(target, headers);
    }

    private Future<Integer> tail(String... args) {
        if (savedOut == null) {
            savedOut = System.out;
            savedErr = System.err;
        }
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        String[] all = new String[args.length + 1];
        all[0] = "tail";
        System.arraycopy(args, 0, all, 1, args.length);
        return pool.submit(() -> Main.execute(all));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsEachNewRejectionOfTheRouteOnceWithItsFix() throws Exception {
        start("");
        assertEquals(401, send("/api/before"));
        Future<Integer> exit = tail("--admin", "http://127.0.0.1:" + gw.adminPort(), "--route", "api",
                "--interval", "50ms", "--count", "2");
        Await.until("tail's first poll", () -> err().contains("tail: following"));
        assertTrue(err().contains("(1 rejections kept before now, not shown"), err());

        assertEquals(404, send("/nowhere"));   // route "-": not this route
        assertEquals(200, send("/api/ok", "Authorization: Bearer " + TOKEN));
        assertEquals(401, send("/api/wrong?access_token=" + WRONG, "Authorization: Bearer " + WRONG));
        assertEquals(401, send("/api/missing"));

        assertEquals(0, exit.get(15, TimeUnit.SECONDS), err());
        List<String> lines = out().lines().toList();
        assertEquals(2, lines.size(), out());
        assertTrue(lines.get(0).contains(" 401 api credentials_invalid GET /api/wrong?access_token=\u2026 "),
                lines.get(0));
        assertTrue(lines.get(0).endsWith(" fix: " + Reason.CREDENTIALS_INVALID.fix()), lines.get(0));
        assertTrue(lines.get(1).contains(" 401 api credentials_missing GET /api/missing "), lines.get(1));
        assertTrue(lines.get(1).endsWith(" fix: " + Reason.CREDENTIALS_MISSING.fix()), lines.get(1));
        String logged = gw.accessLog().entries().stream().filter(e -> "/api/missing".equals(e.path()))
                .findFirst().orElseThrow().requestId();
        assertTrue(lines.get(1).contains(" request_id=" + logged + " "), lines.get(1));
        assertFalse(out().contains("/api/before"), "what was kept when tail started is not new");
        assertFalse(out().contains(WRONG) || err().contains(WRONG) || out().contains(TOKEN), "no credential");
    }

    @Test
    void readsTheAdminTokenFromAFileAndStopsOnA401WithoutIt() throws Exception {
        Files.writeString(dir.resolve("admin-token"), ADMIN_TOKEN + "\n");
        start(", token: '${file:admin-token}'");
        assertEquals(401, send("/api/kept"));
        String admin = "http://127.0.0.1:" + gw.adminPort();

        assertEquals(1, tail("--admin", admin, "--interval", "50ms").get(15, TimeUnit.SECONDS));
        assertTrue(err().contains("needs admin.token (--token-file or $AUTHGATE_ADMIN_TOKEN)"), err());

        Future<Integer> exit = tail("--admin", admin, "--since", "1h", "--count", "1", "--interval", "50ms",
                "--token-file", dir.resolve("admin-token").toString());
        assertEquals(0, exit.get(15, TimeUnit.SECONDS), err());
        assertTrue(out().contains(" 401 api credentials_missing GET /api/kept "), out());
        assertFalse(out().contains(ADMIN_TOKEN) || err().contains(ADMIN_TOKEN));
    }

    @Test
    void exitsTwoOnAUsageError() throws Exception {
        assertEquals(2, tail("--admin", "ftp://x").get(15, TimeUnit.SECONDS));
        assertEquals(2, tail("--interval", "soon").get(15, TimeUnit.SECONDS));
        assertEquals(2, tail("--count", "0").get(15, TimeUnit.SECONDS));
        assertTrue(err().contains("tail: --admin: expected http://HOST:PORT"), err());
    }
}
