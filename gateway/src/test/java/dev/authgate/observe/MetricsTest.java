package dev.authgate.observe;

import dev.authgate.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {
    private static final long MS = 1_000_000L;

    @Test
    void countsRequestsByRouteStatusAndSource() {
        Metrics m = new Metrics();
        m.requestCompleted("github", 200, MetricsNames.SOURCE_UPSTREAM, 3 * MS);
        m.requestCompleted("github", 200, MetricsNames.SOURCE_UPSTREAM, 4 * MS);
        m.requestCompleted("github", 401, MetricsNames.SOURCE_GATEWAY, 1 * MS);
        m.requestCompleted(null, 404, MetricsNames.SOURCE_GATEWAY, 1 * MS);
        m.requestCompleted("odd", 999, MetricsNames.SOURCE_UPSTREAM, 1 * MS);   // outside the cached range

        MetricsExposition e = MetricsExposition.parse(m.scrape());
        assertEquals("counter", e.type("authgate_requests_total"));
        assertEquals(2.0, e.value("authgate_requests_total", "route", "github", "status", "200", "source", "upstream"));
        assertEquals(1.0, e.value("authgate_requests_total", "route", "github", "status", "401", "source", "gateway"));
        assertEquals(1.0, e.value("authgate_requests_total", "route", "-", "status", "404", "source", "gateway"));
        assertEquals(1.0, e.value("authgate_requests_total", "route", "odd", "status", "999", "source", "upstream"));
        assertNull(e.valueOrNull("authgate_requests_total", "route", "github", "status", "401", "source", "upstream"));
        assertEquals(4, e.samples("authgate_requests_total").size());
    }

    @Test
    void observesRequestDurationInSecondsWithProxyBuckets() {
        Metrics m = new Metrics();
        m.requestCompleted("github", 200, MetricsNames.SOURCE_UPSTREAM, 3 * MS);
        m.requestCompleted("github", 200, MetricsNames.SOURCE_UPSTREAM, 40_000 * MS);   // 40 s: beyond the last bound

        MetricsExposition e = MetricsExposition.parse(m.scrape());
        String h = "authgate_request_duration_seconds";
        assertEquals("histogram", e.type(h));
        assertEquals(0.0, e.value(h + "_bucket", "route", "github", "le", "0.0025"));
        assertEquals(1.0, e.value(h + "_bucket", "route", "github", "le", "0.005"));
        assertEquals(1.0, e.value(h + "_bucket", "route", "github", "le", "30.0"));
        assertEquals(2.0, e.value(h + "_bucket", "route", "github", "le", "+Inf"));
        assertEquals(0.0, e.value(h + "_bucket", "route", "github", "le", "0.001"));
        assertEquals(2.0, e.value(h + "_count", "route", "github"));
        assertEquals(40.003, e.value(h + "_sum", "route", "github"), 1e-9);
        assertEquals(Metrics.DURATION_BUCKETS.length + 1, e.samples(h + "_bucket").size());
    }

    @Test
    void observesUpstreamDurationByRoute() {
        Metrics m = new Metrics();
        m.upstreamDuration("orders", 120 * MS);

        MetricsExposition e = MetricsExposition.parse(m.scrape());
        String h = "authgate_upstream_duration_seconds";
        assertEquals(0.0, e.value(h + "_bucket", "route", "orders", "le", "0.1"));
        assertEquals(1.0, e.value(h + "_bucket", "route", "orders", "le", "0.25"));
        assertEquals(0.12, e.value(h + "_sum", "route", "orders"), 1e-9);
    }

    @Test
    void countsAuthRejectionsByRouteSchemeAndReason() {
        Metrics m = new Metrics();
        m.authRejected("github", "hmac", "signature_mismatch");
        m.authRejected("github", "hmac", "signature_mismatch");
        m.authRejected("ci", "bearer", "credentials_missing");

        MetricsExposition e = MetricsExposition.parse(m.scrape());
        assertEquals(2.0, e.value("authgate_auth_rejections_total",
                "route", "github", "scheme", "hmac", "reason", "signature_mismatch"));
        assertEquals(1.0, e.value("authgate_auth_rejections_total",
                "route", "ci", "scheme", "bearer", "reason", "credentials_missing"));
    }

    @Test
    void countsUpstreamFailuresByUpstreamAndKind() {
        Metrics m = new Metrics();
        m.upstreamFailure("orders", MetricsNames.UPSTREAM_CONNECT);
        m.upstreamFailure("orders", MetricsNames.UPSTREAM_TIMEOUT);
        m.upstreamFailure("orders", MetricsNames.UPSTREAM_TIMEOUT);
        m.upstreamFailure("billing", MetricsNames.UPSTREAM_RESET);

        MetricsExposition e = MetricsExposition.parse(m.scrape());
        String c = "authgate_upstream_failures_total";
        assertEquals(1.0, e.value(c, "upstream", "orders", "kind", "connect"));
        assertEquals(2.0, e.value(c, "upstream", "orders", "kind", "timeout"));
        assertEquals(1.0, e.value(c, "upstream", "billing", "kind", "reset"));
    }

    @Test
    void tlsHandshakeFailureCausesStartAtZero() {
        Metrics m = new Metrics();
        m.tlsHandshakeFailed(MetricsNames.TLS_NO_SHARED_CIPHER);

        MetricsExposition e = MetricsExposition.parse(m.scrape());
        String c = "authgate_tls_handshake_failures_total";
        assertEquals(0.0, e.value(c, "cause", "protocol_version"));
        assertEquals(1.0, e.value(c, "cause", "no_shared_cipher"));
        assertEquals(0.0, e.value(c, "cause", "other"));
    }

    @Test
    void connectionsOpenGoesUpAndDown() {
        Metrics m = new Metrics();
        m.connectionOpened();
        m.connectionOpened();
        m.connectionOpened();
        m.connectionClosed();

        MetricsExposition e = MetricsExposition.parse(m.scrape());
        assertEquals("gauge", e.type("authgate_connections_open"));
        assertEquals(2.0, e.value("authgate_connections_open"));
    }

    @Test
    void reloadsCountByResultAndOnlySuccessMovesTheTimestamp() {
        Metrics m = new Metrics();
        MetricsExposition before = MetricsExposition.parse(m.scrape());
        assertEquals(0.0, before.value("authgate_config_reloads_total", "result", "success"));
        assertEquals(0.0, before.value("authgate_config_reloads_total", "result", "failure"));
        assertEquals(0.0, before.value("authgate_config_last_reload_success_timestamp_seconds"));

        m.configLoaded(Instant.parse("2026-01-01T00:00:00Z"));
        m.configReloaded(true, Instant.parse("2026-01-02T00:00:00.500Z"));
        m.configReloaded(false, Instant.parse("2026-01-03T00:00:00Z"));
        m.configReloaded(false, Instant.parse("2026-01-04T00:00:00Z"));

        MetricsExposition e = MetricsExposition.parse(m.scrape());
        assertEquals(1.0, e.value("authgate_config_reloads_total", "result", "success"));
        assertEquals(2.0, e.value("authgate_config_reloads_total", "result", "failure"));
        assertEquals(Instant.parse("2026-01-02T00:00:00.500Z").toEpochMilli() / 1000.0,
                e.value("authgate_config_last_reload_success_timestamp_seconds"));
    }

    @Test
    void theStatusKeepsTheLastLoadOrReloadWithTheFirstLineOfARefusal() {
        Metrics m = new Metrics();
        assertNull(m.status().lastReload());
        m.configLoaded(Instant.parse("2026-01-01T00:00:00Z"));
        assertEquals(new StatusMetrics.Reload(Instant.parse("2026-01-01T00:00:00Z"), true, true, null),
                m.status().lastReload());
        m.configReloaded(false, Instant.parse("2026-01-02T00:00:00Z"), "\n  gateway.yaml:3: routes[0].auth: no\n  more");
        assertEquals(new StatusMetrics.Reload(Instant.parse("2026-01-02T00:00:00Z"), false, false,
                "gateway.yaml:3: routes[0].auth: no"), m.status().lastReload());
        m.configReloaded(false, Instant.parse("2026-01-03T00:00:00Z"));
        assertEquals("(no message)", m.status().lastReload().error());
        m.configReloaded(true, Instant.parse("2026-01-04T00:00:00Z"), "ignored when ok");
        assertEquals(new StatusMetrics.Reload(Instant.parse("2026-01-04T00:00:00Z"), true, false, null),
                m.status().lastReload());
    }

    @Test
    void certificateExpiryCountsDownAsTimePasses() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        Metrics m = new Metrics(clock);
        Instant notAfter = Instant.parse("2026-03-31T00:00:00Z");
        m.certificateExpiry("main", () -> notAfter);

        double first = MetricsExposition.parse(m.scrape()).value("authgate_certificate_expiry_seconds",
                "listener", "main");
        assertEquals(Duration.ofDays(30).toSeconds(), first);

        clock.advance(Duration.ofHours(1));
        double later = MetricsExposition.parse(m.scrape()).value("authgate_certificate_expiry_seconds",
                "listener", "main");
        assertEquals(first - 3600, later);

        clock.advance(Duration.ofDays(31));
        assertTrue(MetricsExposition.parse(m.scrape())
                .value("authgate_certificate_expiry_seconds", "listener", "main") < 0, "expired: negative");
    }

    @Test
    void certificateExpiryFollowsTheSupplierAndCanBeRemoved() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        Metrics m = new Metrics(clock);
        AtomicReference<Instant> current = new AtomicReference<>(Instant.parse("2026-03-02T00:00:00Z"));
        m.certificateExpiry("main", current::get);
        current.set(Instant.parse("2026-04-01T00:00:00Z"));   // a certificate reload

        assertEquals(Duration.ofDays(31).toSeconds(), MetricsExposition.parse(m.scrape())
                .value("authgate_certificate_expiry_seconds", "listener", "main"));

        m.certificateExpiry("main", null);
        assertTrue(MetricsExposition.parse(m.scrape()).samples("authgate_certificate_expiry_seconds").isEmpty());
    }

    @Test
    void aFailingCallbackDropsOnlyItsOwnSeries() {
        Metrics m = new Metrics();
        m.certificateExpiry("broken", () -> {
            throw new IllegalStateException("no certificate loaded");
        });
        m.certificateExpiry("nothing", () -> null);
        m.replayStoreSize(() -> {
            throw new IllegalStateException("redis down");
        });
        m.authThrottled();

        MetricsExposition e = MetricsExposition.parse(m.scrape());
        assertTrue(e.samples("authgate_certificate_expiry_seconds").isEmpty());
        assertTrue(e.samples("authgate_replay_store_entries").isEmpty());
        assertEquals(1.0, e.value("authgate_auth_throttled_total"));
    }

    @Test
    void replayStoreEntriesReadTheSupplierAtEachScrape() {
        Metrics m = new Metrics();
        assertTrue(MetricsExposition.parse(m.scrape()).samples("authgate_replay_store_entries").isEmpty(),
                "no sample before a store that can count registers");
        AtomicLong size = new AtomicLong(3);
        m.replayStoreSize(() -> OptionalLong.of(size.get()));
        assertEquals(3.0, MetricsExposition.parse(m.scrape()).value("authgate_replay_store_entries"));
        size.set(7);
        assertEquals(7.0, MetricsExposition.parse(m.scrape()).value("authgate_replay_store_entries"));
    }

    @Test
    void replayStoreEntriesHaveNoSampleForAStoreThatCannotCountThem() {
        Metrics m = new Metrics();
        m.replayStoreSize(OptionalLong::empty);
        assertTrue(MetricsExposition.parse(m.scrape()).samples("authgate_replay_store_entries").isEmpty());
    }

    @Test
    void countsReplayOperationsByOpAndResult() {
        Metrics m = new Metrics();
        m.replayOperation("claim", "claimed");
        m.replayOperation("claim", "claimed");
        m.replayOperation("release", "error");
        MetricsExposition e = MetricsExposition.parse(m.scrape());
        assertEquals(2.0, e.value("authgate_replay_operations_total", "op", "claim", "result", "claimed"));
        assertEquals(1.0, e.value("authgate_replay_operations_total", "op", "release", "result", "error"));
    }

    @Test
    void countsThrottledRequests() {
        Metrics m = new Metrics();
        assertEquals(0.0, MetricsExposition.parse(m.scrape()).value("authgate_auth_throttled_total"));
        m.authThrottled();
        m.authThrottled();
        assertEquals(2.0, MetricsExposition.parse(m.scrape()).value("authgate_auth_throttled_total"));
    }

    @Test
    void everyProductMetricIsExposedWithItsType() {
        Metrics m = new Metrics();
        m.requestCompleted("r", 200, MetricsNames.SOURCE_UPSTREAM, MS);
        m.upstreamDuration("r", MS);
        m.authRejected("r", "bearer", "credentials_invalid");
        m.upstreamFailure("u", MetricsNames.UPSTREAM_CONNECT);
        m.certificateExpiry("main", () -> Instant.now().plusSeconds(60));
        m.replayStoreSize(() -> OptionalLong.of(1));
        m.replayOperation("claim", "claimed");
        MetricsExposition e = MetricsExposition.parse(m.scrape());

        assertEquals("counter", e.type("authgate_requests_total"));
        assertEquals("counter", e.type("authgate_auth_rejections_total"));
        assertEquals("histogram", e.type("authgate_request_duration_seconds"));
        assertEquals("histogram", e.type("authgate_upstream_duration_seconds"));
        assertEquals("counter", e.type("authgate_upstream_failures_total"));
        assertEquals("counter", e.type("authgate_tls_handshake_failures_total"));
        assertEquals("gauge", e.type("authgate_connections_open"));
        assertEquals("counter", e.type("authgate_config_reloads_total"));
        assertEquals("gauge", e.type("authgate_config_last_reload_success_timestamp_seconds"));
        assertEquals("gauge", e.type("authgate_certificate_expiry_seconds"));
        assertEquals("gauge", e.type("authgate_replay_store_entries"));
        assertEquals("counter", e.type("authgate_replay_operations_total"));
        assertEquals("counter", e.type("authgate_auth_throttled_total"));
        assertEquals("text/plain; version=0.0.4; charset=utf-8", Metrics.CONTENT_TYPE);
    }

    @Test
    void eachInstanceHasItsOwnRegistry() {
        Metrics a = new Metrics();
        Metrics b = new Metrics();
        a.authThrottled();
        assertEquals(1.0, MetricsExposition.parse(a.scrape()).value("authgate_auth_throttled_total"));
        assertEquals(0.0, MetricsExposition.parse(b.scrape()).value("authgate_auth_throttled_total"));
    }

    @Test
    void concurrentRecordingLosesNoCounts() throws InterruptedException {
        Metrics m = new Metrics();
        int threads = 4;
        int perThread = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    // half share one route/status, half spread over routes so the handle caches race on creation
                    String route = (i % 2 == 0) ? "shared" : "r" + (i % 16);
                    m.requestCompleted(route, 200 + (i % 3), MetricsNames.SOURCE_UPSTREAM, MS);
                    m.connectionOpened();
                    m.connectionClosed();
                }
            });
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.MINUTES.toMillis(2));
        }
        MetricsExposition e = MetricsExposition.parse(m.scrape());
        double total = e.samples("authgate_requests_total").stream().mapToDouble(MetricsExposition.Sample::value).sum();
        assertEquals(threads * perThread, total);
        double histogramCount = e.samples("authgate_request_duration_seconds_count").stream()
                .mapToDouble(MetricsExposition.Sample::value).sum();
        assertEquals(threads * perThread, histogramCount);
        assertEquals(0.0, e.value("authgate_connections_open"));
    }
}
