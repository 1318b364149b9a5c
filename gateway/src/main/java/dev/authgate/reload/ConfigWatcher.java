package dev.authgate.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Triggers a config reload when the config file or a file it references (certificate, key, htpasswd,
 * {@code ${file:}} secret) changes, or on {@code SIGHUP} ({@link #installSighupHandler()}) or
 * {@link #requestReload()}.
 *
 * <p>How a change is seen: the parent directory of each file (and of its resolved target, for symlinks) is watched
 * with a {@link WatchService}; every event there, and a poll every {@code pollInterval} (default 2 s; a WatchService
 * can miss events, and some platforms only poll), leads to comparing each file's {@link FileFingerprint}
 * (modification time, size, CRC32C of the content) with the one taken at the last reload. Comparing content rather
 * than event names catches in-place writes, editors and {@code mv} that replace a file by rename, and Kubernetes'
 * {@code ..data} symlink swap; events for unrelated files in the same directory reload nothing. Touching a file
 * (new mtime) does reload.
 *
 * <p>Bursts are debounced: after the last event the watcher waits {@code debounce} (default 300 ms) of quiet, but
 * never more than {@code 10 × debounce} after the first, then checks the fingerprints once more and calls
 * {@code reload} once. {@code SIGHUP} always reloads (after the same debounce), even with nothing changed.
 *
 * <p>{@code reload} runs on one daemon thread ({@code authgate-config-reload}), never concurrently with itself; an
 * exception from it is logged and watching continues. The fingerprints are taken just before {@code reload} runs,
 * so a change made while it runs triggers another reload. A reload that fails (invalid config) is not retried
 * until the next change or signal. After each reload call {@link #setFiles} with the new config's file set. Call {@link #close()} to stop; it restores the previous {@code SIGHUP} handler.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(300);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);

    private final Runnable reload;
    private final long debounceNanos;
    private final long maxDelayNanos;
    private final long pollNanos;
    private final WatchService watchService;   // null: poll only
    private final ScheduledThreadPoolExecutor executor;
    private final Sighup sighup = new Sighup(this::requestReloadFromSignal);

    // Everything below is confined to the executor thread (set in the constructor before it starts).
    private Set<Path> files;
    private Map<Path, FileFingerprint> baseline;
    private final Map<Path, WatchKey> watchedDirs = new HashMap<>();
    private ScheduledFuture<?> pending;
    private long firstEventNanos;
    private boolean forced;
    private String forcedBy;

    /** Polls that found nothing changed and no check due (read by tests to see the watcher settle). */
    private final AtomicLong quietPolls = new AtomicLong();
    private volatile boolean started;
    private volatile boolean closed;
    private Thread watchThread;

    /** A watcher with the default debounce (300 ms) and poll interval (2 s). */
    public ConfigWatcher(Set<Path> files, Runnable reload) {
        this(files, reload, DEFAULT_DEBOUNCE, DEFAULT_POLL_INTERVAL);
    }

    /**
     * Takes the files' fingerprints now: changes from here on trigger a reload once {@link #start()} has run.
     *
     * @param files  the config file and every file it references; paths are made absolute
     * @param reload what to run; it should load and validate the new config and swap it in, or keep the old one
     */
    public ConfigWatcher(Set<Path> files, Runnable reload, Duration debounce, Duration pollInterval) {
        this(files, reload, debounce, pollInterval, true);
    }

    /** {@code useWatchService=false}: poll only (tests prove the fallback alone finds changes). */
    ConfigWatcher(Set<Path> files, Runnable reload, Duration debounce, Duration pollInterval,
                  boolean useWatchService) {
        this.reload = Objects.requireNonNull(reload, "reload");
        this.debounceNanos = positive(debounce, "debounce").toNanos();
        this.maxDelayNanos = debounceNanos * 10;
        this.pollNanos = positive(pollInterval, "pollInterval").toNanos();
        this.files = normalize(files);
        this.baseline = FileFingerprint.of(this.files);
        this.watchService = useWatchService ? newWatchService() : null;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "authgate-config-reload"));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    /** Starts watching and polling. Idempotent. */
    public synchronized void start() {
        if (started || closed) {
            return;
        }
        started = true;
        submit(this::registerDirs);
        executor.scheduleWithFixedDelay(this::poll, pollNanos, pollNanos, TimeUnit.NANOSECONDS);
        if (watchService != null) {
            watchThread = daemon(this::watchLoop, "authgate-config-watch");
            watchThread.start();
        }
    }

    /**
     * Replaces the watched set (call after each reload: the new config may reference other files). Files already
     * watched keep their fingerprint from the last reload; new ones are fingerprinted now.
     */
    public void setFiles(Set<Path> newFiles) {
        Set<Path> next = normalize(newFiles);
        submit(() -> {
            Map<Path, FileFingerprint> nextBaseline = new HashMap<>();
            for (Path f : next) {
                FileFingerprint known = baseline.get(f);
                nextBaseline.put(f, known != null ? known : FileFingerprint.of(f));
            }
            files = next;
            baseline = nextBaseline;
            registerDirs();
        });
    }

    /** Asks for a reload even if no file changed (what {@code SIGHUP} does); debounced like a change. */
    public void requestReload() {
        submit(() -> {
            forced = true;
            forcedBy = forcedBy == null ? "request" : forcedBy;
            scheduleCheck();
        });
    }

    private void requestReloadFromSignal() {
        submit(() -> {
            forced = true;
            forcedBy = "SIGHUP";
            scheduleCheck();
        });
    }

    /**
     * Installs a {@code SIGHUP} handler that calls {@link #requestReload()} (replacing the JVM's default, which
     * would run the shutdown hooks and exit).
     *
     * @return false, with a warning logged, where signals are unavailable (Windows, a JVM without
     *         {@code sun.misc.Signal}, or {@code -Xrs}); reload then works by file change only
     */
    public boolean installSighupHandler() {
        return sighup.install();
    }

    /** Stops watching; a reload under way finishes first (up to 10 s). Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        sighup.restore();
        if (watchService != null) {
            try {
                watchService.close();   // ends watchLoop with ClosedWatchServiceException
            } catch (IOException e) {
                log.debug("closing the watch service: {}", e.toString());
            }
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void watchLoop() {
        try {
            while (!closed) {
                WatchKey key = watchService.take();
                key.pollEvents();   // the names do not matter: any event means "compare fingerprints"
                key.reset();
                submit(this::scheduleCheck);
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed
        }
    }

    /** Debounce: (re)arm one check {@code debounce} after this event, but no later than maxDelay after the first. */
    private void scheduleCheck() {
        long now = System.nanoTime();
        long delay = debounceNanos;
        if (pending != null) {
            pending.cancel(false);
            delay = Math.max(0, Math.min(debounceNanos, firstEventNanos + maxDelayNanos - now));
        } else {
            firstEventNanos = now;
        }
        pending = executor.schedule(this::check, delay, TimeUnit.NANOSECONDS);
    }

    private void poll() {
        if (pending != null) {
            return;   // a check is already due
        }
        if (!FileFingerprint.of(files).equals(baseline)) {
            scheduleCheck();
        } else {
            quietPolls.incrementAndGet();
        }
    }

    /**
     * Polls so far that found every file as at the last reload with no check due: once one that began after a
     * change has counted, nothing more will reload without a new change or request.
     */
    long quietPolls() {
        return quietPolls.get();
    }

    private void check() {
        pending = null;
        Map<Path, FileFingerprint> current = FileFingerprint.of(files);
        List<Path> changed = new ArrayList<>();
        for (Path f : files) {
            if (!Objects.equals(current.get(f), baseline.get(f))) {
                changed.add(f);
            }
        }
        registerDirs();   // a replaced symlink target may live in a new directory
        if (changed.isEmpty() && !forced) {
            return;
        }
        String why = changed.isEmpty() ? forcedBy : "changed " + changed;
        baseline = current;
        forced = false;
        forcedBy = null;
        log.info("reloading the config ({})", why);
        try {
            reload.run();
        } catch (RuntimeException | Error e) {
            log.error("config reload failed unexpectedly; the watcher keeps running", e);
        }
    }

    /** Watches each file's directory and, for a symlink, its target's directory; drops directories no longer needed. */
    private void registerDirs() {
        if (watchService == null) {
            return;
        }
        Set<Path> wanted = new LinkedHashSet<>();
        for (Path f : files) {
            if (f.getParent() != null) {
                wanted.add(f.getParent());
            }
            try {
                Path real = f.toRealPath();
                if (real.getParent() != null) {
                    wanted.add(real.getParent());
                }
            } catch (IOException e) {
                // missing for now: the directory watch or the poll sees it appear
            }
        }
        watchedDirs.entrySet().removeIf(e -> {
            if (!wanted.contains(e.getKey()) || !e.getValue().isValid()) {
                e.getValue().cancel();
                return true;
            }
            return false;
        });
        for (Path dir : wanted) {
            if (!watchedDirs.containsKey(dir)) {
                try {
                    watchedDirs.put(dir, dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE));
                } catch (IOException | ClosedWatchServiceException e) {
                    log.debug("cannot watch {} (polling covers it): {}", dir, e.toString());
                }
            }
        }
    }

    private void submit(Runnable task) {
        if (closed) {
            return;
        }
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private static Set<Path> normalize(Set<Path> files) {
        Objects.requireNonNull(files, "files");
        Set<Path> out = new LinkedHashSet<>();
        for (Path f : files) {
            out.add(f.toAbsolutePath().normalize());
        }
        return Set.copyOf(out);
    }

    private static Duration positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
        return d;
    }

    private static WatchService newWatchService() {
        try {
            return FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("file watching is unavailable, polling only: {}", e.toString());
            return null;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
