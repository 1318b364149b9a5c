package dev.authgate.auth;

import dev.authgate.observe.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Long-lived helpers that authenticators share across routes and reloads, one instance per server: e.g. the
 * {@code jwt} scheme's JWKS fetcher, whose keys must survive a reload (a reload builds fresh authenticators, and
 * {@code /readyz} must not drop to 503 because the same JWKS is fetched again). Each scheme package keeps its own
 * type here ({@link #shared}); the server closes them all when it stops.
 */
public final class AuthServices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuthServices.class);

    private Metrics metrics; // guarded by this; made on first use when not given
    private final Map<Class<?>, AutoCloseable> shared = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param metrics where the shared helpers report (the server's) */
    public AuthServices(Metrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Services whose metrics are made only if a helper needs them (CLI, tests, benchmarks). */
    public AuthServices() {
        this.metrics = null;
    }

    /** The metrics shared helpers record into. */
    public synchronized Metrics metrics() {
        if (metrics == null) metrics = new Metrics();
        return metrics;
    }

    /** The one instance of {@code type}, made by {@code make} on first use. */
    public <T extends AutoCloseable> T shared(Class<T> type, Function<AuthServices, T> make) {
        if (closed) throw new IllegalStateException("auth services are closed");
        return type.cast(shared.computeIfAbsent(type, t -> make.apply(this)));
    }

    /** Closes every shared helper (their threads stop). Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (AutoCloseable c : shared.values()) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", c.getClass().getSimpleName(), e);
            }
        }
        shared.clear();
    }
}
