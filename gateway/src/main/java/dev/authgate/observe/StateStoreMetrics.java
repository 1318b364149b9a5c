package dev.authgate.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.BooleanSupplier;

/**
 * The shared state store's metrics (§10, docs/operations.md): {@code authgate_state_store_up},
 * {@code authgate_state_store_operations_total{op,result}} and {@code authgate_state_store_duration_seconds{op}}.
 * Registered with the process's {@link Metrics} by {@link #of}, once per {@code Metrics}; the up gauge is reported
 * only once a store is attached (a gateway on {@code state.store: memory} has none).
 */
public final class StateStoreMetrics {
    /** Upper bounds (seconds) of the store's duration histogram: 100 µs to 1 s, a same-datacenter Redis's range. */
    static final double[] BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
            0.5, 1};

    private static final Map<Metrics, StateStoreMetrics> BY_METRICS = Collections.synchronizedMap(new WeakHashMap<>());

    private final Counter operations;
    private final Histogram duration;
    private volatile BooleanSupplier up;

    StateStoreMetrics(PrometheusRegistry registry) {
        GaugeWithCallback.builder()
                .name(MetricsNames.STATE_STORE_UP)
                .help("1 while the shared state store (Redis) is connected and answering, else 0")
                .callback(cb -> {
                    BooleanSupplier u = up;
                    if (u != null) cb.call(u.getAsBoolean() ? 1 : 0);
                })
                .register(registry);
        operations = Counter.builder()
                .name(MetricsNames.STATE_STORE_OPERATIONS)
                .help("Shared state store calls by op (claim, commit, release, throttle) and result (ok, error, "
                        + "timeout, unavailable)")
                .labelNames("op", "result")
                .withoutExemplars()
                .register(registry);
        duration = Histogram.builder()
                .name(MetricsNames.STATE_STORE_DURATION)
                .help("Round-trip time of the shared state store's calls, by op")
                .labelNames("op")
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .withoutExemplars()
                .register(registry);
    }

    /** The state store metrics registered in {@code metrics}' registry (created at the first call). */
    public static StateStoreMetrics of(Metrics metrics) {
        return BY_METRICS.computeIfAbsent(metrics, m -> new StateStoreMetrics(m.registry));
    }

    /** Attaches the store whose state {@code authgate_state_store_up} reports. */
    public void up(BooleanSupplier isUp) {
        this.up = Objects.requireNonNull(isUp, "isUp");
    }

    /** One call ended: counted by result; its round trip observed unless it never left (result unavailable). */
    public void operation(String op, String result, long nanos) {
        operations.labelValues(op, result).inc();
        if (nanos >= 0) duration.labelValues(op).observe(nanos / 1e9);
    }
}
