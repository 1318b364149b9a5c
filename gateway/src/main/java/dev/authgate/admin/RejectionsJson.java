package dev.authgate.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.authgate.http.Reason;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.observe.MetricsNames;
import dev.authgate.observe.RecentRejections;
import dev.authgate.observe.RejectionCaptures;
import dev.authgate.observe.RejectionHeaders;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of {@code /rejections.json} (the entries, newest first) and {@code /rejections/groups.json} (route ×
 * reason), field names as the access log's (docs/operations.md, "Rejections explorer"). Every value is an access-log
 * value, so none is a secret; jackson escapes every string.
 */
final class RejectionsJson {
    private static final JsonFactory JSON = new JsonFactory();
    /** The sparkline of a group: rejections per minute over the last hour, oldest first. */
    static final int SPARK_MINUTES = 60;

    private RejectionsJson() {
    }

    /** {@code {"generated_at", "capacity", "matched", "rejections": [...]}}: at most {@code query.limit()} entries. */
    static void list(OutputStream out, RecentRejections ring, RejectionQuery query, Instant now) throws IOException {
        List<RecentRejections.Rejection> all = ring.newestFirst();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("generated_at", now.toString());
            g.writeNumberField("capacity", ring.capacity());
            int matched = 0;
            g.writeArrayFieldStart("rejections");
            for (RecentRejections.Rejection r : all) {
                if (!query.matches(r.entry())) continue;
                if (matched++ < query.limit()) entry(g, r, ring.captures());
            }
            g.writeEndArray();
            g.writeNumberField("matched", matched);
            g.writeEndObject();
        }
    }

    /**
     * {@code {"generated_at", "capacity", "last_hour_by_reason": {reason: n}, "groups": [...]}}, groups by count,
     * largest first. A group's {@code count}, {@code first_seen} and {@code last_seen} are over the entries kept that
     * match the query; {@code total} counts the route's rejections with that reason since start (also those the ring
     * no longer holds) and {@code share} is {@code total} over {@code route_requests}, the route's requests since
     * start.
     */
    static void groups(OutputStream out, RecentRejections ring, Map<String, Long> requestsByRoute,
                       RejectionQuery query, Instant now) throws IOException {
        Map<String, Group> groups = new LinkedHashMap<>();
        Map<String, Integer> lastHour = new TreeMap<>();
        Instant hourAgo = now.minus(Duration.ofMinutes(SPARK_MINUTES));
        for (RecentRejections.Rejection r : ring.newestFirst()) {
            AccessLogEntry e = r.entry();
            if (!query.matches(e)) continue;
            String route = e.route() == null ? MetricsNames.NO_ROUTE : e.route();
            Group g = groups.computeIfAbsent(route + '\u0000' + e.reason(), k -> new Group(route, e.reason()));
            g.add(e, now);
            if (e.time().isAfter(hourAgo)) lastHour.merge(e.reason(), 1, Integer::sum);
        }
        List<Group> sorted = new ArrayList<>(groups.values());
        sorted.sort((a, b) -> Integer.compare(b.count, a.count));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("generated_at", now.toString());
            g.writeNumberField("capacity", ring.capacity());
            g.writeObjectFieldStart("last_hour_by_reason");
            for (Map.Entry<String, Integer> e : lastHour.entrySet()) g.writeNumberField(e.getKey(), e.getValue());
            g.writeEndObject();
            g.writeArrayFieldStart("groups");
            for (Group group : sorted) {
                long total = ring.total(MetricsNames.NO_ROUTE.equals(group.route) ? null : group.route, group.reason);
                long routeRequests = requestsByRoute.getOrDefault(group.route, 0L);
                g.writeStartObject();
                g.writeStringField("route", group.route);
                g.writeStringField("reason", group.reason);
                g.writeNumberField("status", group.status);
                g.writeNumberField("count", group.count);
                g.writeStringField("first_seen", group.first.toString());
                g.writeStringField("last_seen", group.last.toString());
                g.writeNumberField("total", total);
                g.writeNumberField("route_requests", routeRequests);
                if (routeRequests > 0) {
                    g.writeNumberField("share", Math.min(1.0, (double) total / routeRequests));
                } else {
                    g.writeNullField("share");
                }
                reasonText(g, group.reason);
                g.writeArrayFieldStart("last_hour");
                for (int n : group.perMinute) g.writeNumber(n);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void entry(JsonGenerator g, RecentRejections.Rejection r, RejectionCaptures captures)
            throws IOException {
        AccessLogEntry e = r.entry();
        g.writeStartObject();
        g.writeStringField("time", e.time() == null ? null : e.time().toString());
        g.writeStringField("request_id", e.requestId());
        g.writeStringField("trace_id", e.traceId());
        g.writeStringField("client", e.client());
        g.writeStringField("tls", e.tls());
        g.writeStringField("method", e.method());
        g.writeStringField("path", e.path());
        g.writeStringField("route", e.route());
        g.writeStringField("scheme", e.scheme());
        g.writeNumberField("status", e.status());
        g.writeStringField("reason", e.reason());
        g.writeStringField("detail", e.detail());
        reasonText(g, e.reason());
        g.writeStringField("upstream", e.upstream());
        g.writeNumberField("bytes_in", e.bytesIn());
        g.writeNumberField("duration_ms", e.durationMs());
        g.writeStringField("delivery_id", r.headers().deliveryId());
        g.writeBooleanField("captured", captures.get(e.requestId()) != null);
        g.writeArrayFieldStart("credential_headers");
        for (RejectionHeaders.CredentialHeader h : r.headers().credentials()) {
            g.writeStartObject();
            g.writeStringField("name", h.name());
            g.writeStringField("scheme", h.scheme());
            g.writeNumberField("length", h.length());
            g.writeStringField("fingerprint", h.fingerprint());
            g.writeBooleanField("ends_with_newline", h.endsWithNewline());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** {@code "meaning"} and {@code "fix"} from the troubleshooting table ({@link Reason}); null for an unknown code. */
    private static void reasonText(JsonGenerator g, String code) throws IOException {
        Reason r = reason(code);
        g.writeStringField("meaning", r == null ? null : r.meaning());
        g.writeStringField("fix", r == null ? null : r.fix());
    }

    static Reason reason(String code) {
        if (code == null) return null;
        try {
            return Reason.valueOf(code.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static final class Group {
        final String route;
        final String reason;
        final int[] perMinute = new int[SPARK_MINUTES];
        int status;
        int count;
        Instant first;
        Instant last;

        Group(String route, String reason) {
            this.route = route;
            this.reason = reason;
        }

        /** Entries arrive newest first. */
        void add(AccessLogEntry e, Instant now) {
            if (count++ == 0) {
                last = e.time();
                status = e.status();
            }
            first = e.time();
            long minutesAgo = Duration.between(e.time(), now).toMinutes();
            if (minutesAgo >= 0 && minutesAgo < SPARK_MINUTES) perMinute[SPARK_MINUTES - 1 - (int) minutesAgo]++;
        }
    }
}
