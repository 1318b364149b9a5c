package dev.authgate.http;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context (docs/configuration.md, "Trace context"): the trace a request belongs to and the gateway's own
 * span in it. Hand-written on purpose (about a hundred lines, no OpenTelemetry SDK): the gateway only continues or
 * starts a trace, it records no spans.
 *
 * <p>An incoming {@code traceparent} is continued only when it is exactly one header of the form
 * {@code 00-<32 lowercase hex>-<16 lowercase hex>-<2 lowercase hex>} (55 characters) with non-zero ids. A higher
 * version (not {@code ff}) is read by its first four fields when the fifth character after them is {@code -} or the
 * header ends there, and is re-emitted as version 00. Anything else starts a new trace and drops {@code tracestate}.
 * {@code tracestate} passes through (several headers joined by {@code ,}) only with a continued trace and when it has
 * at most 32 well-formed members; otherwise it is dropped.
 *
 * @param traceId    32 lowercase hex digits, never all zero
 * @param spanId     the gateway's span: the parent id the upstream receives (16 lowercase hex digits)
 * @param flags      the trace flags sent upstream (only the {@code sampled} bit is kept)
 * @param tracestate the vendor list to pass upstream, or null
 * @param continued  true when the trace came from the client's {@code traceparent}
 */
public record TraceContext(String traceId, String spanId, int flags, String tracestate, boolean continued) {
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    private static final int MAX_TRACESTATE_MEMBERS = 32;
    /** Flags of a trace the gateway starts: sampled, so that an app with a parent-based sampler records it. */
    private static final int NEW_TRACE_FLAGS = 0x01;

    /** {@code trace.mode}. */
    public enum Mode {
        /** Continue a valid incoming trace, else start one. */
        PROPAGATE,
        /** Always start a new trace (the client's ids are not trusted). */
        RESTART,
        /** Send no trace context upstream and log none. */
        IGNORE;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The trace of one request under {@code mode}, or null with {@link Mode#IGNORE}.
     *
     * @param traceparents every {@code traceparent} header the client sent (empty list: none)
     * @param tracestates  every {@code tracestate} header the client sent
     */
    public static TraceContext of(Mode mode, List<String> traceparents, List<String> tracestates) {
        if (mode == Mode.IGNORE) return null;
        if (mode == Mode.PROPAGATE && traceparents.size() == 1) {
            String tp = traceparents.get(0);
            if (valid(tp)) {
                int flags = Integer.parseInt(tp, 53, 55, 16) & 0x01;
                return new TraceContext(tp.substring(3, 35), newSpanId(), flags, tracestate(tracestates), true);
            }
        }
        return new TraceContext(newTraceId(), newSpanId(), NEW_TRACE_FLAGS, null, false);
    }

    /** The {@code traceparent} the upstream gets: this trace, the gateway's span as parent. */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + (flags < 0x10 ? "0" : "") + Integer.toHexString(flags);
    }

    /** True for a {@code traceparent} the gateway continues (see the class comment). */
    public static boolean valid(String tp) {
        if (tp == null || tp.length() < 55) return false;
        if (!hex(tp, 0, 2) || tp.charAt(2) != '-' || tp.charAt(35) != '-' || tp.charAt(52) != '-') return false;
        boolean v00 = tp.startsWith("00");
        if (v00 ? tp.length() != 55 : tp.startsWith("ff") || (tp.length() > 55 && tp.charAt(55) != '-')) {
            return false;
        }
        return hex(tp, 3, 35) && hex(tp, 36, 52) && hex(tp, 53, 55) && !zero(tp, 3, 35) && !zero(tp, 36, 52);
    }

    /** The members to forward, or null when absent, too many (over 32) or malformed. */
    static String tracestate(List<String> headers) {
        if (headers.isEmpty()) return null;
        StringBuilder sb = new StringBuilder();
        int members = 0;
        for (String header : headers) {
            for (String member : header.split(",", -1)) {
                String m = member.strip();
                if (m.isEmpty()) continue;
                if (++members > MAX_TRACESTATE_MEMBERS || !member(m)) return null;
                if (sb.length() > 0) sb.append(',');
                sb.append(m);
            }
        }
        return members == 0 ? null : sb.toString();
    }

    /** {@code key=value}: key of {@code [a-z0-9_*-/@]} (at most 256), value of printable ASCII but {@code , =}. */
    private static boolean member(String m) {
        int eq = m.indexOf('=');
        if (eq < 1 || eq > 256 || m.length() - eq - 1 > 256 || m.length() == eq + 1) return false;
        for (int i = 0; i < eq; i++) {
            char c = m.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "_-*/@".indexOf(c) >= 0;
            if (!ok) return false;
        }
        for (int i = eq + 1; i < m.length(); i++) {
            char c = m.charAt(i);
            if (c < 0x20 || c > 0x7e || c == ',' || c == '=') return false;
        }
        return true;
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    private static boolean zero(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') return false;
        }
        return true;
    }

    static String newTraceId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi;
        long lo;
        do {
            hi = r.nextLong();
            lo = r.nextLong();
        } while (hi == 0 && lo == 0);
        return hex16(hi) + hex16(lo);
    }

    static String newSpanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return hex16(id);
    }

    private static String hex16(long v) {
        String s = Long.toHexString(v);
        return s.length() == 16 ? s : "0".repeat(16 - s.length()) + s;
    }
}
