package dev.authgate.observe;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AccessLogEntryTest {

    private static AccessLogEntry entry(String path, String detail) {
        return AccessLogEntry.builder()
                .request(Instant.parse("2025-01-02T03:04:05.678Z"), "req-1", "10.0.0.7:51234", "TLSv1.3")
                .target("POST", path).route("github").auth("hmac", "github")
                .answer(401, ResponseSource.GATEWAY, "signature_mismatch", detail)
                .traffic(42, 250, 3)
                .trace("4bf92f3577b34da6a3ce929d0e0e4736")
                .build();
    }

    @Test
    void textLineHasEveryFieldInOrderWithDashForAbsent() {
        assertEquals("time=2025-01-02T03:04:05.678Z request_id=req-1 client=10.0.0.7:51234 tls=TLSv1.3 method=POST"
                        + " path=/webhooks/github route=github scheme=hmac identity=github status=401 source=gateway"
                        + " reason=signature_mismatch detail=\"signature does not match (2 secrets tried)\""
                        + " upstream=- upstream_status=- bytes_in=42 bytes_out=250 duration_ms=3 upstream_ms=-"
                        + " trace_id=4bf92f3577b34da6a3ce929d0e0e4736",
                entry("/webhooks/github", "signature does not match (2 secrets tried)").toString());
    }

    @Test
    void quotesAndEscapesValuesThatWouldBreakTheLine() {
        String line = entry("/a\"b", "line\nbreak \\ and \"quotes\" and\u0001ctl").toString();
        assertEquals(true, line.contains(" path=\"/a\\\"b\" "), line);
        assertEquals(true, line.contains(" detail=\"line\\nbreak \\\\ and \\\"quotes\\\" and\\u0001ctl\" "), line);
    }

    @Test
    void emptyValueAndLiteralDashAreQuoted() {
        String line = entry("/x", "").toString();
        assertEquals(true, line.contains(" detail=\"\" "), line);
        assertEquals(true, entry("/x", "-").toString().contains(" detail=\"-\" "));
    }

    @Test
    void loggedPathMasksEveryQueryValue() {
        assertEquals("/a", AccessLogEntry.loggedPath("/a", null));
        assertEquals("/a?", AccessLogEntry.loggedPath("/a", ""));
        assertEquals("/a?api_key=\u2026", AccessLogEntry.loggedPath("/a", "api_key=sk_live_123"));
        assertEquals("/a?x=\u2026&y=\u2026&\u2026", AccessLogEntry.loggedPath("/a", "x=1&y=&sk_live_bare_token"));
        assertEquals("/a?x=\u2026&&y=\u2026", AccessLogEntry.loggedPath("/a", "x=1&&y=2"));
    }
}
