package dev.authgate.route;

import java.util.List;

/**
 * The outcome of routing a path and a method.
 *
 * @param route         the matched route, or null when no route's path matches (404); for a 405, the first route
 *                      whose path matched
 * @param methodAllowed whether a route with this path also takes the method
 * @param allow         for a 405: every method the routes with this path take, in config order (the {@code Allow}
 *                      header); empty otherwise
 */
public record RouteMatch(Route route, boolean methodAllowed, List<String> allow) {
    private static final RouteMatch NONE = new RouteMatch(null, false, List.of());

    public RouteMatch {
        allow = List.copyOf(allow);
    }

    static RouteMatch none() {
        return NONE;
    }

    /** Whether some route's path matched (the method may still be refused). */
    public boolean found() {
        return route != null;
    }
}
