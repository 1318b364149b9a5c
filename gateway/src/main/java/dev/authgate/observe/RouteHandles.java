package dev.authgate.observe;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** Data points of one route, so the hot path does no label-list hashing or status-string formatting. */
final class RouteHandles {
    /** Status codes with a cached data point; anything else (never seen from a sane upstream) takes the slow path. */
    private static final int MIN_CACHED_STATUS = 100;
    private static final int MAX_CACHED_STATUS = 599;

    private final String route;
    private final Counter requests;
    final DistributionDataPoint requestDuration;
    final DistributionDataPoint upstreamDuration;
    /** Per source, a slot per status 100..599, filled on first use. */
    private final Map<String, AtomicReferenceArray<CounterDataPoint>> bySource = new ConcurrentHashMap<>(4);

    RouteHandles(String route, Counter requests, Histogram requestDuration, Histogram upstreamDuration) {
        this.route = route;
        this.requests = requests;
        this.requestDuration = requestDuration.labelValues(route);
        this.upstreamDuration = upstreamDuration.labelValues(route);
    }

    CounterDataPoint requests(int status, String source) {
        if (status < MIN_CACHED_STATUS || status > MAX_CACHED_STATUS) {
            return requests.labelValues(route, Integer.toString(status), source);
        }
        AtomicReferenceArray<CounterDataPoint> slots = bySource.get(source);
        if (slots == null) {
            slots = bySource.computeIfAbsent(source,
                    s -> new AtomicReferenceArray<>(MAX_CACHED_STATUS - MIN_CACHED_STATUS + 1));
        }
        int i = status - MIN_CACHED_STATUS;
        CounterDataPoint p = slots.get(i);
        if (p == null) {
            // labelValues returns the same data point for the same labels, so a lost race is harmless
            p = requests.labelValues(route, Integer.toString(status), source);
            slots.set(i, p);
        }
        return p;
    }
}
