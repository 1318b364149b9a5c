package dev.authgate.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks the route for a decoded path ({@link RequestTarget#matchPath()}) and a method. Immutable, built once per
 * config; {@link #match} allocates nothing on a hit.
 *
 * <p>Precedence: an exact {@code path} first, else the longest {@code path_prefix}; then the method. A prefix that
 * ends with {@code /} matches any path starting with it; a prefix without the trailing slash matches that path and
 * the paths below it ({@code /api} matches {@code /api} and {@code /api/x}, never {@code /api-internal}), so a
 * sibling path cannot slip under a route by sharing its first characters. Several routes may share one path or
 * prefix with different methods: the first in file order that takes the method wins; when none does, the answer is
 * 405 with the union of their methods.
 */
public final class Router {
    private final List<Route> routes;
    private final Map<String, List<Route>> exact;
    private final List<PrefixGroup> prefixes;

    public Router(List<Route> routes) {
        this.routes = List.copyOf(routes);
        Map<String, List<Route>> exactMap = new HashMap<>();
        Map<String, List<Route>> prefixMap = new LinkedHashMap<>();
        for (Route r : this.routes) {
            String path = r.config().match().path();
            if (path != null) {
                exactMap.computeIfAbsent(path, k -> new ArrayList<>()).add(r);
            } else {
                prefixMap.computeIfAbsent(r.config().match().pathPrefix(), k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, List<Route>> frozen = new HashMap<>();
        exactMap.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        this.exact = Map.copyOf(frozen);
        List<PrefixGroup> groups = new ArrayList<>();
        prefixMap.forEach((k, v) -> groups.add(new PrefixGroup(k, List.copyOf(v))));
        groups.sort(Comparator.comparingInt((PrefixGroup g) -> g.prefix.length()).reversed());
        this.prefixes = List.copyOf(groups);
    }

    /** All routes in file order. */
    public List<Route> routes() {
        return routes;
    }

    /** Routes {@code matchPath} (already normalized and checked) and {@code method}. */
    public RouteMatch match(String matchPath, String method) {
        List<Route> candidates = exact.get(matchPath);
        if (candidates == null) {
            for (PrefixGroup g : prefixes) {
                if (g.matches(matchPath)) {
                    candidates = g.routes;
                    break;
                }
            }
        }
        if (candidates == null) return RouteMatch.none();
        for (Route r : candidates) {
            if (r.allows(method)) return new RouteMatch(r, true, List.of());
        }
        Set<String> allow = new LinkedHashSet<>();
        for (Route r : candidates) allow.addAll(r.methods());
        return new RouteMatch(candidates.get(0), false, new ArrayList<>(allow));
    }

    private static final class PrefixGroup {
        final String prefix;
        final List<Route> routes;
        final boolean endsWithSlash;

        PrefixGroup(String prefix, List<Route> routes) {
            this.prefix = prefix;
            this.routes = routes;
            this.endsWithSlash = prefix.endsWith("/");
        }

        boolean matches(String path) {
            if (!path.startsWith(prefix)) return false;
            return endsWithSlash || path.length() == prefix.length() || path.charAt(prefix.length()) == '/';
        }
    }
}
