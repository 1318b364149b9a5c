package dev.authgate.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The metrics of verification keys and credentials that expire: {@code authgate_jwks_fetches_total{issuer,result}},
 * {@code authgate_jwks_keys{issuer}}, {@code authgate_jwks_last_success_timestamp_seconds{issuer}},
 * {@code authgate_credential_expiry_seconds{route,id}} and {@code authgate_client_certificate_verifications_total}. Part of {@link Metrics} ({@link Metrics#keys()}).
 */
public final class KeyMetrics {
    private final Clock clock;
    private final Counter jwksFetches;
    private final Counter clientCertificates;
    private final Map<String, JwksState> jwks = new ConcurrentHashMap<>();
    private volatile Map<String, Map<String, Instant>> credentialExpiry = Map.of();

    /** What a JWKS holds now: its key count and the time of its last successful fetch (null: none yet). */
    public record JwksState(int keys, Instant lastSuccess) {
    }

    KeyMetrics(PrometheusRegistry registry, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        clientCertificates = Counter.builder()
                .name(MetricsNames.CLIENT_CERTIFICATE_VERIFICATIONS)
                .help("Client certificates judged against listen.tls.client_ca, once per connection, by result "
                        + "(trusted, missing, untrusted, expired, revoked)")
                .labelNames("result")
                .withoutExemplars()
                .register(registry);
        jwksFetches = Counter.builder()
                .name(MetricsNames.JWKS_FETCHES)
                .help("JWKS fetches by issuer and result (success, failure)")
                .labelNames("issuer", "result")
                .withoutExemplars()
                .register(registry);
        GaugeWithCallback.builder()
                .name(MetricsNames.JWKS_KEYS)
                .help("Signing keys held for the issuer's JWKS (the last good set)")
                .labelNames("issuer")
                .callback(cb -> jwks.forEach((issuer, s) -> cb.call(s.keys(), issuer)))
                .register(registry);
        GaugeWithCallback.builder()
                .name(MetricsNames.JWKS_LAST_SUCCESS)
                .help("Unix time of the issuer's last successful JWKS fetch")
                .labelNames("issuer")
                .callback(cb -> jwks.forEach((issuer, s) -> {
                    if (s.lastSuccess() != null) cb.call(s.lastSuccess().toEpochMilli() / 1000.0, issuer);
                }))
                .register(registry);
        GaugeWithCallback.builder()
                .name(MetricsNames.CREDENTIAL_EXPIRY)
                .help("Seconds until a configured token's or API key's expires: (negative: expired), by route and id")
                .labelNames("route", "id")
                .callback(cb -> credentialExpiry.forEach((route, ids) -> ids.forEach((id, at) ->
                        cb.call((at.toEpochMilli() - this.clock.millis()) / 1000.0, route, id))))
                .register(registry);
    }

    /** A JWKS fetch ended ({@link MetricsNames#JWKS_SUCCESS} or {@link MetricsNames#JWKS_FAILURE}). */
    public void jwksFetched(String issuer, String result) {
        jwksFetches.labelValues(issuer, result).inc();
    }

    /** Makes both results of {@code authgate_jwks_fetches_total} visible at 0 for a new issuer. */
    public void jwksRegistered(String issuer) {
        jwksFetches.initLabelValues(issuer, MetricsNames.JWKS_SUCCESS);
        jwksFetches.initLabelValues(issuer, MetricsNames.JWKS_FAILURE);
    }

    /** The issuer's current keys ({@code authgate_jwks_keys}, {@code authgate_jwks_last_success_timestamp_seconds}). */
    public void jwksState(String issuer, JwksState state) {
        jwks.put(issuer, state);
    }

    /**
     * Replaces the expiring credentials reported by {@code authgate_credential_expiry_seconds} (route to id to
     * {@code expires:}); called at load and every reload.
     */
    public void credentialExpiry(Supplier<Map<String, Map<String, Instant>>> current) {
        credentialExpiry = Map.copyOf(current.get());
    }

    /** The expiring credentials now reported, route to id to {@code expires:} (ids only, never values). */
    public Map<String, Map<String, Instant>> credentialExpiries() {
        return credentialExpiry;
    }

    /** Each {@code jwt} issuer's JWKS state now, by issuer. */
    public Map<String, JwksState> jwks() {
        return new java.util.TreeMap<>(jwks);
    }

    /** A connection's client certificate was judged ({@code authgate_client_certificate_verifications_total}). */
    public void clientCertificateVerified(String result) {
        clientCertificates.labelValues(result).inc();
    }
}
