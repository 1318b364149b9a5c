package dev.authgate.observe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The most recent rejections (docs/operations.md, "Rejections explorer"): the access-log entries of the answers the
 * gateway made itself with a 4xx or 5xx and a reason code, kept in a ring of {@code admin.recent_rejections} slots
 * (default {@value #DEFAULT_CAPACITY}; 0 keeps none) for the admin listener's {@code /rejections} page and JSON.
 *
 * <p>Bounded in count (the ring) and in bytes: every text field is cut to {@value #MAX_FIELD_CHARS} characters, so
 * one entry holds at most a few KiB whatever the client sent. Nothing here is a secret: the entries are the access
 * log's, which never holds a credential, signature or query value.
 *
 * <p>Costs nothing for an accepted request (one branch); a rejection costs one slot write, one allocation and one
 * counter increment, lock-free, from any thread. The ring drops the oldest recorded; readers take a snapshot
 * ({@link #newestFirst()}, by arrival time); a slot overwritten while a reader copies is seen either old or new,
 * never torn.
 */
public final class RecentRejections {
    public static final int DEFAULT_CAPACITY = 1000;
    /** The most the ring can be configured to keep. */
    public static final int MAX_CAPACITY = 100_000;
    /** Longest text field kept (path, detail, client, ...); longer ones end with {@code …}. */
    public static final int MAX_FIELD_CHARS = 512;

    /** One rejection kept: its access-log entry and what the explorer shows of its headers. */
    public record Rejection(AccessLogEntry entry, RejectionHeaders.Summary headers) {
    }

    private record Recorded(long seq, Rejection rejection) {
    }

    private final AtomicLong seq = new AtomicLong();
    private final RejectionCaptures captures = new RejectionCaptures();
    private final Map<String, LongAdder> totals = new ConcurrentHashMap<>();
    private volatile AtomicReferenceArray<Recorded> slots;

    public RecentRejections() {
        this(DEFAULT_CAPACITY);
    }

    public RecentRejections(int capacity) {
        this.slots = new AtomicReferenceArray<>(checked(capacity));
    }

    /** Whether the ring keeps this entry: the gateway answered 4xx or 5xx with a reason code. */
    public static boolean isRejection(AccessLogEntry e) {
        return e.status() >= 400 && e.reason() != null && MetricsNames.SOURCE_GATEWAY.equals(e.source());
    }

    /** Keeps {@code entry} if it is a rejection ({@link #isRejection}); otherwise does nothing. */
    public void record(AccessLogEntry entry) {
        record(entry, null);
    }

    /**
     * Keeps {@code entry} if it is a rejection, with the summary of the request's {@code headers} (null: none read)
     * ({@link RejectionHeaders}); otherwise does nothing.
     */
    public void record(AccessLogEntry entry, Iterable<Map.Entry<String, String>> headers) {
        if (!isRejection(entry)) return;
        totals.computeIfAbsent(key(entry.route(), entry.reason()), k -> new LongAdder()).increment();
        AtomicReferenceArray<Recorded> ring = slots;
        if (ring.length() == 0) return;
        Rejection r = new Rejection(bounded(entry), RejectionHeaders.summarize(headers));
        long n = seq.getAndIncrement();
        ring.set((int) (n % ring.length()), new Recorded(n, r));
    }

    /**
     * As {@link #record(AccessLogEntry, Iterable)}, and keeps the request's {@code capture} ({@link RedactedRequest};
     * null: none) when the entry is a rejection.
     */
    public void record(AccessLogEntry entry, Iterable<Map.Entry<String, String>> headers, byte[] capture) {
        record(entry, headers);
        if (capture != null && isRejection(entry)) captures.put(entry.requestId(), entry.time(), capture);
    }

    /** The captured requests of rejections on routes with {@code capture: { rejected: true }}. */
    public RejectionCaptures captures() {
        return captures;
    }

    /** How many entries the ring keeps. */
    public int capacity() {
        return slots.length();
    }

    /**
     * Changes the capacity (a reload of {@code admin.recent_rejections}), keeping the newest entries that fit. A
     * rejection recorded during the change may be lost; nothing else is.
     */
    public synchronized void capacity(int capacity) {
        checked(capacity);
        if (capacity == slots.length()) return;
        List<Recorded> kept = recorded();
        AtomicReferenceArray<Recorded> next = new AtomicReferenceArray<>(capacity);
        for (int i = 0; i < Math.min(capacity, kept.size()); i++) {
            Recorded r = kept.get(i);
            next.set((int) (r.seq() % capacity), r);
        }
        slots = next;
    }

    /** The rejections kept, newest first. */
    public List<Rejection> newestFirst() {
        List<Recorded> s = recorded();
        // newest first by arrival (a line is recorded when its answer is written, which for requests on different
        // connections can be in another order); recording order breaks ties within a millisecond
        s.sort(Comparator.comparing((Recorded r) -> r.rejection().entry().time())
                .thenComparingLong(Recorded::seq).reversed());
        List<Rejection> out = new ArrayList<>(s.size());
        for (Recorded r : s) out.add(r.rejection());
        return out;
    }

    /** Rejections with this route (null: none matched) and reason since start, including those the ring dropped. */
    public long total(String route, String reason) {
        LongAdder a = totals.get(key(route, reason));
        return a == null ? 0 : a.sum();
    }

    /** The slots' contents, most recently recorded first. */
    private List<Recorded> recorded() {
        AtomicReferenceArray<Recorded> ring = slots;
        List<Recorded> out = new ArrayList<>(ring.length());
        for (int i = 0; i < ring.length(); i++) {
            Recorded r = ring.get(i);
            if (r != null) out.add(r);
        }
        out.sort(Comparator.comparingLong(Recorded::seq).reversed());
        return out;
    }

    private static String key(String route, String reason) {
        return (route == null ? MetricsNames.NO_ROUTE : route) + '\u0000' + reason;
    }

    private static int checked(int capacity) {
        if (capacity < 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("recent_rejections: " + capacity + " (expected: 0-" + MAX_CAPACITY + ")");
        }
        return capacity;
    }

    /** The entry with every text field cut to {@link #MAX_FIELD_CHARS}; the same object when none is longer. */
    static AccessLogEntry bounded(AccessLogEntry e) {
        if (fits(e.path()) && fits(e.detail()) && fits(e.client()) && fits(e.route()) && fits(e.identity())
                && fits(e.requestId()) && fits(e.method()) && fits(e.upstream())) {
            return e;
        }
        return new AccessLogEntry(e.time(), cut(e.requestId()), cut(e.client()), e.tls(), cut(e.method()),
                cut(e.path()), cut(e.route()), e.scheme(), cut(e.identity()), e.status(), e.source(), e.reason(),
                cut(e.detail()), cut(e.upstream()), e.upstreamStatus(), e.bytesIn(), e.bytesOut(), e.durationMs(),
                e.upstreamMs(), e.traceId());
    }

    private static boolean fits(String s) {
        return s == null || s.length() <= MAX_FIELD_CHARS;
    }

    private static String cut(String s) {
        if (fits(s)) return s;
        int end = MAX_FIELD_CHARS - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) end--;   // never half a character
        return s.substring(0, end) + AccessLogEntry.MASK;
    }
}
