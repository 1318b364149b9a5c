package dev.authgate.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.authgate.config.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code authgate tail --admin URL [--route R] [--reason X] [--token-file F]}: follows the gateway's new rejections on
 * the terminal (docs/operations.md, "Following rejections in a shell"), one line each with the fix, by polling the
 * admin listener's {@code /rejections.json} every {@code --interval}. Prints only rejections recorded after it started
 * (or within {@code --since}); each once, oldest first. With {@code admin.token} set on the gateway, the token is read
 * from {@code --token-file} or the {@code AUTHGATE_ADMIN_TOKEN} environment variable (never from the command line,
 * where {@code ps} would show it) and sent as {@code Authorization: Bearer}.
 *
 * <p>Exit: 0 after {@code --count} lines (runs until interrupted without it); 1 when the admin listener refuses the
 * token (401); 2 on a usage error or a filter it refuses (400). An admin listener that cannot be reached is reported
 * on standard error once, then asked again.
 */
@Command(mixinStandardHelpOptions = true, name = "tail",
        description = "Follow new rejections from an admin listener: one line each, with the fix.")
public final class TailCommand implements Callable<Integer> {
    static final String TOKEN_ENV = "AUTHGATE_ADMIN_TOKEN";
    /** Re-asked window behind the newest entry seen: a slow request is recorded later than its head's time. */
    private static final Duration LOOKBACK = Duration.ofMinutes(2);
    private static final int MAX_SEEN = 20_000;
    private static final JsonFactory JSON = new JsonFactory();

    @Option(names = "--admin", defaultValue = "http://127.0.0.1:9901",
            description = "the admin listener (default: ${DEFAULT-VALUE})")
    String admin;

    @Option(names = "--route", description = "only this route ('-': requests that matched no route)")
    String route;

    @Option(names = "--reason", description = "only this reason code, e.g. signature_mismatch")
    String reason;

    @Option(names = "--since", description = "also print the rejections kept from this long ago, e.g. 15m")
    String since;

    @Option(names = "--token-file", description = "file holding admin.token (default: $" + TOKEN_ENV + ")")
    Path tokenFile;

    @Option(names = "--interval", defaultValue = "2s", description = "how often to ask (default: ${DEFAULT-VALUE})")
    String interval;

    @Option(names = "--count", description = "exit after printing this many rejections")
    Integer count;

    private final LinkedHashSet<String> seen = new LinkedHashSet<>();

    @Override
    public Integer call() throws InterruptedException {
        Duration every;
        URI base;
        String token;
        Instant from;
        try {
            every = Durations.parse(interval);
            base = URI.create(admin.endsWith("/") ? admin.substring(0, admin.length() - 1) : admin);
            if (!"http".equals(base.getScheme()) || base.getHost() == null) {
                throw new IllegalArgumentException("--admin: expected http://HOST:PORT, got '" + admin + "'");
            }
            if (count != null && count < 1) throw new IllegalArgumentException("--count: expected 1 or more");
            token = token();
            from = since == null ? null : Instant.now().minus(Durations.parse(since));
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("tail: " + e.getMessage());
            return 2;
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        PrintStream out = System.out;
        boolean first = from == null;   // without --since, what is kept when tail starts is not new
        Instant cursor = from;
        String lastProblem = null;
        int printed = 0;
        while (true) {
            HttpResponse<String> r;
            URI uri = base.resolve("/rejections.json?limit=1000" + filters(cursor));
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
                if (token != null) req.header("Authorization", "Bearer " + token);
                r = client.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                String why = base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                if (!why.equals(lastProblem)) System.err.println("tail: " + why + " (asking again)");
                lastProblem = why;
                Thread.sleep(every.toMillis());
                continue;
            }
            if (r.statusCode() == 401) {
                System.err.println("tail: " + base + " needs admin.token (--token-file or $" + TOKEN_ENV + ")");
                return 1;
            }
            if (r.statusCode() == 400) {
                System.err.println("tail: " + r.body().strip());
                return 2;
            }
            if (r.statusCode() != 200) {
                String why = base + " answered " + r.statusCode();
                if (!why.equals(lastProblem)) System.err.println("tail: " + why + " (asking again)");
                lastProblem = why;
                Thread.sleep(every.toMillis());
                continue;
            }
            lastProblem = null;
            List<Map<String, Object>> entries;
            try {
                entries = rejections(r.body());
            } catch (IOException e) {
                System.err.println("tail: " + uri + " is not the rejections JSON: " + e.getMessage());
                return 1;
            }
            for (int i = entries.size() - 1; i >= 0; i--) {   // oldest first
                Map<String, Object> e = entries.get(i);
                String id = String.valueOf(e.get("request_id"));
                if (!remember(id) || first) continue;
                out.println(line(e));
                if (count != null && ++printed >= count) {
                    out.flush();
                    return 0;
                }
            }
            out.flush();
            if (first) {
                System.err.println("tail: following " + base + " (" + entries.size()
                        + " rejections kept before now, not shown; --since 15m shows them)");
            }
            first = false;
            if (!entries.isEmpty()) {
                Instant newest = Instant.parse((String) entries.get(0).get("time"));
                Instant next = newest.minus(LOOKBACK);
                if (cursor == null || next.isAfter(cursor)) cursor = next;
            }
            Thread.sleep(every.toMillis());
        }
    }

    /** {@code TIME STATUS ROUTE REASON METHOD PATH client=.. request_id=.. trace_id=.. detail: .. fix: ..}. */
    static String line(Map<String, Object> e) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(text(e.get("time"))).append(' ').append(text(e.get("status"))).append(' ')
                .append(text(e.get("route"))).append(' ').append(text(e.get("reason"))).append(' ')
                .append(text(e.get("method"))).append(' ').append(text(e.get("path")))
                .append(" client=").append(text(e.get("client")))
                .append(" request_id=").append(text(e.get("request_id")))
                .append(" trace_id=").append(text(e.get("trace_id")));
        if (e.get("delivery_id") != null) sb.append(" delivery_id=").append(text(e.get("delivery_id")));
        if (e.get("detail") != null) sb.append(" detail: ").append(text(e.get("detail")));
        if (e.get("fix") != null) sb.append(" fix: ").append(text(e.get("fix")));
        return sb.toString();
    }

    /** A value as one line of plain text: control characters (a newline sent in a path) are shown escaped. */
    private static String text(Object v) {
        if (v == null) return "-";
        String s = v.toString();
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** True the first time {@code id} is seen; remembers the newest {@value #MAX_SEEN}. */
    private boolean remember(String id) {
        if (!seen.add(id)) return false;
        if (seen.size() > MAX_SEEN) {
            Iterator<String> oldest = seen.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    private String filters(Instant cursor) {
        StringBuilder sb = new StringBuilder();
        if (route != null) sb.append("&route=").append(URLEncoder.encode(route, StandardCharsets.UTF_8));
        if (reason != null) sb.append("&reason=").append(URLEncoder.encode(reason, StandardCharsets.UTF_8));
        if (cursor != null) sb.append("&since=").append(URLEncoder.encode(cursor.toString(), StandardCharsets.UTF_8));
        return sb.toString();
    }

    private String token() throws IOException {
        String t = tokenFile != null ? Files.readString(tokenFile, StandardCharsets.UTF_8) : System.getenv(TOKEN_ENV);
        if (t == null) return null;
        t = t.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException(tokenFile != null ? "--token-file: " + tokenFile + " is empty"
                    : "$" + TOKEN_ENV + " is empty");
        }
        return t;
    }

    /** The entries of a {@code /rejections.json} answer, newest first, each as its top-level scalar fields. */
    static List<Map<String, Object>> rejections(String body) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("expected an object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (!"rejections".equals(field) || t != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    Map<String, Object> e = new HashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        JsonToken v = p.nextToken();
                        if (v.isScalarValue() && v != JsonToken.VALUE_NULL) {
                            e.put(name, v.isNumeric() ? p.getNumberValue() : p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                    if (e.get("request_id") == null || e.get("time") == null) {
                        throw new IOException("an entry without request_id or time");
                    }
                    out.add(e);
                }
            }
        }
        return out;
    }
}
