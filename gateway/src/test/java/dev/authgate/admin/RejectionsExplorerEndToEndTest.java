package dev.authgate.admin;

import dev.authgate.testing.Json;
import dev.authgate.testing.OpsGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rejections explorer's JSON on real sockets (docs/operations.md, "Rejections explorer"): requests are sent to a
 * plain-HTTP gateway, then {@code /rejections.json} and {@code /rejections/groups.json} are read from the admin
 * listener over HTTP, with their filters; the ring's bounds; no credential or query value in any answer.
 */
class RejectionsExplorerEndToEndTest {
    private static final String TOKEN = "explorer-token-c3d9a1f07e";
    private static final String WRONG = "explorer-wrong-token-77b1e2";
    private static final String QUERY_SECRET = "explorer-query-secret-5a0c";
    private static final String ADMIN_TOKEN = "explorer-admin-token-0b7d3e";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private ExplorerGateway ex;
    private OpsGateway gw;

    @AfterEach
    void stop() {
        if (ex != null) ex.close();
    }

    private void start(String adminExtra) throws IOException {
        ex = ExplorerGateway.start(dir, TOKEN, adminExtra);
        gw = ex.gw;
    }

    private int send(String target, String... headers) {
        return ex.send(target, headers);
    }

    private Map<String, Object> json(String path) {
        HttpResponse<String> r = gw.admin(path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        assertEquals("application/json; charset=utf-8", r.headers().firstValue("content-type").orElse(null));
        assertNoSecret(r.body());
        return Json.object(r.body());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> json, String key) {
        return (List<Map<String, Object>>) json.get(key);
    }

    private List<Map<String, Object>> rejections(String query) {
        return list(json("/rejections.json" + query), "rejections");
    }

    private static void assertNoSecret(String text) {
        for (String s : List.of(TOKEN, WRONG, QUERY_SECRET, ADMIN_TOKEN)) assertFalse(text.contains(s), "a secret leaked: " + text);
    }

    @Test
    void everyGatewayRejectionIsListedNewestFirstWithItsMeaningAndFixAndNoCredential() throws IOException {
        start("");
        assertEquals(401, send("/api/a"));
        assertEquals(401, send("/api/b?access_token=" + QUERY_SECRET, "Authorization: Bearer " + WRONG));
        assertEquals(200, send("/api/ok", "Authorization: Bearer " + TOKEN));
        assertEquals(200, send("/open/fine"));
        assertEquals(404, send("/nowhere"));

        List<Map<String, Object>> all = rejections("");
        assertEquals(3, all.size(), all.toString());
        Map<String, Object> notFound = all.get(0);
        Map<String, Object> invalid = all.get(1);
        Map<String, Object> missing = all.get(2);
        assertEquals("route_not_found", notFound.get("reason"));
        assertNull(notFound.get("route"));
        assertEquals(404L, notFound.get("status"));
        assertEquals("credentials_invalid", invalid.get("reason"));
        assertEquals("/api/b?access_token=\u2026", invalid.get("path"), "query values are masked as in the log");
        assertEquals("bearer", invalid.get("scheme"));
        assertEquals("credentials_missing", missing.get("reason"));
        assertEquals("api", missing.get("route"));
        assertEquals(401L, missing.get("status"));
        assertEquals("GET", missing.get("method"));
        assertEquals(dev.authgate.http.Reason.CREDENTIALS_MISSING.fix(), missing.get("fix"));
        assertEquals(dev.authgate.http.Reason.CREDENTIALS_MISSING.meaning(), missing.get("meaning"));
        assertTrue(((String) missing.get("client")).startsWith("127.0.0.1:"));
        assertEquals(List.of(), missing.get("credential_headers"));
        assertNull(missing.get("delivery_id"));
        assertEquals(true, missing.get("captured"), "the api route captures its rejections");
        assertEquals(false, notFound.get("captured"), "a request that matched no route is not captured");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sent = (List<Map<String, Object>>) invalid.get("credential_headers");
        assertEquals(1, sent.size());
        assertEquals("Authorization", sent.get(0).get("name"));
        assertEquals("Bearer", sent.get(0).get("scheme"));
        assertEquals((long) WRONG.length(), sent.get(0).get("length"));
        assertEquals(dev.authgate.config.Secret.fingerprint(WRONG), sent.get(0).get("fingerprint"));
        assertEquals(false, sent.get(0).get("ends_with_newline"));
        // the request id is the one the sender got, so a sender's complaint can be found
        String logged = gw.accessLog().entries().stream().filter(e -> "/api/a".equals(e.path()))
                .findFirst().orElseThrow().requestId();
        assertEquals(logged, missing.get("request_id"));
        assertTrue(Instant.parse((String) missing.get("time")).isBefore(Instant.parse((String) notFound.get("time")))
                || missing.get("time").equals(notFound.get("time")));
    }

    @Test
    void eachEntryCarriesTheTraceIdOfItsAccessLogLineAContinuedOneIncluded() throws IOException {
        start("");
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        assertEquals(401, send("/api/traced", "traceparent: 00-" + traceId + "-00f067aa0ba902b7-01"));
        assertEquals(401, send("/api/fresh"));

        List<Map<String, Object>> all = rejections("");
        assertEquals(traceId, all.get(1).get("trace_id"), "an incoming traceparent is continued");
        String fresh = (String) all.get(0).get("trace_id");
        assertTrue(fresh.matches("[0-9a-f]{32}") && !fresh.equals(traceId), fresh);
        String logged = gw.accessLog().entries().stream().filter(e -> "/api/fresh".equals(e.path()))
                .findFirst().orElseThrow().traceId();
        assertEquals(logged, fresh, "the same trace id as the access-log line");
    }

    @Test
    void filtersNarrowTheListAndBadFiltersAreRefusedByName() throws IOException {
        start("");
        assertEquals(401, send("/api/a"));
        assertEquals(401, send("/api/b", "Authorization: Bearer " + WRONG));
        assertEquals(404, send("/nowhere"));

        assertEquals(2, rejections("?route=api").size());
        assertEquals(1, rejections("?route=-").size());
        assertEquals(List.of("credentials_invalid"),
                rejections("?reason=credentials_invalid").stream().map(m -> m.get("reason")).toList());
        assertEquals(1, rejections("?status=404").size());
        assertEquals(3, rejections("?since=1h").size());
        assertEquals(0, rejections("?until=2000-01-01T00:00:00Z").size());
        assertEquals(0, rejections("?since=2999-01-01T00:00:00Z").size());
        Map<String, Object> limited = json("/rejections.json?limit=1&route=api");
        assertEquals(1, list(limited, "rejections").size());
        assertEquals(2L, limited.get("matched"));
        assertEquals(3, rejections("?route=&reason=").size(), "an empty filter is no filter");

        for (String bad : List.of("?status=abc", "?limit=0", "?since=yesterday", "?sort=time")) {
            HttpResponse<String> r = gw.admin("/rejections.json" + bad);
            assertEquals(400, r.statusCode(), bad);
            String name = bad.substring(1, bad.indexOf('='));
            assertTrue(r.body().contains(name) || r.body().contains("unknown parameter"), bad + ": " + r.body());
        }
    }

    @Test
    void groupsCountRouteByReasonWithTheShareOfTheRoutesTraffic() throws IOException {
        start("");
        for (int i = 0; i < 3; i++) assertEquals(401, send("/api/x", "Authorization: Bearer " + WRONG));
        assertEquals(401, send("/api/x"));
        for (int i = 0; i < 4; i++) assertEquals(200, send("/api/x", "Authorization: Bearer " + TOKEN));

        Map<String, Object> g = json("/rejections/groups.json");
        List<Map<String, Object>> groups = list(g, "groups");
        assertEquals(2, groups.size(), groups.toString());
        Map<String, Object> invalid = groups.get(0);
        assertEquals("api", invalid.get("route"));
        assertEquals("credentials_invalid", invalid.get("reason"));
        assertEquals(3L, invalid.get("count"));
        assertEquals(3L, invalid.get("total"));
        assertEquals(8L, invalid.get("route_requests"));
        assertEquals(3.0 / 8, (Double) invalid.get("share"), 1e-9);
        assertEquals(dev.authgate.http.Reason.CREDENTIALS_INVALID.fix(), invalid.get("fix"));
        assertTrue(Instant.parse((String) invalid.get("first_seen"))
                .compareTo(Instant.parse((String) invalid.get("last_seen"))) <= 0);
        @SuppressWarnings("unchecked")
        List<Long> spark = (List<Long>) invalid.get("last_hour");
        assertEquals(60, spark.size());
        assertEquals(3L, spark.stream().mapToLong(Long::longValue).sum());
        assertEquals(Map.of("credentials_invalid", 3L, "credentials_missing", 1L), g.get("last_hour_by_reason"));

        List<Map<String, Object>> filtered = list(json("/rejections/groups.json?reason=credentials_missing"), "groups");
        assertEquals(1, filtered.size());
        assertEquals(1L, filtered.get(0).get("count"));
    }

    @Test
    void theRingIsBoundedInCountAndInTheLengthOfEachField() throws IOException {
        start(", recent_rejections: 3");
        String longPath = "/api/" + "a".repeat(3000);
        assertEquals(401, send(longPath));
        for (int i = 1; i <= 4; i++) assertEquals(401, send("/api/n" + i));

        Map<String, Object> json = json("/rejections.json");
        assertEquals(3L, json.get("capacity"));
        assertEquals(List.of("/api/n4", "/api/n3", "/api/n2"),
                list(json, "rejections").stream().map(m -> m.get("path")).toList());
        // the dropped ones still count in the group's total
        Map<String, Object> group = list(json("/rejections/groups.json"), "groups").get(0);
        assertEquals(3L, group.get("count"));
        assertEquals(5L, group.get("total"));

        ex.close();
        ex = null;
        start(", recent_rejections: 10");
        assertEquals(401, send(longPath));
        String path = (String) rejections("").get(0).get("path");
        assertEquals(dev.authgate.observe.RecentRejections.MAX_FIELD_CHARS, path.length());
        assertTrue(path.startsWith("/api/aaa") && path.endsWith("\u2026"), path);
    }

    @Test
    void zeroKeepsNothingAndThePageAndItsAssetsAreServedUnderAStrictPolicy() throws IOException {
        start(", recent_rejections: 0");
        assertEquals(401, send("/api/a"));
        assertEquals(0, rejections("").size());
        assertEquals(0, list(json("/rejections/groups.json"), "groups").size(), "no entry kept, so no group");

        HttpResponse<String> page = gw.admin("/rejections");
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElseThrow());
        String csp = page.headers().firstValue("content-security-policy").orElseThrow();
        assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), csp);
        assertFalse(page.body().contains("http://") || page.body().contains("https://"), "no external asset");
        assertTrue(page.body().contains("<script src=\"/rejections.js\"></script>"));
        assertEquals(200, gw.admin("/rejections.js").statusCode());
        assertEquals(200, gw.admin("/rejections.css").statusCode());
        assertEquals(404, gw.admin("/rejections.html").statusCode());
        assertEquals(200, gw.admin("/healthz").statusCode(), "the admin listener's other paths are unchanged");
    }

    @Test
    void withATokenEveryDataPathNeedsItAndOnlyInTheAuthorizationHeader() throws Exception {
        Files.writeString(dir.resolve("admin-token"), ADMIN_TOKEN + "\n");
        start(", token: '${file:admin-token}'");
        assertEquals(401, send("/api/a"));
        for (String path : List.of("/metrics", "/rejections.json", "/rejections/groups.json",
                "/rejections/status.json", "/nowhere",
                "/rejections/some-id/capture", "/rejections/some-id/verify",
                "/rejections.json?token=" + ADMIN_TOKEN, "/rejections.json?access_token=" + ADMIN_TOKEN)) {
            HttpResponse<String> r = adminGet(path, null);
            assertEquals(401, r.statusCode(), path);
            assertEquals("Bearer realm=\"authgate-admin\"", r.headers().firstValue("www-authenticate").orElse(null));
            assertEquals(401, adminGet(path, "Bearer " + WRONG).statusCode(), path);
            assertEquals(401, adminGet(path, "Basic " + ADMIN_TOKEN).statusCode(), path);
        }
        HttpResponse<String> ok = adminGet("/rejections.json", "Bearer " + ADMIN_TOKEN);
        assertEquals(200, ok.statusCode());
        assertEquals(1, list(Json.object(ok.body()), "rejections").size());
        assertFalse(ok.body().contains(ADMIN_TOKEN));
        assertEquals(200, adminGet("/metrics", "bearer " + ADMIN_TOKEN).statusCode(), "the scheme is case-insensitive");
        for (String open : List.of("/healthz", "/readyz", "/rejections", "/rejections.js", "/rejections.css")) {
            assertEquals(200, adminGet(open, null).statusCode(), open + " holds no data");
        }
        assertTrue(gw.accessLog().lines().stream().noneMatch(l -> l.contains(ADMIN_TOKEN)));
    }

    private HttpResponse<String> adminGet(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.adminPort() + path))
                .timeout(Duration.ofSeconds(15));
        if (authorization != null) b.header("Authorization", authorization);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
