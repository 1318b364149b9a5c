package dev.authgate.observe;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The captured raw requests of recent rejections ({@link RedactedRequest}), by request id, for the admin listener's
 * {@code /rejections/{request_id}/capture} and {@code verify}. Bounded in count ({@value #MAX_COUNT}) and in bytes
 * ({@value #MAX_BYTES}): the oldest go first. Only routes with {@code capture: { rejected: true }} fill it, once per
 * rejection; synchronized (a rejection's cost, never an accepted request's).
 */
public final class RejectionCaptures {
    public static final int MAX_COUNT = 200;
    public static final long MAX_BYTES = 16L * 1024 * 1024;

    /** One capture: the raw request and when its head arrived (what {@code verify} judges timestamps against). */
    public record Capture(String requestId, Instant received, byte[] raw) {
    }

    private final LinkedHashMap<String, Capture> byId = new LinkedHashMap<>();
    private final int maxCount;
    private final long maxBytes;
    private long bytes;
    private volatile CaptureDir dir;

    public RejectionCaptures() {
        this(MAX_COUNT, MAX_BYTES);
    }

    RejectionCaptures(int maxCount, long maxBytes) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    public void put(String requestId, Instant received, byte[] raw) {
        if (!keep(requestId, received, raw)) return;
        CaptureDir d = dir;
        if (d != null) d.write(requestId, received, raw);
    }

    /**
     * {@code admin.capture_dir}: from now on every capture is also written there (on a thread of its own, never the
     * caller's), at most {@code maxBytes} in all, oldest deleted first; the captures already there are loaded (the
     * newest that fit in memory). Called once at start.
     */
    public void persistTo(Path directory, long maxBytes) throws IOException {
        CaptureDir d = new CaptureDir(directory, maxBytes);
        for (Capture c : d.load()) keep(c.requestId(), c.received(), c.raw());
        dir = d;
    }

    private synchronized boolean keep(String requestId, Instant received, byte[] raw) {
        if (requestId == null || raw.length > maxBytes) return false;
        Capture old = byId.remove(requestId);
        if (old != null) bytes -= old.raw().length;
        byId.put(requestId, new Capture(requestId, received, raw));
        bytes += raw.length;
        Iterator<Map.Entry<String, Capture>> oldest = byId.entrySet().iterator();
        while (byId.size() > maxCount || bytes > maxBytes) {
            bytes -= oldest.next().getValue().raw().length;
            oldest.remove();
        }
        return true;
    }

    /** The capture of this request, or null (never captured, or dropped). */
    public synchronized Capture get(String requestId) {
        return byId.get(requestId);
    }

    public synchronized int size() {
        return byId.size();
    }

    public synchronized long bytes() {
        return bytes;
    }
}
