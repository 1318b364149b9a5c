package dev.authgate.auth.jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How JWT facts are written into details and logs: values the sender chose ({@code iss}, {@code aud}, {@code kid})
 * cut short and stripped of control characters, times as instants with "in 12m" / "3h12m ago".
 */
final class JwtText {
    private JwtText() {
    }

    /** {@code value} with control and non-ASCII characters as {@code ?}, at most {@code max} chars; "-" for null. */
    static String safe(String value, int max) {
        if (value == null) return "-";
        StringBuilder sb = new StringBuilder(Math.min(value.length(), max) + 3);
        for (int i = 0; i < value.length(); i++) {
            if (sb.length() >= max) {
                sb.append("...");
                break;
            }
            char c = value.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }

    /** {@code [a, b]} with each value {@link #safe}; at most 5 shown. */
    static String list(List<String> values) {
        if (values == null) return "-";
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size() && i < 5; i++) {
            if (i > 0) sb.append(", ");
            sb.append(safe(values.get(i), 100));
        }
        if (values.size() > 5) sb.append(", ... ").append(values.size() - 5).append(" more");
        return sb.append(']').toString();
    }

    /** {@code 3h12m}, {@code 12m}, {@code 45s}, {@code 2d3h}: the two largest units, the second omitted when 0. */
    static String span(Duration d) {
        long s = Math.abs(d.getSeconds());
        long days = s / 86_400;
        long hours = s % 86_400 / 3600;
        long minutes = s % 3600 / 60;
        long seconds = s % 60;
        if (days > 0) return days + "d" + (hours > 0 ? hours + "h" : "");
        if (hours > 0) return hours + "h" + (minutes > 0 ? minutes + "m" : "");
        if (minutes > 0) return minutes + "m" + (seconds > 0 ? seconds + "s" : "");
        return seconds + "s";
    }

    /** {@code in 12m} or {@code 3h ago} relative to {@code now}. */
    static String relative(Instant at, Instant now) {
        Duration d = Duration.between(now, at);
        return d.isNegative() ? span(d) + " ago" : "in " + span(d);
    }

    /** {@code 2026-12-01T08:00:00Z (in 12m)}. */
    static String when(Instant at, Instant now) {
        return at == null ? "-" : at + " (" + relative(at, now) + ")";
    }
}
