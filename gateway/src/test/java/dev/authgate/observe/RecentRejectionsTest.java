package dev.authgate.observe;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecentRejectionsTest {
    private static AccessLogEntry entry(String path, int status, ResponseSource source, String reason) {
        return AccessLogEntry.builder().request(Instant.EPOCH, "id-" + path, "127.0.0.1:1", null)
                .target("GET", path).route("api").answer(status, source, reason, null).build();
    }

    private static AccessLogEntry rejection(String path) {
        return entry(path, 401, ResponseSource.GATEWAY, "credentials_missing");
    }

    private static List<String> paths(RecentRejections r) {
        return r.newestFirst().stream().map(x -> x.entry().path()).toList();
    }

    @Test
    void keepsOnlyTheGatewaysOwnRejections() {
        RecentRejections r = new RecentRejections(10);
        r.record(entry("/ok", 200, ResponseSource.UPSTREAM, null));
        r.record(entry("/upstream-401", 401, ResponseSource.UPSTREAM, null));
        r.record(entry("/respond", 200, ResponseSource.GATEWAY, null));
        r.record(entry("/left", 499, ResponseSource.GATEWAY, null));
        r.record(rejection("/no"));
        r.record(entry("/down", 502, ResponseSource.GATEWAY, "upstream_unavailable"));
        assertEquals(List.of("/down", "/no"), paths(r));
    }

    @Test
    void wrapsKeepingTheNewestAndCountsEveryRejectionInTotals() {
        RecentRejections r = new RecentRejections(3);
        for (int i = 1; i <= 7; i++) r.record(rejection("/" + i));
        assertEquals(List.of("/7", "/6", "/5"), paths(r));
        assertEquals(7, r.total("api", "credentials_missing"));
        assertEquals(0, r.total("api", "signature_mismatch"));
    }

    @Test
    void capacityChangesKeepTheNewestThatFit() {
        RecentRejections r = new RecentRejections(5);
        for (int i = 1; i <= 5; i++) r.record(rejection("/" + i));
        r.capacity(2);
        assertEquals(List.of("/5", "/4"), paths(r));
        r.record(rejection("/6"));
        assertEquals(List.of("/6", "/5"), paths(r));
        r.capacity(4);
        r.record(rejection("/7"));
        assertEquals(List.of("/7", "/6", "/5"), paths(r));
        r.capacity(0);
        r.record(rejection("/8"));
        assertEquals(List.of(), paths(r));
        assertEquals(8, r.total("api", "credentials_missing"));
        assertThrows(IllegalArgumentException.class, () -> r.capacity(-1));
        assertThrows(IllegalArgumentException.class, () -> r.capacity(RecentRejections.MAX_CAPACITY + 1));
    }

    @Test
    void longFieldsAreCutAndShortEntriesKeptAsTheyAre() {
        AccessLogEntry small = rejection("/short");
        assertSame(small, RecentRejections.bounded(small));
        String emoji = "\uD83D\uDE00";
        AccessLogEntry big = rejection("/" + "x".repeat(RecentRejections.MAX_FIELD_CHARS - 3) + emoji + "tail");
        String cut = RecentRejections.bounded(big).path();
        assertEquals(RecentRejections.MAX_FIELD_CHARS - 1, cut.length(), "the surrogate pair is not split");
        assertTrue(cut.endsWith("x" + AccessLogEntry.MASK), cut);
    }

    @Test
    void concurrentWritersNeverLoseTheRingsShape() throws InterruptedException {
        RecentRejections r = new RecentRejections(64);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 10_000; i++) r.record(rejection("/" + id + "/" + i));
            });
            threads.add(th);
            th.start();
        }
        go.countDown();
        for (Thread th : threads) th.join();
        assertEquals(64, r.newestFirst().size());
        assertEquals(40_000, r.total("api", "credentials_missing"));
    }

    @Test
    void headersAreSummarizedWithoutTheirValues() {
        RecentRejections r = new RecentRejections(4);
        String token = "summary-token-91ab7c";
        r.record(rejection("/h"), List.of(
                Map.entry("Authorization", "Bearer " + token),
                Map.entry("X-API-Key", "key-with-newline\\n"),
                Map.entry("X-Hub-Signature-256", "sha256=" + "ab".repeat(32)),
                Map.entry("Cookie", "session=guessable"),
                Map.entry("Proxy-Authorization", "Basic dXNlcjpwYXNz"),
                Map.entry("webhook-id", "msg_2Lx"),
                Map.entry("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
                Map.entry("Content-Type", "application/json")));
        RejectionHeaders.Summary s = r.newestFirst().get(0).headers();
        assertEquals("72d3162e-cc78-11e3-81ab-4c9367dc0958", s.deliveryId(), "GitHub's id is preferred");
        List<RejectionHeaders.CredentialHeader> c = s.credentials();
        assertEquals(List.of("Authorization", "X-API-Key", "X-Hub-Signature-256", "Cookie", "Proxy-Authorization"),
                c.stream().map(RejectionHeaders.CredentialHeader::name).toList());
        assertEquals(new RejectionHeaders.CredentialHeader("Authorization", "Bearer", token.length(),
                RejectionHeaders.fingerprint(token), false), c.get(0));
        assertTrue(c.get(1).endsWithNewline());
        assertEquals(null, c.get(1).scheme());
        assertEquals(71, c.get(2).length());
        assertEquals(null, c.get(3).fingerprint(), "no fingerprint of a cookie");
        assertEquals(null, c.get(4).fingerprint(), "nor of a Basic credential");
        assertEquals("Basic", c.get(4).scheme());
        assertTrue(!s.toString().contains(token) && !s.toString().contains("guessable"), s.toString());

        r.record(rejection("/none"), List.of(Map.entry("Host", "x")));
        assertEquals(new RejectionHeaders.Summary(null, List.of()), r.newestFirst().get(0).headers());
    }
}
