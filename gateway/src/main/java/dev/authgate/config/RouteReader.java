package dev.authgate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads {@code upstreams:} and {@code routes:}. Part of {@link ConfigLoader}. */
final class RouteReader {
    private final AuthReader auth;
    private final ReadContext context;

    RouteReader(AuthReader auth, ReadContext context) {
        this.auth = auth;
        this.context = context;
    }

    static Map<String, UpstreamConfig> upstreams(ConfigNode n) throws ConfigException {
        Map<String, UpstreamConfig> out = new LinkedHashMap<>();
        if (n == null) return out;
        ConfigMap names = n.mapOfNames();
        for (String name : names.keys()) {
            ConfigNode u = names.raw(name);
            if (!ConfigLoader.NAME.matcher(name).matches()) {
                throw u.errorAtKey("expected an upstream name of " + ConfigLoader.NAME_RULE);
            }
            ConfigMap m = u.map("url", "connect_timeout", "response_timeout", "max_idle");
            ConfigNode urlNode = m.require("url");
            URI url;
            try {
                url = new URI(urlNode.string());
            } catch (URISyntaxException e) {
                throw urlNode.error("expected a URL like http://127.0.0.1:3000, got " + urlNode.kind());
            }
            // checked before the record, whose messages quote the url
            if (url.getRawUserInfo() != null) throw urlNode.error("credentials in the url are not supported");
            if (url.getRawQuery() != null || url.getRawFragment() != null) {
                throw urlNode.error("expected a URL without query or fragment, got " + urlNode.kind());
            }
            try {
                out.put(name, new UpstreamConfig(name, url, m.duration("connect_timeout", Duration.ofSeconds(2)),
                        m.duration("response_timeout", Duration.ofSeconds(30)),
                        m.get("max_idle") == null ? UpstreamConfig.DEFAULT_MAX_IDLE : m.get("max_idle").integer()));
            } catch (IllegalArgumentException e) {
                throw m.wrap(e);
            }
        }
        return out;
    }

    List<RouteConfig> routes(ConfigNode n, Map<String, UpstreamConfig> upstreams) throws ConfigException {
        List<RouteConfig> out = new ArrayList<>();
        Map<String, ConfigNode> names = new HashMap<>();
        Map<String, String> matches = new HashMap<>();
        List<ConfigNode> items = n.list();
        if (items.isEmpty()) throw n.error("expected at least one route");
        for (ConfigNode item : items) {
            ConfigMap r = item.map("name", "match", "upstream", "respond", "hide_credentials", "auth",
                    "capture");
            ConfigNode nameNode = r.require("name");
            String name = ConfigLoader.name(nameNode, nameNode.string(), "route name");
            ConfigNode first = names.putIfAbsent(name, nameNode);
            if (first != null) {
                throw nameNode.error("duplicate route name '" + name + "' (also " + routeOf(first) + ", line "
                        + first.line() + ")");
            }
            RouteConfig.MatchConfig match = match(r.require("match"), matches, item.path() + " (" + name + ")");
            ConfigNode upstreamNode = r.get("upstream");
            ConfigNode respondNode = r.get("respond");
            if (upstreamNode != null && respondNode != null) {
                throw respondNode.errorAtKey("use either upstream or respond, not both");
            }
            if (upstreamNode == null && respondNode == null) {
                r.require("upstream", "required (or respond: 204 for an auth-only route)");
            }
            String upstream = null;
            if (upstreamNode != null) {
                upstream = upstreamNode.string();
                if (!upstreams.containsKey(upstream)) {
                    throw upstreamNode.error("unknown upstream '" + Sizes.echo(upstream) + "' (known: "
                            + (upstreams.isEmpty() ? "none" : String.join(", ", upstreams.keySet())) + ")");
                }
            }
            int respond = respondNode == null ? 0 : respondNode.integer();
            boolean hide = r.bool("hide_credentials", false);
            AuthConfig authConfig = auth.read(r.require("auth", "required (write auth: none for an open route)"),
                    context);
            CaptureConfig capture = r.get("capture") == null ? null : capture(r.get("capture"));
            try {
                out.add(new RouteConfig(name, match, upstream, respond, hide, authConfig, capture));
            } catch (IllegalArgumentException e) {
                throw r.wrap(e);
            }
        }
        return out;
    }

    private static CaptureConfig capture(ConfigNode n) throws ConfigException {
        ConfigMap m = n.map("rejected", "max_body");
        try {
            return new CaptureConfig(m.bool("rejected", false),
                    m.get("max_body") == null ? CaptureConfig.DEFAULT_MAX_BODY : m.get("max_body").size());
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    private static String routeOf(ConfigNode nameNode) {
        String p = nameNode.path();
        return p.substring(0, p.length() - ".name".length());
    }

    private static RouteConfig.MatchConfig match(ConfigNode n, Map<String, String> seen, String route)
            throws ConfigException {
        ConfigMap m = n.map("path", "path_prefix", "methods");
        ConfigNode path = m.get("path");
        ConfigNode prefix = m.get("path_prefix");
        if (path != null && prefix != null) throw prefix.errorAtKey("use either path or path_prefix, not both");
        if (path == null && prefix == null) throw n.errorAtKey("path or path_prefix is required");
        ConfigNode p = path != null ? path : prefix;
        String value = p.text();
        if (!value.startsWith("/") || value.indexOf('?') >= 0 || value.indexOf('#') >= 0 || value.indexOf(' ') >= 0) {
            throw p.error("expected a path starting with / without query, fragment or spaces, got '"
                    + Sizes.echo(value) + "'");
        }
        // the router picks a route by path, then checks the method: a second route with the same path is never reached
        String first = seen.putIfAbsent((path != null ? "= " : "prefix ") + value, route);
        if (first != null) throw p.error("'" + value + "' is already matched by " + first);
        List<String> methods = new ArrayList<>();
        ConfigNode mn = m.get("methods");
        if (mn != null) {
            for (ConfigNode item : mn.list()) {
                String method = item.token("an HTTP method like GET").toUpperCase(Locale.ROOT);
                if (!methods.contains(method)) methods.add(method);
            }
            if (methods.isEmpty()) throw mn.error("expected at least one method (leave methods out to allow any)");
        }
        try {
            return new RouteConfig.MatchConfig(path != null ? value : null, prefix != null ? value : null, methods);
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    /** A route whose auth needs a client certificate ({@code mtls}) needs {@code listen.tls.client_ca}. */
    static void requireClientCa(ConfigNode routesNode, List<RouteConfig> routes, ListenConfig listen)
            throws ConfigException {
        if (listen.tls() != null && listen.tls().clientCa() != null) return;
        List<ConfigNode> items = routesNode.list();
        for (int i = 0; i < routes.size(); i++) {
            if (routes.get(i).auth() != null && routes.get(i).auth().needsClientCertificate()) {
                throw items.get(i).mapOfNames().raw("auth").errorAtKey("mtls needs listen.tls.client_ca (the CAs that "
                        + "issue client certificates); without it no client certificate is requested");
            }
        }
    }
}
