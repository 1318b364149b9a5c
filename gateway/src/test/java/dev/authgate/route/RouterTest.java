package dev.authgate.route;

import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.none.NoneConfig;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.RouteConfig;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTest {
    private static final AuthSupport SUPPORT = new AuthSupport(Runnable::run, Clock.systemUTC());

    private static Route exact(String name, String path, String... methods) {
        return route(new RouteConfig.MatchConfig(path, null, List.of(methods)), name);
    }

    private static Route prefix(String name, String prefix, String... methods) {
        return route(new RouteConfig.MatchConfig(null, prefix, List.of(methods)), name);
    }

    private static Route route(RouteConfig.MatchConfig match, String name) {
        AuthConfig none = new NoneConfig();
        return new Route(new RouteConfig(name, match, null, 204, false, none), AuthSchemes.standard().create(none, SUPPORT),
                null);
    }

    private static String routed(Router router, String path, String method) {
        RouteMatch m = router.match(path, method);
        return m.found() ? m.route().name() + (m.methodAllowed() ? "" : " 405 " + m.allow()) : "404";
    }

    @Test
    void exactPathBeatsAnyPrefix() {
        Router r = new Router(List.of(prefix("all", "/"), prefix("hooks", "/webhooks/"),
                exact("github", "/webhooks/github")));
        assertEquals("github", routed(r, "/webhooks/github", "POST"));
        assertEquals("hooks", routed(r, "/webhooks/github/", "POST"));
        assertEquals("hooks", routed(r, "/webhooks/stripe", "POST"));
        assertEquals("all", routed(r, "/other", "GET"));
    }

    @Test
    void longestPrefixWinsWhateverTheFileOrder() {
        Router r = new Router(List.of(prefix("api", "/api/"), prefix("admin", "/api/admin/"), prefix("root", "/")));
        assertEquals("admin", routed(r, "/api/admin/users", "GET"));
        assertEquals("api", routed(r, "/api/users", "GET"));
        assertEquals("root", routed(r, "/", "GET"));
    }

    @Test
    void prefixWithoutTrailingSlashMatchesOnlyWholeSegments() {
        Router r = new Router(List.of(prefix("api", "/api")));
        assertEquals("api", routed(r, "/api", "GET"));
        assertEquals("api", routed(r, "/api/x", "GET"));
        assertEquals("404", routed(r, "/api-internal", "GET"));
        assertEquals("404", routed(r, "/apix/y", "GET"));
    }

    @Test
    void prefixWithTrailingSlashDoesNotMatchThePathWithoutIt() {
        Router r = new Router(List.of(prefix("hooks", "/hooks/")));
        assertEquals("hooks", routed(r, "/hooks/", "GET"));
        assertEquals("404", routed(r, "/hooks", "GET"));
    }

    @Test
    void exactPathIsExact() {
        Router r = new Router(List.of(exact("github", "/webhooks/github")));
        assertEquals("404", routed(r, "/webhooks/github/", "POST"));
        assertEquals("404", routed(r, "/webhooks/githubx", "POST"));
        assertEquals("404", routed(r, "/Webhooks/github", "POST"));
    }

    @Test
    void methodIsCheckedAfterThePathWithTheAllowedMethods() {
        Router r = new Router(List.of(exact("github", "/webhooks/github", "POST"), prefix("all", "/")));
        RouteMatch m = r.match("/webhooks/github", "GET");
        assertTrue(m.found());
        assertFalse(m.methodAllowed());
        assertEquals("github", m.route().name());
        assertEquals(List.of("POST"), m.allow());
    }

    @Test
    void routesSharingAPathSplitByMethodInFileOrder() {
        Router r = new Router(List.of(exact("read", "/items", "GET", "HEAD"), exact("write", "/items", "POST", "PUT"),
                exact("also-read", "/items", "GET")));
        assertEquals("read", routed(r, "/items", "GET"));
        assertEquals("write", routed(r, "/items", "PUT"));
        assertEquals("read 405 [GET, HEAD, POST, PUT]", routed(r, "/items", "DELETE"));
    }

    @Test
    void noMethodsMeansAnyMethod() {
        Router r = new Router(List.of(prefix("all", "/")));
        assertEquals("all", routed(r, "/x", "PATCH"));
        assertEquals("all", routed(r, "/x", "WHATEVER"));
    }

    @Test
    void methodsAreCaseSensitive() {
        Router r = new Router(List.of(exact("x", "/x", "POST")));
        assertEquals("x 405 [POST]", routed(r, "/x", "post"));
    }
}
