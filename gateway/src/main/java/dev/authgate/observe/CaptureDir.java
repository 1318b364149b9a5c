package dev.authgate.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code admin.capture_dir}: captures as files {@code EPOCH_MILLIS-REQUEST_ID.http}, so the name orders them by
 * arrival; at most {@code maxBytes} in all, the oldest deleted first after each write. Writes go through one daemon
 * thread with a bounded queue (a full queue drops the file, never blocks the event loop that recorded it).
 */
final class CaptureDir {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureDir.class);
    private static final Pattern NAME = Pattern.compile("([0-9]{1,15})-([A-Za-z0-9._-]{1,128})\\.http");
    private static final int QUEUE = 256;

    private final Path dir;
    private final long maxBytes;
    private final ExecutorService writer;

    CaptureDir(Path dir, long maxBytes) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.maxBytes = maxBytes;
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "authgate-capture-dir");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    /** The captures in the directory, oldest first. */
    List<RejectionCaptures.Capture> load() throws IOException {
        List<RejectionCaptures.Capture> out = new ArrayList<>();
        for (Path p : files()) {
            Matcher m = NAME.matcher(p.getFileName().toString());
            if (!m.matches()) continue;
            out.add(new RejectionCaptures.Capture(m.group(2), Instant.ofEpochMilli(Long.parseLong(m.group(1))),
                    Files.readAllBytes(p)));
        }
        return out;
    }

    void write(String requestId, Instant received, byte[] raw) {
        String name = String.format("%015d-%s.http", received.toEpochMilli(), requestId);
        if (!NAME.matcher(name).matches()) return;
        writer.execute(() -> {
            try {
                Files.write(dir.resolve(name), raw);
                prune();
            } catch (IOException | RuntimeException e) {
                LOG.warn("admin.capture_dir: cannot write {}: {}", dir.resolve(name), e.toString());
            }
        });
    }

    /** Deletes the oldest files until the rest fit in {@code maxBytes}. */
    private void prune() throws IOException {
        List<Path> files = files();
        long total = 0;
        for (Path p : files) total += Files.size(p);
        for (Path p : files) {
            if (total <= maxBytes) return;
            total -= Files.size(p);
            Files.deleteIfExists(p);
        }
    }

    /** The capture files, oldest first (by name). */
    private List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.http")) {
            for (Path p : s) {
                if (NAME.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) out.add(p);
            }
        }
        out.sort(null);
        return out;
    }
}
