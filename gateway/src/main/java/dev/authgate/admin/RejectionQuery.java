package dev.authgate.admin;

import dev.authgate.config.Durations;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.observe.MetricsNames;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The filters of {@code /rejections.json} and {@code /rejections/groups.json} (and of the page, which passes its URL's
 * query on): {@code route} ({@code -} for requests that matched no route), {@code reason}, {@code status},
 * {@code since} and {@code until} (an ISO-8601 instant such as {@code 2026-12-01T10:00:00Z}, or a duration such as
 * {@code 15m} meaning that long ago), {@code limit} (entries listed, default {@value #DEFAULT_LIMIT}). An empty
 * parameter is no filter; an unknown or unreadable one is refused with the parameter's name.
 */
record RejectionQuery(String route, String reason, int status, Instant since, Instant until, int limit) {
    static final int DEFAULT_LIMIT = 200;
    private static final Set<String> KNOWN = Set.of("route", "reason", "status", "since", "until", "limit", "id");

    /** Thrown for a parameter that cannot be read; the message names it and is safe to send back. */
    static final class BadQuery extends Exception {
        private static final long serialVersionUID = 1L;

        BadQuery(String message) {
            super(message);
        }
    }

    static RejectionQuery parse(QueryStringDecoder query, Instant now) throws BadQuery {
        Map<String, List<String>> p = query.parameters();
        for (String name : p.keySet()) {
            if (!KNOWN.contains(name)) {
                throw new BadQuery("unknown parameter (expected: route, reason, status, since, until, limit)");
            }
        }
        int status = 0;
        String s = one(p, "status");
        if (s != null) {
            status = integer(s, "status", 100, 599);
        }
        String l = one(p, "limit");
        int limit = l == null ? DEFAULT_LIMIT : integer(l, "limit", 1, 100_000);
        return new RejectionQuery(one(p, "route"), one(p, "reason"), status, time(one(p, "since"), "since", now),
                time(one(p, "until"), "until", now), limit);
    }

    boolean matches(AccessLogEntry e) {
        if (route != null && !route.equals(e.route() == null ? MetricsNames.NO_ROUTE : e.route())) return false;
        if (reason != null && !reason.equals(e.reason())) return false;
        if (status != 0 && status != e.status()) return false;
        if (since != null && e.time().isBefore(since)) return false;
        return until == null || !e.time().isAfter(until);
    }

    private static String one(Map<String, List<String>> p, String name) {
        List<String> values = p.get(name);
        if (values == null || values.isEmpty()) return null;
        String v = values.get(values.size() - 1).strip();
        return v.isEmpty() ? null : v;
    }

    private static int integer(String v, String name, int min, int max) throws BadQuery {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new BadQuery(name + ": expected a number from " + min + " to " + max);
    }

    private static Instant time(String v, String name, Instant now) throws BadQuery {
        if (v == null) return null;
        try {
            return Character.isDigit(v.charAt(0)) && v.contains("T") ? Instant.parse(v) : now.minus(Durations.parse(v));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new BadQuery(name + ": expected an instant (2026-12-01T10:00:00Z) or a duration (15m, 1h)");
        }
    }
}
