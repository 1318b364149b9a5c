package dev.authgate.http;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The W3C {@code traceparent}/{@code tracestate} parser, including a fuzz target against a reference pattern. */
class TraceContextTest {
    /** The W3C grammar for what the gateway continues, written independently as a regular expression. */
    private static final Pattern REFERENCE = Pattern.compile(
            "(00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"
                    + "|(?!ff|00)[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?)", Pattern.DOTALL);
    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static boolean reference(String tp) {
        return REFERENCE.matcher(tp).matches() && !tp.substring(3, 35).matches("0+")
                && !tp.substring(36, 52).matches("0+");
    }

    @Test
    void flagsKeepOnlySampled() {
        TraceContext t = TraceContext.of(TraceContext.Mode.PROPAGATE,
                List.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff"), List.of());
        assertTrue(t.traceparent().endsWith("-01"), t.traceparent());
        TraceContext unsampled = TraceContext.of(TraceContext.Mode.PROPAGATE,
                List.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"), List.of());
        assertTrue(unsampled.traceparent().endsWith("-00"), unsampled.traceparent());
        assertTrue(unsampled.continued());
    }

    @Test
    void tracestateJoinsHeadersAndRefusesMalformedMembers() {
        assertEquals("a=1,b=2,c@t=3", TraceContext.tracestate(List.of("a=1, b=2", "c@t=3")));
        assertNull(TraceContext.tracestate(List.of("A=1")));
        assertNull(TraceContext.tracestate(List.of("a=")));
        assertNull(TraceContext.tracestate(List.of("a=b=c")));
        assertNull(TraceContext.tracestate(List.of()));
        assertNull(TraceContext.tracestate(List.of(" , ")));
    }

    @Test
    void generatedIdsAreWellFormed() {
        for (int i = 0; i < 1000; i++) {
            String tp = TraceContext.of(TraceContext.Mode.PROPAGATE, List.of(), List.of()).traceparent();
            assertTrue(TraceContext.valid(tp), tp);
        }
    }

    @Test
    void fuzzParserAgreesWithTheReferenceAndNeverThrows() {
        Random random = new Random(13);
        String alphabet = "0123456789abcdefABCDEF-xz_ \t";
        for (int i = 0; i < 200_000; i++) {
            String s;
            if (random.nextBoolean()) {
                StringBuilder sb = new StringBuilder(VALID);
                for (int m = random.nextInt(4); m >= 0; m--) {
                    int at = random.nextInt(sb.length());
                    switch (random.nextInt(3)) {
                        case 0 -> sb.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        case 1 -> sb.deleteCharAt(at);
                        default -> sb.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                }
                if (random.nextInt(8) == 0) sb.replace(0, 2, random.nextBoolean() ? "ff" : "7e");
                s = sb.toString();
            } else {
                char[] c = new char[random.nextInt(70)];
                for (int k = 0; k < c.length; k++) c[k] = alphabet.charAt(random.nextInt(alphabet.length()));
                s = new String(c);
            }
            assertEquals(reference(s), TraceContext.valid(s), s);
            TraceContext t = TraceContext.of(TraceContext.Mode.PROPAGATE, List.of(s), List.of(s));
            assertTrue(TraceContext.valid(t.traceparent()), s);
        }
    }
}
