package dev.authgate.config;

import dev.authgate.http.TraceContext;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The whole validated configuration: immutable, built once by {@link ConfigLoader} and swapped as a unit on reload.
 *
 * @param name            {@code gateway.name}: in {@code Via}, problem bodies and logs; default: the host name
 * @param listen          the client-facing listener
 * @param limits          request limits and throttling
 * @param admin           the admin listener (issue 4); never null, has a default address
 * @param errors          how much rejection detail is exposed
 * @param trace           {@code trace.mode}: continue, restart or ignore W3C trace context (default propagate)
 * @param upstreams       by name, in file order
 * @param routes          in file order (the {@code Router} decides precedence)
 * @param state           {@code state:}: where replay claims and failure counters live (default: memory)
 * @param source          the config file this was loaded from (null when built in code, e.g. in tests)
 * @param referencedFiles every file the config depends on (certs, keys, htpasswd, {@code ${file:}} secrets), for reload
 */
public record GatewayConfig(
        String name,
        ListenConfig listen,
        LimitsConfig limits,
        AdminConfig admin,
        ErrorsConfig errors,
        TraceContext.Mode trace,
        Map<String, UpstreamConfig> upstreams,
        List<RouteConfig> routes,
        StateConfig state,
        Path source,
        Set<Path> referencedFiles) {

    /** A config with the default {@code trace.mode} (propagate). */
    public GatewayConfig(String name, ListenConfig listen, LimitsConfig limits, AdminConfig admin, ErrorsConfig errors,
                         Map<String, UpstreamConfig> upstreams, List<RouteConfig> routes, Path source,
                         Set<Path> referencedFiles) {
        this(name, listen, limits, admin, errors, TraceContext.Mode.PROPAGATE, upstreams, routes, source,
                referencedFiles);
    }

    public GatewayConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(errors, "errors");
        // LinkedHashMap keeps file order (Map.copyOf would not), as documented above
        upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        routes = List.copyOf(routes);
        state = state == null ? StateConfig.memory() : state;
        referencedFiles = referencedFiles == null ? Set.of() : Set.copyOf(referencedFiles);
    }

    /** A config with {@code state: memory} (the default). */
    public GatewayConfig(String name, ListenConfig listen, LimitsConfig limits, AdminConfig admin, ErrorsConfig errors,
                         TraceContext.Mode trace, Map<String, UpstreamConfig> upstreams, List<RouteConfig> routes,
                         Path source, Set<Path> referencedFiles) {
        this(name, listen, limits, admin, errors, trace, upstreams, routes, StateConfig.memory(), source,
                referencedFiles);
    }

    /** This config with {@code state} replaced. */
    public GatewayConfig withState(StateConfig next) {
        return new GatewayConfig(name, listen, limits, admin, errors, trace, upstreams, routes, next, source,
                referencedFiles);
    }
}
