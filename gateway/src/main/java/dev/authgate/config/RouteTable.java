package dev.authgate.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The route table printed by {@code authgate check} (and reusable by the start-up banner), one route a line in
 * file order:
 *
 * <pre>
 * ROUTE   MATCH              METHODS  SCHEME               UPSTREAM
 * github  = /webhooks/github POST     hmac:github          orders
 * api     /api/*             GET,PUT  any(bearer,api_key)  api
 * canary  = /canary          *        bearer               respond 204
 * </pre>
 *
 * <p>MATCH is {@code = PATH} for an exact {@code path} and {@code PREFIX*} for a {@code path_prefix} (the prefix as
 * written, then {@code *}); METHODS is {@code *} when any method is allowed; SCHEME is the scheme name, {@code hmac:PRESET}
 * for a preset, {@code any(a,b)} for alternatives; UPSTREAM is the upstream name or {@code respond STATUS}.
 */
public final class RouteTable {
    private static final String[] HEADER = {"ROUTE", "MATCH", "METHODS", "SCHEME", "UPSTREAM"};

    private RouteTable() {
    }

    /** The table with a header line; columns padded with two spaces, no trailing spaces, each line ends in \n. */
    public static String format(List<RouteConfig> routes) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (RouteConfig r : routes) {
            rows.add(new String[] {r.name(), match(r.match()), methods(r.match()), scheme(r.auth()), target(r)});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], row[i].length());
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) line.append(" ".repeat(widths[i] - row[i].length() + 2));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** {@code = /webhooks/github} for an exact path, {@code /hooks/*} for a prefix. */
    public static String match(RouteConfig.MatchConfig m) {
        return m.path() != null ? "= " + m.path() : m.pathPrefix() + "*";
    }

    /** {@code GET,POST}, or {@code *} for any method. */
    public static String methods(RouteConfig.MatchConfig m) {
        return m.methods().isEmpty() ? "*" : String.join(",", m.methods());
    }

    /**
     * {@code bearer}, {@code hmac:github}, {@code hmac} (generic), {@code any(bearer,api_key)}, {@code none}: each
     * scheme's {@link AuthConfig#summary()}.
     */
    public static String scheme(AuthConfig auth) {
        return auth.summary();
    }

    /** The upstream name, or {@code respond 204} for an auth-only route. */
    public static String target(RouteConfig r) {
        return r.upstream() != null ? r.upstream() : "respond " + r.respond();
    }
}
