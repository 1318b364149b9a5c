package dev.authgate.server;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.LimitsConfig;
import dev.authgate.config.RouteConfig;
import dev.authgate.config.StateConfig;
import dev.authgate.config.UpstreamConfig;
import dev.authgate.http.Responses;
import dev.authgate.limits.AuthFailureThrottle;
import dev.authgate.limits.ClientIps;
import dev.authgate.limits.SharedFailureCounter;
import dev.authgate.limits.TrustedProxies;
import dev.authgate.route.Route;
import dev.authgate.route.Router;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Everything derived from one {@link GatewayConfig} that the request path needs: the router with one authenticator
 * per route, the resolved upstreams, the limits, the client-IP resolution ({@code limits.trusted_proxies}), the
 * failed-auth throttle ({@code limits.auth_failures}), the gateway name and the response factory. Immutable apart
 * from the throttle's counts; the server
 * holds the current one behind an {@code AtomicReference}, each request takes a snapshot when its head arrives and
 * finishes on it, so a reload swaps the whole set at once while in-flight requests finish on the old one.
 *
 * <p>TLS material is not part of it: {@code authgate explain} builds a runtime offline without loading certificates.
 */
public final class GatewayRuntime {
    private final GatewayConfig config;
    private final Router router;
    private final RequestGate gate;
    private final Responses responses;
    private final ClientIps clientIps;
    private final AuthFailureThrottle throttle;
    private final Map<String, Map<String, Instant>> credentialExpiries;
    private final List<String> expiryWarnings;

    private GatewayRuntime(GatewayConfig config, Router router, AuthFailureThrottle throttle,
                           Map<String, Map<String, Instant>> credentialExpiries, List<String> expiryWarnings) {
        this.credentialExpiries = Map.copyOf(credentialExpiries);
        this.expiryWarnings = List.copyOf(expiryWarnings);
        this.config = config;
        this.router = router;
        this.gate = new RequestGate(router, config.limits());
        this.responses = new Responses(config.name(), config.errors().exposeReason());
        this.clientIps = new ClientIps(TrustedProxies.parse(config.limits().trustedProxies()));
        this.throttle = throttle;
    }

    /**
     * Builds the runtime: one {@link Authenticator} per route via {@link AuthSchemes#create}.
     *
     * @throws IllegalArgumentException when a route names an unknown upstream or its auth cannot be built (the
     *                                  loader normally refuses such a config first); the message starts with
     *                                  {@code routes[N]} of the offending route
     */
    public static GatewayRuntime create(GatewayConfig config, AuthSupport support) {
        return create(config, support, null);
    }

    /**
     * Builds the runtime for a reload: like {@link #create(GatewayConfig, AuthSupport)}, but the failed-auth throttle
     * of {@code previous} is kept (with its counts) when {@code limits.auth_failures} did not change, so a reload
     * does not give a brute-forcer a fresh budget.
     *
     * @param previous the runtime being replaced, or null
     */
    public static GatewayRuntime create(GatewayConfig config, AuthSupport support, GatewayRuntime previous) {
        return create(config, support, previous, null);
    }

    /**
     * As {@link #create(GatewayConfig, AuthSupport, GatewayRuntime)}, with failed-auth counts shared through
     * {@code failures} ({@code state.store: redis}) under {@code state.on_failure.throttle}.
     *
     * @param failures the shared counter, or null to count in this instance only
     */
    public static GatewayRuntime create(GatewayConfig config, AuthSupport support, GatewayRuntime previous,
                                        SharedFailureCounter failures) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(support, "support");
        List<Route> routes = new ArrayList<>(config.routes().size());
        Map<String, Map<String, Instant>> expiries = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        Instant now = support.clock().instant();
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig rc = config.routes().get(i);
            UpstreamConfig upstream = null;
            if (rc.upstream() != null) {
                upstream = config.upstreams().get(rc.upstream());
                if (upstream == null) {
                    throw new IllegalArgumentException("routes[" + i + "].upstream: unknown upstream '"
                            + rc.upstream() + "' (known: " + String.join(", ", config.upstreams().keySet()) + ")");
                }
            }
            Authenticator authenticator;
            try {
                authenticator = AuthSchemes.standard().create(rc.auth(), support);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("routes[" + i + "].auth: " + e.getMessage(), e);
            }
            routes.add(new Route(rc, authenticator, upstream));
            Map<String, Instant> routeExpiries = new LinkedHashMap<>();
            for (String w : AuthSchemes.standard().expiryWarnings(rc.auth(), now, routeExpiries)) {
                warnings.add("routes[" + i + "] " + rc.name() + ": " + w);
            }
            if (!routeExpiries.isEmpty()) expiries.put(rc.name(), routeExpiries);
        }
        LimitsConfig.AuthFailuresConfig failuresConfig = config.limits().authFailures();
        AuthFailureThrottle throttle;
        if (failuresConfig == null) {
            throttle = null;
        } else if (previous != null && previous.throttle != null
                && failuresConfig.equals(previous.config.limits().authFailures())) {
            throttle = previous.throttle;
        } else {
            throttle = new AuthFailureThrottle(failuresConfig, ticker(support.clock()),
                    AuthFailureThrottle.DEFAULT_MAX_ENTRIES, failures,
                    config.state().onFailure().throttle() == StateConfig.ThrottlePolicy.LOCAL);
        }
        return new GatewayRuntime(config, new Router(routes), throttle, expiries, warnings);
    }

    /**
     * The throttle's time source: the monotonic system ticker on the system clock (a wall clock may step back), else
     * the given clock's millis (tests move a clock instead of sleeping through a window).
     */
    private static Ticker ticker(Clock clock) {
        if (clock.equals(Clock.systemUTC())) return Ticker.systemTicker();
        return () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }

    public GatewayConfig config() {
        return config;
    }

    /** {@code gateway.name}. */
    public String name() {
        return config.name();
    }

    public LimitsConfig limits() {
        return config.limits();
    }

    public Router router() {
        return router;
    }

    /** The route → method → size → credentials decisions, usable without a channel. */
    public RequestGate gate() {
        return gate;
    }

    /** Who the client is: the socket peer, or {@code X-Forwarded-For} from a peer in {@code trusted_proxies}. */
    public ClientIps clientIps() {
        return clientIps;
    }

    /** Route to credential identity to {@code expires:} ({@code authgate_credential_expiry_seconds}). */
    public Map<String, Map<String, Instant>> credentialExpiries() {
        return credentialExpiries;
    }

    /** Credentials that expire within 14 days (or did), as of this runtime's build; logged at start and reload. */
    public List<String> expiryWarnings() {
        return expiryWarnings;
    }

    /** Whether every route's authenticator can decide (its keys loaded at least once). */
    public boolean ready() {
        for (Route r : router.routes()) {
            if (!r.authenticator().ready()) return false;
        }
        return true;
    }

    /** The failed-auth throttle ({@code limits.auth_failures}), or null when it is off. */
    public AuthFailureThrottle throttle() {
        return throttle;
    }

    /** The factory for gateway-made responses under this config's name and {@code errors.expose_reason}. */
    public Responses responses() {
        return responses;
    }
}
