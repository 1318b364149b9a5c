package dev.authgate.reload;

import dev.authgate.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real files in a temp directory with short intervals; every positive assertion polls with a generous deadline.
 * "Nothing more happened" is checked once the watcher has settled: a poll that began after the test's last change
 * found every file as at the last reload with no check due ({@link ConfigWatcher#quietPolls()}), after which only a
 * new change or request can reload. No fixed quiet period.
 */
class ConfigWatcherTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration DEBOUNCE = Duration.ofMillis(200);
    private static final Duration POLL = Duration.ofMillis(50);

    @TempDir
    Path dir;

    private final AtomicInteger reloads = new AtomicInteger();
    private final List<ConfigWatcher> watchers = new ArrayList<>();
    private ConfigWatcher watcher;   // the one assertStaysAt waits on: the last started

    @AfterEach
    void closeWatchers() {
        watchers.forEach(ConfigWatcher::close);
    }

    @Test
    void changingAReferencedFileReloadsOnce() throws Exception {
        Path config = write("gateway.yaml", "routes: []\n");
        Path cert = write("server.crt", "CERT 1\n");
        start(Set.of(config, cert));

        write("server.crt", "CERT 2\n");

        awaitReloads(1);
        assertStaysAt(1);
    }

    @Test
    void changingTheConfigFileItselfReloads() throws Exception {
        Path config = write("gateway.yaml", "routes: []\n");
        start(Set.of(config));

        write("gateway.yaml", "routes: [x]\n");

        awaitReloads(1);
    }

    @Test
    void aSameSizeRewriteIsSeenByItsContent() throws Exception {
        Path secret = write("secret", "aaaa\n");
        start(Set.of(secret));

        var mtime = Files.getLastModifiedTime(secret);
        write("secret", "bbbb\n");
        Files.setLastModifiedTime(secret, mtime);   // same size, same mtime: only the content differs

        awaitReloads(1);
    }

    @Test
    void replacingAFileByRenameReloads() throws Exception {
        Path key = write("server.key", "KEY 1\n");
        start(Set.of(key));

        Path tmp = write(".server.key.swp", "KEY 2\n");
        Files.move(tmp, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        awaitReloads(1);
        assertStaysAt(1);
    }

    @Test
    void aKubernetesStyleSymlinkSwapReloads() throws Exception {
        // /etc/authgate/tls.crt -> ..data/tls.crt, ..data -> ..v1; the kubelet swaps ..data to ..v2 by rename
        Path v1 = Files.createDirectory(dir.resolve("..v1"));
        Files.writeString(v1.resolve("tls.crt"), "CERT 1\n");
        Files.createSymbolicLink(dir.resolve("..data"), dir.relativize(v1));
        Path cert = Files.createSymbolicLink(dir.resolve("tls.crt"), Path.of("..data", "tls.crt"));
        start(Set.of(cert));

        Path v2 = Files.createDirectory(dir.resolve("..v2"));
        Files.writeString(v2.resolve("tls.crt"), "CERT 2\n");
        Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), dir.relativize(v2));
        Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        awaitReloads(1);
        assertEquals("CERT 2\n", Files.readString(cert));
        assertStaysAt(1);
    }

    @Test
    void noChangeMeansNoReloadEvenWithActivityNextToTheFiles() throws Exception {
        Path config = write("gateway.yaml", "routes: []\n");
        start(Set.of(config));

        write("unrelated.log", "noise\n");
        write("unrelated.log", "more noise\n");
        Files.readString(config);

        assertStaysAt(0);
    }

    @Test
    void aBurstOfWritesReloadsOnce() throws Exception {
        Path config = write("gateway.yaml", "v0\n");
        // a long debounce so that a loaded machine cannot split the burst
        start(Set.of(config), Duration.ofSeconds(1), POLL, true);

        for (int i = 1; i <= 5; i++) {
            write("gateway.yaml", "v" + i + "\n");
        }

        awaitReloads(1);
        assertStaysAt(1);
    }

    @Test
    void pollingAloneFindsAChange() throws Exception {
        Path config = write("gateway.yaml", "v0\n");
        start(Set.of(config), DEBOUNCE, Duration.ofMillis(200), false);

        write("gateway.yaml", "v1\n");

        awaitReloads(1);
        assertStaysAt(1);
    }

    @Test
    void aDeletedFileCountsAsAChange() throws Exception {
        Path htpasswd = write("htpasswd", "alice:$2y$...\n");
        start(Set.of(htpasswd));

        Files.delete(htpasswd);

        awaitReloads(1);
    }

    @Test
    void setFilesWatchesTheNewSet() throws Exception {
        Path config = write("gateway.yaml", "v0\n");
        Path sub = Files.createDirectory(dir.resolve("secrets"));
        Path secret = Files.writeString(sub.resolve("token"), "t1\n");
        ConfigWatcher w = start(Set.of(config));

        w.setFiles(Set.of(config, secret));
        // setFiles is asynchronous: a forced no-op reload proves it has been applied before the edit
        w.requestReload();
        awaitReloads(1);

        Files.writeString(secret, "t2\n");
        awaitReloads(2);
        assertStaysAt(2);
    }

    @Test
    void aFileDroppedFromTheSetNoLongerReloads() throws Exception {
        Path config = write("gateway.yaml", "v0\n");
        Path old = write("old.crt", "C1\n");
        ConfigWatcher w = start(Set.of(config, old));

        w.setFiles(Set.of(config));
        w.requestReload();
        awaitReloads(1);

        write("old.crt", "C2\n");
        assertStaysAt(1);
    }

    @Test
    void requestReloadReloadsWithoutAnyChange() throws Exception {
        ConfigWatcher w = start(Set.of(write("gateway.yaml", "v0\n")));

        w.requestReload();
        w.requestReload();   // coalesced by the debounce

        awaitReloads(1);
        assertStaysAt(1);
    }

    @Test
    void aThrowingReloadDoesNotStopTheWatcher() throws Exception {
        Path config = write("gateway.yaml", "v0\n");
        ConfigWatcher w = new ConfigWatcher(Set.of(config), () -> {
            reloads.incrementAndGet();
            throw new IllegalStateException("boom");
        }, DEBOUNCE, POLL);
        watchers.add(w);
        w.start();
        watcher = w;

        write("gateway.yaml", "v1\n");
        awaitReloads(1);
        write("gateway.yaml", "v2\n");
        awaitReloads(2);
    }

    @Test
    void sighupTriggersAReload() throws Exception {
        ConfigWatcher w = start(Set.of(write("gateway.yaml", "v0\n")));
        // Only signal once our handler is in: SIGHUP's default action would end the test JVM.
        assumeTrue(w.installSighupHandler(), "SIGHUP is not available on this platform");

        Process kill;
        try {
            kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no kill command: " + e);
            return;
        }
        assertTrue(kill.waitFor(30, TimeUnit.SECONDS), "kill did not finish");
        assertEquals(0, kill.exitValue(), new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

        awaitReloads(1);
        assertStaysAt(1);
    }

    @Test
    void nothingHappensBeforeStartOrAfterClose() throws Exception {
        Path config = write("gateway.yaml", "v0\n");
        ConfigWatcher w = new ConfigWatcher(Set.of(config), reloads::incrementAndGet, DEBOUNCE, POLL);
        watchers.add(w);
        write("gateway.yaml", "v1\n");
        // Deliberate quiet period, not a race: before start nothing is scheduled, so there is no poll to wait for;
        // several poll intervals show that no timer runs.
        Thread.sleep(POLL.toMillis() * 5);
        assertEquals(0, reloads.get(), "reloads before start");

        w.start();
        watcher = w;
        awaitReloads(1);   // the change made before start is against the constructor's fingerprint
        w.close();   // returns once the executor has stopped: nothing can run after it
        write("gateway.yaml", "v2\n");
        w.requestReload();
        assertEquals(1, reloads.get(), "reloads after close");
    }

    private ConfigWatcher start(Set<Path> files) {
        return start(files, DEBOUNCE, POLL, true);
    }

    private ConfigWatcher start(Set<Path> files, Duration debounce, Duration poll, boolean watch) {
        ConfigWatcher w = new ConfigWatcher(files, reloads::incrementAndGet, debounce, poll, watch);
        watchers.add(w);
        w.start();
        watcher = w;
        return w;
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private void awaitReloads(int n) throws InterruptedException {
        await(() -> reloads.get() >= n, "expected " + n + " reload(s)");
        assertEquals(n, reloads.get(), "reloads");
    }

    /** Waits until a poll that began after this call found nothing to do (two more quiet polls), then checks n. */
    private void assertStaysAt(int n) throws InterruptedException {
        long from = watcher.quietPolls();
        await(() -> watcher.quietPolls() >= from + 2, "the watcher to settle");
        assertEquals(n, reloads.get(), "reloads once the watcher settled");
    }

    private static void await(BooleanSupplier condition, String what) {
        Await.until(what, DEADLINE, condition);
    }
}
