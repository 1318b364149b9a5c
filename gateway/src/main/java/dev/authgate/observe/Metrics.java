package dev.authgate.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus metrics (docs/operations.md, "Metrics"), recorded through methods named for events and
 * exposed by {@link #scrape()} in the Prometheus text format (written by the client library, never by hand).
 *
 * <p>Each instance owns its own {@link PrometheusRegistry} (not the library's global default), so a test or a second
 * gateway in the same JVM starts from zero. Create one per process and keep it across config reloads: counters must
 * not reset when the config changes.
 *
 * <p>Label values are bounded by the config and by enums: route and upstream names come from the config file, reason
 * codes and schemes from fixed lists, status is a number. A {@code null} route (no route matched) is recorded as
 * {@link MetricsNames#NO_ROUTE}. Every method is thread-safe and cheap enough for the event loop;
 * {@link #requestCompleted} caches its data points per route, status and source.
 * <p>Callback gauges ({@code authgate_certificate_expiry_seconds}, {@code authgate_replay_store_entries}) call their
 * suppliers at scrape time, on the scraping thread; a supplier that throws or returns null is skipped for that scrape.
 */
public final class Metrics {
    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    /** Content type of {@link #scrape()}: {@code text/plain; version=0.0.4; charset=utf-8}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    /** Upper bounds (seconds) of the duration histograms: 1 ms to 30 s, a proxy's range. */
    static final double[] DURATION_BUCKETS = {
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    final PrometheusRegistry registry = new PrometheusRegistry(); // package-private: StateStoreMetrics.of registers in it
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private final Counter requests;
    private final Counter authRejections;
    private final Histogram requestDuration;
    private final Histogram upstreamDuration;
    private final Counter upstreamFailures;
    private final Counter tlsHandshakeFailures;
    private final Gauge connectionsOpen;
    private final Counter configReloads;
    private final Gauge lastReloadSuccess;
    private final Counter authThrottled;
    private final Counter replayOperations;
    private final KeyMetrics keys;
    private final StatusMetrics status;

    private final Map<String, RouteHandles> routes = new ConcurrentHashMap<>();
    private volatile Supplier<OptionalLong> replayEntries = OptionalLong::empty;
    private final RecentRejections recentRejections = new RecentRejections();

    /** Metrics on the system clock (UTC). */
    public Metrics() {
        this(Clock.systemUTC());
    }

    /**
     * @param clock the time {@code authgate_certificate_expiry_seconds} is computed against (tests pass a fixed or
     *              advancing clock)
     */
    public Metrics(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        requests = Counter.builder()
                .name(MetricsNames.REQUESTS)
                .help("Requests answered, by route, status and who answered (gateway or upstream)")
                .labelNames("route", "status", "source")
                .withoutExemplars()
                .register(registry);
        authRejections = Counter.builder()
                .name(MetricsNames.AUTH_REJECTIONS)
                .help("Requests rejected by authentication, by route, scheme and reason code")
                .labelNames("route", "scheme", "reason")
                .withoutExemplars()
                .register(registry);
        requestDuration = durationHistogram(MetricsNames.REQUEST_DURATION,
                "Time from the first byte of a request to the last byte of its response, by route");
        upstreamDuration = durationHistogram(MetricsNames.UPSTREAM_DURATION,
                "Time from forwarding a request upstream to the end of the upstream's response, by route");
        upstreamFailures = Counter.builder()
                .name(MetricsNames.UPSTREAM_FAILURES)
                .help("Failed upstream exchanges, by upstream and kind (connect, reset, timeout)")
                .labelNames("upstream", "kind")
                .withoutExemplars()
                .register(registry);
        tlsHandshakeFailures = Counter.builder()
                .name(MetricsNames.TLS_HANDSHAKE_FAILURES)
                .help("Failed client TLS handshakes, by cause (protocol_version, no_shared_cipher, other)")
                .labelNames("cause")
                .withoutExemplars()
                .register(registry);
        for (String cause : MetricsNames.TLS_CAUSES) {
            tlsHandshakeFailures.initLabelValues(cause);
        }
        connectionsOpen = Gauge.builder()
                .name(MetricsNames.CONNECTIONS_OPEN)
                .help("Client connections currently open")
                .withoutExemplars()
                .register(registry);
        configReloads = Counter.builder()
                .name(MetricsNames.CONFIG_RELOADS)
                .help("Config reload attempts, by result (success, failure)")
                .labelNames("result")
                .withoutExemplars()
                .register(registry);
        configReloads.initLabelValues(MetricsNames.RELOAD_SUCCESS);
        configReloads.initLabelValues(MetricsNames.RELOAD_FAILURE);
        lastReloadSuccess = Gauge.builder()
                .name(MetricsNames.CONFIG_LAST_RELOAD_SUCCESS)
                .help("Unix time of the last config load or reload that succeeded (0: none yet)")
                .withoutExemplars()
                .register(registry);
        status = new StatusMetrics(registry, clock);
        GaugeWithCallback.builder()
                .name(MetricsNames.REPLAY_STORE_ENTRIES)
                .help("Entries (claimed or committed deliveries) held by the replay store")
                .callback(cb -> {
                    OptionalLong n = call(replayEntries, "the replay store's size");
                    if (n != null && n.isPresent()) cb.call((double) n.getAsLong());
                })
                .register(registry);
        authThrottled = Counter.builder()
                .name(MetricsNames.AUTH_THROTTLED)
                .help("Requests refused with 429 too_many_failures without running auth")
                .withoutExemplars()
                .register(registry);
        replayOperations = Counter.builder()
                .name(MetricsNames.REPLAY_OPERATIONS)
                .help("Replay store operations by op (claim, commit, release) and result (claimed, duplicate, "
                        + "in_flight, ok, error)")
                .labelNames("op", "result")
                .withoutExemplars()
                .register(registry);
        keys = new KeyMetrics(registry, clock);
    }

    /** JWKS and credential-expiry metrics. */
    public KeyMetrics keys() {
        return keys;
    }

    /** Certificate expiry and the last reload's outcome, as the explorer's status strip reads them. */
    public StatusMetrics status() {
        return status;
    }

    private Histogram durationHistogram(String name, String help) {
        return Histogram.builder()
                .name(name)
                .help(help)
                .labelNames("route")
                .classicOnly()
                .classicUpperBounds(DURATION_BUCKETS)
                .withoutExemplars()
                .register(registry);
    }

    /**
     * A response was sent to a client: counts {@code authgate_requests_total} and observes
     * {@code authgate_request_duration_seconds}.
     *
     * @param route          the matched route's name; null when none matched
     * @param status         the HTTP status sent to the client
     * @param source         {@link MetricsNames#SOURCE_GATEWAY} or {@link MetricsNames#SOURCE_UPSTREAM}
     * @param durationNanos  first byte of the request to the last byte of the response
     */
    public void requestCompleted(String route, int status, String source, long durationNanos) {
        RouteHandles h = route(route);
        h.requests(status, source).inc();
        h.requestDuration.observe(seconds(durationNanos));
    }

    /**
     * Authentication rejected a request ({@code authgate_auth_rejections_total}).
     *
     * @param route  the route's name (null: none)
     * @param scheme the scheme that rejected (bearer, api_key, basic, hmac), or {@code any} for an {@code any:} route
     *               whose credential was missing
     * @param reason the reason code, e.g. {@code signature_mismatch} ({@code Reason.code()})
     */
    public void authRejected(String route, String scheme, String reason) {
        authRejections.labelValues(routeLabel(route), scheme, reason).inc();
    }

    /** The upstream answered (or failed) after {@code nanos}: observes {@code authgate_upstream_duration_seconds}. */
    public void upstreamDuration(String route, long nanos) {
        route(route).upstreamDuration.observe(seconds(nanos));
    }

    /**
     * An upstream exchange failed ({@code authgate_upstream_failures_total}).
     *
     * @param upstream the upstream's name from the config
     * @param kind     {@link MetricsNames#UPSTREAM_CONNECT}, {@link MetricsNames#UPSTREAM_RESET} or
     *                 {@link MetricsNames#UPSTREAM_TIMEOUT}
     */
    public void upstreamFailure(String upstream, String kind) {
        upstreamFailures.labelValues(upstream, kind).inc();
    }

    /**
     * A client's TLS handshake failed ({@code authgate_tls_handshake_failures_total}); {@code cause} is usually
     * {@link TlsFailureCause#classify(Throwable)} of the handshake's failure.
     */
    public void tlsHandshakeFailed(String cause) {
        tlsHandshakeFailures.labelValues(cause).inc();
    }

    /** A client connection was accepted ({@code authgate_connections_open} + 1). */
    public void connectionOpened() {
        connectionsOpen.inc();
    }

    /** A client connection closed ({@code authgate_connections_open} - 1); call exactly once per opened. */
    public void connectionClosed() {
        connectionsOpen.dec();
    }

    /**
     * The config loaded at start-up: sets {@code authgate_config_last_reload_success_timestamp_seconds} without
     * counting a reload.
     */
    public void configLoaded(Instant when) {
        lastReloadSuccess.set(when.toEpochMilli() / 1000.0);
        status.reload(when, true, true, null);
    }

    /**
     * A reload was attempted ({@code authgate_config_reloads_total{result}}); on success also sets
     * {@code authgate_config_last_reload_success_timestamp_seconds} to {@code when}.
     */
    public void configReloaded(boolean ok, Instant when) {
        configReloaded(ok, when, null);
    }

    /** As {@link #configReloaded(boolean, Instant)}; a refusal's {@code error} (first line) goes to the status strip. */
    public void configReloaded(boolean ok, Instant when, String error) {
        configReloads.labelValues(ok ? MetricsNames.RELOAD_SUCCESS : MetricsNames.RELOAD_FAILURE).inc();
        if (ok) lastReloadSuccess.set(when.toEpochMilli() / 1000.0);
        status.reload(when, ok, false, error);
    }

    /**
     * Reports {@code authgate_certificate_expiry_seconds{listener}} as the seconds from now (at each scrape) until
     * the supplied notAfter. Call again with a new supplier to replace it, e.g. after a certificate reload; a supplier
     * that reads the current certificate ({@code () -> currentTls.get().notAfter()}) needs no re-registration.
     *
     * @param notAfter null removes the listener's series
     */
    public void certificateExpiry(String listener, Supplier<Instant> notAfter) {
        status.certificateExpiry(Objects.requireNonNull(listener, "listener"), notAfter);
    }

    /**
     * Reports {@code authgate_replay_store_entries} from {@code size} at each scrape; no sample while it is empty (a
     * store that cannot count its entries cheaply) or before this is called.
     */
    public void replayStoreSize(Supplier<OptionalLong> size) {
        replayEntries = Objects.requireNonNull(size, "size");
    }

    /** A replay store operation ended ({@code authgate_replay_operations_total{op,result}}). */
    public void replayOperation(String op, String result) {
        replayOperations.labelValues(op, result).inc();
    }

    /** A request was refused with 429 {@code too_many_failures} ({@code authgate_auth_throttled_total}). */
    public void authThrottled() {
        authThrottled.inc();
    }

    /** The recent rejections that {@link RequestLog} records and the admin listener's {@code /rejections} shows. */
    public RecentRejections recentRejections() {
        return recentRejections;
    }

    /** Requests answered since start per route label ({@code authgate_requests_total} summed over status, source). */
    public Map<String, Long> requestsByRoute() {
        Map<String, Long> out = new java.util.HashMap<>();
        for (CounterSnapshot.CounterDataPointSnapshot p : requests.collect().getDataPoints()) {
            out.merge(p.getLabels().get("route"), (long) p.getValue(), Long::sum);
        }
        return out;
    }

    /** The whole exposition in the Prometheus text format (version 0.0.4, UTF-8), as {@link #CONTENT_TYPE}. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            scrape(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a ByteArrayOutputStream does not throw
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Writes the exposition of {@link #scrape()} to {@code out} (not closed). */
    public void scrape(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    private RouteHandles route(String route) {
        String name = routeLabel(route);
        RouteHandles h = routes.get(name);
        return h != null ? h : routes.computeIfAbsent(name, n -> new RouteHandles(n, requests, requestDuration,
                upstreamDuration));
    }

    private static String routeLabel(String route) {
        return route == null ? MetricsNames.NO_ROUTE : route;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static <T> T call(Supplier<T> supplier, String what) {
        try {
            return supplier.get();
        } catch (RuntimeException e) {
            log.warn("{} is unavailable for this scrape: {}", what, e.toString());
            return null;
        }
    }
}
