package dev.authgate.observe;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the rejections explorer's status strip shows besides rejections, from the same sources as the metrics: the
 * certificates' expiry ({@code authgate_certificate_expiry_seconds{listener}}, registered here) and the outcome of
 * the last config load or reload (counted by {@link Metrics#configReloaded}). Part of {@link Metrics}
 * ({@link Metrics#status()}).
 */
public final class StatusMetrics {
    private static final Logger log = LoggerFactory.getLogger(StatusMetrics.class);

    private final Clock clock;
    private final Map<String, Supplier<Instant>> certificates = new ConcurrentHashMap<>();
    private volatile Reload lastReload;

    /**
     * The last config load or reload: when, whether it is in force, whether it was the load at start, and for a
     * refused one the first line of its error (a config error names file, line and key, never a secret value).
     */
    public record Reload(Instant at, boolean ok, boolean atStart, String error) {
    }

    StatusMetrics(PrometheusRegistry registry, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        GaugeWithCallback.builder()
                .name(MetricsNames.CERTIFICATE_EXPIRY)
                .help("Seconds until the served certificate's notAfter, by listener (negative: expired)")
                .labelNames("listener")
                .callback(cb -> certificates().forEach((listener, at) ->
                        cb.call((at.toEpochMilli() - this.clock.millis()) / 1000.0, listener)))
                .register(registry);
    }

    void certificateExpiry(String listener, Supplier<Instant> notAfter) {
        if (notAfter == null) {
            certificates.remove(listener);
        } else {
            certificates.put(listener, notAfter);
        }
    }

    /**
     * Each certificate's expiry by {@code listener} label ({@code listen}, and {@code client_ca}, {@code client_crl}
     * when configured), read now from the current TLS setup; a supplier that answers null or throws is left out.
     */
    public Map<String, Instant> certificates() {
        Map<String, Instant> out = new TreeMap<>();
        certificates.forEach((listener, notAfter) -> {
            try {
                Instant at = notAfter.get();
                if (at != null) out.put(listener, at);
            } catch (RuntimeException e) {
                log.warn("certificate expiry of listener {} is unavailable: {}", listener, e.toString());
            }
        });
        return out;
    }

    void reload(Instant at, boolean ok, boolean atStart, String error) {
        lastReload = new Reload(at, ok, atStart, ok ? null : firstLine(error));
    }

    /** The last config load or reload, or null before the first. */
    public Reload lastReload() {
        return lastReload;
    }

    static String firstLine(String error) {
        if (error == null || error.isBlank()) return "(no message)";
        String line = error.strip().lines().findFirst().orElse("").strip();
        return line.length() > 300 ? line.substring(0, 300) + "\u2026" : line;
    }
}
