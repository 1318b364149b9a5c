package dev.authgate.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --log-format json}: one JSON object per line with the text format's fields, names and order. */
class AccessLogJsonEncoderTest {
    private final LoggerContext context = new LoggerContext();

    private static AccessLogEntry entry(String detail, String upstream, int upstreamStatus, long upstreamMs) {
        return AccessLogEntry.builder()
                .request(Instant.parse("2025-01-02T03:04:05.678Z"), "req-1", "10.0.0.7:51234", null)
                .target("POST", "/webhooks/github?token=\u2026").route("github").auth("hmac", null)
                .answer(401, ResponseSource.GATEWAY, "signature_mismatch", detail)
                .upstream(upstream, upstreamStatus, upstreamMs)
                .traffic(42, 250, 3)
                .trace("4bf92f3577b34da6a3ce929d0e0e4736")
                .build();
    }

    private String encode(AccessLogEntry e) {
        AccessLogJsonEncoder encoder = new AccessLogJsonEncoder();
        encoder.setContext(context);
        encoder.start();
        LoggingEvent event = new LoggingEvent(AccessLog.class.getName(),
                context.getLogger(AccessLog.LOGGER_NAME), Level.INFO, "{}", null, new Object[] {e});
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void writesOneObjectPerLineWithTheTextFormatsFieldsInOrder() throws IOException {
        AccessLogEntry e = entry("signature does not match (2 secrets tried)", null, 0, -1);
        String line = encode(e);
        assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, line);
        Map<String, Object> json = parse(line);
        Map<String, String> text = parseText(e.toString());
        assertEquals(new ArrayList<>(text.keySet()), new ArrayList<>(json.keySet()), "same names, same order");
        for (Map.Entry<String, String> field : text.entrySet()) {
            Object v = json.get(field.getKey());
            assertEquals(field.getValue(), v == null ? "-" : v.toString(), field.getKey());
        }
        assertEquals(401L, json.get("status"));
        assertNull(json.get("tls"));
        assertNull(json.get("upstream_status"));
        assertNull(json.get("upstream_ms"));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", json.get("trace_id"));
        assertEquals("trace_id", new ArrayList<>(json.keySet()).get(json.size() - 1), "last, after the old fields");
    }

    @Test
    void numbersAreNumbersAndAwkwardStringsStayOnOneLine() throws IOException {
        String detail = "line\nbreak \\ \"quoted\" \u0001 and \u2028";
        String line = encode(entry(detail, "orders", 503, 17));
        assertEquals(1, line.split("\n", -1).length - 1, line);
        Map<String, Object> json = parse(line);
        assertEquals(detail, json.get("detail"));
        assertEquals(503L, json.get("upstream_status"));
        assertEquals(17L, json.get("upstream_ms"));
        assertEquals("orders", json.get("upstream"));
    }

    @Test
    void otherEventsAreWrittenAsTimeLevelLoggerMessage() throws IOException {
        AccessLogJsonEncoder encoder = new AccessLogJsonEncoder();
        encoder.setContext(context);
        encoder.start();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("authgate"), Level.WARN, "hello {}", null,
                new Object[] {"world"});
        Map<String, Object> json = parse(new String(encoder.encode(event), StandardCharsets.UTF_8));
        assertEquals(List.of("time", "level", "logger", "message"), new ArrayList<>(json.keySet()));
        assertEquals("hello world", json.get("message"));
        assertEquals("WARN", json.get("level"));
    }

    /** A flat JSON object; fails on anything else. */
    static Map<String, Object> parse(String line) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(line)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken(), line);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                Object v = t == JsonToken.VALUE_NULL ? null
                        : t == JsonToken.VALUE_NUMBER_INT ? (Object) p.getLongValue() : p.getText();
                assertTrue(t.isScalarValue(), name);
                fields.put(name, v);
            }
            assertNull(p.nextToken(), "one object per line");
        }
        return fields;
    }

    /** The text format back into fields: {@code key=value} or {@code key="quoted \" value"}. */
    private static Map<String, String> parseText(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < line.length()) {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq);
            StringBuilder value = new StringBuilder();
            int j = eq + 1;
            if (line.charAt(j) == '"') {
                for (j++; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        value.append(n == 'n' ? '\n' : n);
                    } else {
                        value.append(c);
                    }
                }
                j++;
            } else {
                while (j < line.length() && line.charAt(j) != ' ') value.append(line.charAt(j++));
            }
            fields.put(key, value.toString());
            i = j + 1;
        }
        return fields;
    }
}
