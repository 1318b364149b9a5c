package dev.authgate.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RouteTableTest {
    private static final List<AuthConfig.Credential> ONE = List.of(new AuthConfig.Credential(null, new Secret("t", "x")));
    private static final List<Secret> SECRETS = List.of(new Secret("s", "x"));

    private static RouteConfig.MatchConfig exact(String path, String... methods) {
        return new RouteConfig.MatchConfig(path, null, List.of(methods));
    }

    private static RouteConfig.MatchConfig prefix(String path, String... methods) {
        return new RouteConfig.MatchConfig(null, path, List.of(methods));
    }

    private static AuthConfig.Hmac hmac(String preset) {
        return new AuthConfig.Hmac(preset, null, null, null, null, null, null, null, null, SECRETS, null, null);
    }

    @Test
    void printsOneAlignedRowPerRouteInFileOrder() {
        List<RouteConfig> routes = List.of(
                new RouteConfig("github", exact("/webhooks/github", "POST"), "orders", 0, false, hmac("github")),
                new RouteConfig("maia", exact("/webhooks/maia"), "orders", 0, false, hmac(null)),
                new RouteConfig("api", prefix("/api/", "GET", "PUT"), "api", 0, false, new AuthConfig.Any(List.of(
                        new AuthConfig.Bearer(null, ONE), new AuthConfig.ApiKey(null, ONE)))),
                new RouteConfig("ops", prefix("/ops/"), "api", 0, false,
                        new AuthConfig.Basic(null, java.util.Map.of("a", "h"), null)),
                new RouteConfig("canary", exact("/canary"), null, 204, false, new AuthConfig.Bearer(null, ONE)),
                new RouteConfig("health", exact("/healthz", "GET"), null, 200, false, new AuthConfig.None()));
        assertEquals("""
                ROUTE   MATCH               METHODS  SCHEME               UPSTREAM
                github  = /webhooks/github  POST     hmac:github          orders
                maia    = /webhooks/maia    *        hmac                 orders
                api     /api/*              GET,PUT  any(bearer,api_key)  api
                ops     /ops/*              *        basic                api
                canary  = /canary           *        bearer               respond 204
                health  = /healthz          GET      none                 respond 200
                """, RouteTable.format(routes));
    }

    @Test
    void printsOnlyTheHeaderForNoRoutes() {
        assertEquals("ROUTE  MATCH  METHODS  SCHEME  UPSTREAM\n", RouteTable.format(List.of()));
    }
}
