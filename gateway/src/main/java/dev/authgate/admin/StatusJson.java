package dev.authgate.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.authgate.auth.Credential;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.RouteConfig;
import dev.authgate.observe.KeyMetrics;
import dev.authgate.observe.Metrics;
import dev.authgate.observe.StatusMetrics;
import dev.authgate.server.GatewayServer;
import dev.authgate.tls.TlsConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code /rejections/status.json}, the explorer's status strip (docs/operations.md, "Rejections
 * explorer"): the routes, each certificate's expiry, the soonest expiring credentials, each JWKS, the last reload.
 * Read from what the metrics report ({@link Metrics#status()}, {@link Metrics#keys()}), never from the files again.
 * Credentials appear by route and id (the id, else the value's fingerprint, as in the access log): never a value.
 */
final class StatusJson {
    private static final JsonFactory JSON = new JsonFactory();
    /** The soonest expiring credentials listed; {@code credentials_expiring} counts them all. */
    static final int CREDENTIALS_SHOWN = 5;

    private StatusJson() {
    }

    private record Expiring(String route, String id, Instant expires) {
    }

    /**
     * {@code {"generated_at", "routes": [names], "certificates": [...], "credentials": [...], "credentials_expiring",
     * "jwks": [...], "last_reload"}}; {@code config} is the config in force (null: unknown, routes empty).
     */
    static void write(OutputStream out, Metrics metrics, GatewayConfig config, Instant now) throws IOException {
        TlsConfig tls = config == null ? null : config.listen().tls();
        Duration certWindow = tls == null ? TlsConfig.DEFAULT_EXPIRY_WARNING : tls.expiryWarning();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("generated_at", now.toString());
            g.writeArrayFieldStart("routes");
            if (config != null) {
                for (RouteConfig r : config.routes()) g.writeString(r.name());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("certificates");
            List<Map.Entry<String, Instant>> certs = new ArrayList<>(metrics.status().certificates().entrySet());
            certs.sort(Comparator.comparing((Map.Entry<String, Instant> c) -> !c.getKey().equals(GatewayServer.LISTENER))
                    .thenComparing(Map.Entry::getKey));   // the served certificate first
            for (Map.Entry<String, Instant> c : certs) {
                expiry(g, "name", c.getKey(), null, c.getValue(), certWindow, now);
            }
            g.writeEndArray();
            List<Expiring> expiring = new ArrayList<>();
            metrics.keys().credentialExpiries().forEach((route, ids) ->
                    ids.forEach((id, at) -> expiring.add(new Expiring(route, id, at))));
            expiring.sort(Comparator.comparing(Expiring::expires).thenComparing(Expiring::route)
                    .thenComparing(Expiring::id));
            g.writeArrayFieldStart("credentials");
            for (Expiring e : expiring.subList(0, Math.min(CREDENTIALS_SHOWN, expiring.size()))) {
                expiry(g, "route", e.route(), e.id(), e.expires(), Credential.EXPIRY_WARNING, now);
            }
            g.writeEndArray();
            g.writeNumberField("credentials_expiring", expiring.size());
            g.writeArrayFieldStart("jwks");
            for (Map.Entry<String, KeyMetrics.JwksState> j : metrics.keys().jwks().entrySet()) {
                g.writeStartObject();
                g.writeStringField("issuer", j.getKey());
                g.writeNumberField("keys", j.getValue().keys());
                Instant last = j.getValue().lastSuccess();
                g.writeStringField("last_success", last == null ? null : last.toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            lastReload(g, metrics.status().lastReload());
            g.writeEndObject();
        }
    }

    /** One expiry: {@code at}, {@code seconds_left} (negative: past), {@code warn} (past, or within {@code window}). */
    private static void expiry(JsonGenerator g, String nameField, String name, String id, Instant at, Duration window,
                               Instant now) throws IOException {
        long left = Duration.between(now, at).toSeconds();
        g.writeStartObject();
        g.writeStringField(nameField, name);
        if (id != null) g.writeStringField("id", id);
        g.writeStringField("expires", at.toString());
        g.writeNumberField("seconds_left", left);
        g.writeNumberField("warning_window_seconds", window.toSeconds());
        g.writeBooleanField("warn", left <= 0 || !window.isZero() && left <= window.toSeconds());
        g.writeEndObject();
    }

    private static void lastReload(JsonGenerator g, StatusMetrics.Reload r) throws IOException {
        if (r == null) {
            g.writeNullField("last_reload");
            return;
        }
        g.writeObjectFieldStart("last_reload");
        g.writeStringField("at", r.at().toString());
        g.writeStringField("result", r.ok() ? "ok" : "refused");
        g.writeBooleanField("at_start", r.atStart());
        g.writeStringField("error", r.error());
        g.writeEndObject();
    }
}
