package dev.authgate.bench;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigLoader;
import dev.authgate.config.GatewayConfig;
import dev.authgate.route.RequestTarget;
import dev.authgate.route.RouteMatch;
import dev.authgate.route.Router;
import dev.authgate.server.GatewayRuntime;
import dev.authgate.server.RequestGate;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Route matching and the whole head decision (target parsing, route, method, size) on a ten-route config loaded
 * by the real {@link ConfigLoader} and built by {@link GatewayRuntime#create}, as {@code authgate run} does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouteBenchmark {
    private static final String CONFIG = """
            gateway:
              name: authgate-bench
            listen:
              address: 127.0.0.1:0
            upstreams:
              app:
                url: http://127.0.0.1:3000
            routes:
              - { name: open, match: { path_prefix: /open }, upstream: app, auth: none }
              - name: github
                match: { path: /webhooks/github, methods: [POST] }
                upstream: app
                auth: { hmac: { preset: github, secrets: ["${env:GITHUB_SECRET}"] } }
              - name: stripe
                match: { path: /webhooks/stripe, methods: [POST] }
                upstream: app
                auth: { hmac: { preset: stripe, secrets: ["${env:STRIPE_SECRET}"] } }
              - name: apikey
                match: { path_prefix: /apikey }
                upstream: app
                auth: { api_key: { keys: [ { id: billing, value: "${env:API_KEY}" } ] } }
              - name: basic
                match: { path_prefix: /basic }
                upstream: app
                auth: { basic: { realm: ops, users: { alice: "@ALICE_HASH@" } } }
              - name: items
                match: { path_prefix: /api/v1/items/, methods: [GET, HEAD, POST, PUT, DELETE] }
                upstream: app
                auth: { bearer: { tokens: [ { id: ci, value: "${env:TOKEN}" } ] } }
              - name: api-v1
                match: { path_prefix: /api/v1/ }
                upstream: app
                auth: { bearer: { tokens: [ { id: ci, value: "${env:TOKEN}" } ] } }
              - name: api
                match: { path_prefix: /api/ }
                upstream: app
                auth: { bearer: { tokens: [ { id: ci, value: "${env:TOKEN}" } ] } }
              - { name: health, match: { path: /healthz, methods: [GET] }, respond: 204, auth: none }
              - { name: admin, match: { path_prefix: /admin/ }, upstream: app, auth: none }
            """;

    /**
     * {@code exact}: an exact path; {@code prefix}: the longest of three nested prefixes, with a query and a
     * method list to check; {@code miss}: no route (404).
     */
    @Param({"exact", "prefix", "miss"})
    public String target;

    private Router router;
    private RequestGate gate;
    private String method;
    private String uri;
    private String matchPath;
    private HttpHeaders headers;

    @Setup(Level.Trial)
    public void setUp() throws IOException, ConfigException {
        Path dir = Files.createTempDirectory("authgate-bench");
        Path file = dir.resolve("gateway.yaml");
        GatewayConfig config;
        try {
            // bcrypt hashes are written in the file (they are not secrets): make one of the cheapest cost.
            String hash = BCrypt.withDefaults().hashToString(4, "secret".toCharArray());
            Files.writeString(file, CONFIG.replace("@ALICE_HASH@", hash), StandardCharsets.UTF_8);
            Map<String, String> env = Map.of(
                    "GITHUB_SECRET", "benchmark-webhook-secret",
                    "STRIPE_SECRET", "whsec_benchmark",
                    "API_KEY", "key_benchmark_0123456789abcdef",
                    "TOKEN", "tok_benchmark_0123456789abcdef");
            // Warnings (plain HTTP listener) are expected here; keep them out of JMH's output.
            config = ConfigLoader.load(file, env::get, warning -> { }, AuthSchemes.standard());
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
        GatewayRuntime runtime = GatewayRuntime.create(config, new AuthSupport(Runnable::run, Clock.systemUTC()));
        router = runtime.router();
        gate = runtime.gate();

        String expected;
        switch (target) {
            case "exact":
                method = "POST";
                uri = "/webhooks/github";
                expected = "github";
                break;
            case "prefix":
                method = "PUT";
                uri = "/api/v1/items/42?fields=name,price";
                expected = "items";
                break;
            case "miss":
                method = "GET";
                uri = "/webhook/github";
                expected = null;
                break;
            default:
                throw new IllegalArgumentException("target: " + target);
        }
        matchPath = RequestTarget.parse(uri).matchPath();
        headers = new DefaultHttpHeaders();
        headers.add("Host", "gateway.example");
        headers.add("User-Agent", "bench/1.0");
        headers.add("Accept", "*/*");
        headers.add("Content-Length", "0");

        RouteMatch m = match();
        String got = m.found() && m.methodAllowed() ? m.route().name() : null;
        RequestGate.HeadDecision d = decideHead();
        boolean admitted = d instanceof RequestGate.Admitted;
        if (!Objects.equals(expected, got) || admitted != (expected != null)) {
            throw new IllegalStateException("expected route " + expected + " for " + method + " " + uri + ", got "
                    + got + " / " + d);
        }
    }

    /** {@link Router#match} on an already parsed path: the table lookup alone. */
    @Benchmark
    public RouteMatch match() {
        return router.match(matchPath, method);
    }

    /** {@link RequestGate#decideHead}: what the server does per request head before reading the body. */
    @Benchmark
    public RequestGate.HeadDecision decideHead() {
        return gate.decideHead(method, uri, headers);
    }
}
