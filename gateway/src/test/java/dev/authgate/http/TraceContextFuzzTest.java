package dev.authgate.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the W3C trace-context parsing ({@link TraceContext#of}) against a reference written here with regular
 * expressions: any {@code traceparent} / {@code tracestate} headers give a trace, never an exception; the client's
 * trace is continued exactly when the reference says its single {@code traceparent} is valid, and then its trace id
 * is kept and a new span id made; {@code tracestate} passes only with a continued trace, at most 32 well-formed
 * members; what goes upstream is always a valid version-00 {@code traceparent}.
 * {@code scripts/fuzz --target TraceContextFuzzTest} fuzzes; {@code ./mvnw verify} replays the saved inputs.
 */
class TraceContextFuzzTest {
    private static final Pattern SHAPE = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?",
            Pattern.DOTALL);
    private static final Pattern ZERO_TRACE = Pattern.compile("..-0{32}-.*", Pattern.DOTALL);
    private static final Pattern ZERO_SPAN = Pattern.compile(".{36}0{16}-.*", Pattern.DOTALL);
    private static final Pattern MEMBER = Pattern.compile("[a-z0-9_*/@-]{1,256}=[\\x20-\\x2b\\x2d-\\x3c\\x3e-\\x7e]{1,256}");
    private static final Pattern UPSTREAM = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");

    /** The W3C rules as the gateway applies them (version 00 exactly 55 characters; a higher one read by its fields). */
    static boolean reference(String tp) {
        if (!SHAPE.matcher(tp).matches() || ZERO_TRACE.matcher(tp).matches() || ZERO_SPAN.matcher(tp).matches()) {
            return false;
        }
        String version = tp.substring(0, 2);
        if (version.equals("ff")) return false;
        return version.equals("00") ? tp.length() == 55 : tp.length() == 55 || tp.charAt(55) == '-';
    }

    @FuzzTest
    void continuesExactlyTheValidTraceparents(FuzzedDataProvider data) {
        List<String> parents = new ArrayList<>();
        for (int n = data.consumeInt(0, 2); n > 0; n--) {
            // half the time a well-shaped header with fuzzed pieces, so that the valid side is reached too
            parents.add(data.consumeBoolean() ? data.consumeString(80)
                    : data.consumeString(2) + "-" + data.consumeString(32) + "-" + data.consumeString(16) + "-"
                    + data.consumeString(4));
        }
        List<String> states = new ArrayList<>();
        for (int n = data.consumeInt(0, 2); n > 0; n--) states.add(data.consumeString(200));

        TraceContext t = TraceContext.of(TraceContext.Mode.PROPAGATE, parents, states);
        boolean continued = parents.size() == 1 && reference(parents.get(0));
        assertEquals(continued, t.continued(), () -> "traceparent " + parents);
        assertTrue(UPSTREAM.matcher(t.traceparent()).matches(), t.traceparent());
        assertTrue(TraceContext.valid(t.traceparent()), t.traceparent());
        assertFalse(t.traceId().equals("0".repeat(32)) || t.spanId().equals("0".repeat(16)), t.traceparent());
        if (continued) {
            assertEquals(parents.get(0).substring(3, 35), t.traceId());
            assertFalse(parents.get(0).substring(36, 52).equals(t.spanId()), "a new span id per hop");
        } else {
            assertNull(t.tracestate(), "tracestate without a continued traceparent");
        }
        if (t.tracestate() != null) {
            String[] members = t.tracestate().split(",", -1);
            assertTrue(members.length <= 32, t.tracestate());
            for (String m : members) assertTrue(MEMBER.matcher(m).matches(), () -> "member " + m);
        }
        assertNull(TraceContext.of(TraceContext.Mode.IGNORE, parents, states));
        assertFalse(TraceContext.of(TraceContext.Mode.RESTART, parents, states).continued());
    }
}
