package dev.authgate.config;

import dev.authgate.auth.AnyConfig;
import dev.authgate.auth.Credential;
import dev.authgate.auth.apikey.ApiKeyConfig;
import dev.authgate.auth.basic.BasicConfig;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.auth.hmac.HmacConfig;
import dev.authgate.auth.none.NoneConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RouteTableTest {
    private static final List<Credential> ONE = List.of(new Credential(null, new Secret("t", "x")));
    private static final List<Secret> SECRETS = List.of(new Secret("s", "x"));

    private static RouteConfig.MatchConfig exact(String path, String... methods) {
        return new RouteConfig.MatchConfig(path, null, List.of(methods));
    }

    private static RouteConfig.MatchConfig prefix(String path, String... methods) {
        return new RouteConfig.MatchConfig(null, path, List.of(methods));
    }

    private static HmacConfig hmac(String preset) {
        return new HmacConfig(preset, null, null, null, null, null, null, null, null, SECRETS, null, null);
    }

    @Test
    void printsOneAlignedRowPerRouteInFileOrder() {
        List<RouteConfig> routes = List.of(
                new RouteConfig("github", exact("/webhooks/github", "POST"), "orders", 0, false, hmac("github")),
                new RouteConfig("maia", exact("/webhooks/maia"), "orders", 0, false, hmac(null)),
                new RouteConfig("api", prefix("/api/", "GET", "PUT"), "api", 0, false, new AnyConfig(List.of(
                        new BearerConfig(null, ONE), new ApiKeyConfig(null, ONE)))),
                new RouteConfig("ops", prefix("/ops/"), "api", 0, false,
                        new BasicConfig(null, java.util.Map.of("a", "h"), null)),
                new RouteConfig("canary", exact("/canary"), null, 204, false, new BearerConfig(null, ONE)),
                new RouteConfig("health", exact("/healthz", "GET"), null, 200, false, new NoneConfig()));
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
