package dev.authgate.testing;

import dev.authgate.admin.AdminServer;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigLoader;
import dev.authgate.config.GatewayConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.observe.MetricsExposition;
import dev.authgate.proxy.UpstreamForwarder;
import dev.authgate.reload.Reloader;
import dev.authgate.replay.InMemoryReplayStore;
import dev.authgate.server.GatewayServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The gateway as {@code authgate run} assembles it, in this JVM: a {@link GatewayServer} and an {@link AdminServer}
 * sharing one {@link Metrics}, and a {@link Reloader} on the config file (not watching unless a test asks). The config
 * is a real file loaded with {@link ConfigLoader}; use {@code listen.address: 127.0.0.1:0} and
 * {@code admin.address: 127.0.0.1:0}. The access log is captured.
 */
public final class OpsGateway implements AutoCloseable {
    private static final HttpClient ADMIN_CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(15)).followRedirects(HttpClient.Redirect.NEVER).build();

    private final GatewayServer server;
    private final AdminServer admin;
    private final Metrics metrics;
    private final Reloader reloader;
    private final UpstreamForwarder forwarder;
    private final AccessLogCapture accessLog;

    private OpsGateway(GatewayServer server, AdminServer admin, Metrics metrics, Reloader reloader,
                       UpstreamForwarder forwarder, AccessLogCapture accessLog) {
        this.server = server;
        this.admin = admin;
        this.metrics = metrics;
        this.reloader = reloader;
        this.forwarder = forwarder;
        this.accessLog = accessLog;
    }

    /** Loads {@code configFile} and starts everything, on the system clock. */
    public static OpsGateway start(Path configFile) {
        return start(configFile, Clock.systemUTC());
    }

    /** Loads {@code configFile} and starts everything on {@code clock} (HMAC timestamps, the throttle's window). */
    public static OpsGateway start(Path configFile, Clock clock) {
        GatewayConfig config;
        try {
            config = ConfigLoader.load(configFile, AuthSchemes.standard());
        } catch (ConfigException e) {
            throw new AssertionError("the test config does not load: " + e.getMessage(), e);
        }
        AccessLogCapture log = AccessLogCapture.attach();
        Metrics metrics = new Metrics(clock);
        metrics.recentRejections().capacity(config.admin().recentRejections());
        if (config.admin().captureDir() != null) {
            try {
                metrics.recentRejections().captures().persistTo(config.admin().captureDir(),
                        config.admin().captureDirMax());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        UpstreamForwarder forwarder = new UpstreamForwarder();
        GatewayServer server = null;
        try {
            server = new GatewayServer(config, forwarder, new InMemoryReplayStore(10_000), clock, metrics).start();
            GatewayServer running = server;
            AdminServer admin = AdminServer.start(config.admin(), metrics, server::isReady, () -> "",
                    () -> running.runtime().config());
            metrics.configLoaded(clock.instant());
            Reloader reloader = new Reloader(configFile, config, server, metrics, f -> ConfigLoader.load(f, AuthSchemes.standard()), clock);
            return new OpsGateway(server, admin, metrics, reloader, forwarder, log);
        } catch (RuntimeException e) {
            if (server != null) server.stop(Duration.ZERO);
            forwarder.close();
            log.close();
            throw e;
        }
    }

    public GatewayServer server() {
        return server;
    }

    public Metrics metrics() {
        return metrics;
    }

    public Reloader reloader() {
        return reloader;
    }

    public AccessLogCapture accessLog() {
        return accessLog;
    }

    /** The gateway's port. */
    public int port() {
        return server.port();
    }

    /** The admin listener's port. */
    public int adminPort() {
        return admin.port();
    }

    /** Sends {@code request} (bytes as given) on a new plain connection to the gateway and reads one response. */
    public RawHttp.Response send(String request) {
        return RawHttp.exchange(port(), request);
    }

    /** GET {@code path} on the admin listener over HTTP. */
    public HttpResponse<String> admin(String path) {
        return get(adminPort(), path);
    }

    /** Scrapes {@code /metrics} over HTTP and parses the exposition (fails unless 200). */
    public MetricsExposition scrape() {
        return scrape(adminPort());
    }

    /** Scrapes {@code http://127.0.0.1:PORT/metrics}. */
    public static MetricsExposition scrape(int adminPort) {
        HttpResponse<String> r = get(adminPort, "/metrics");
        if (r.statusCode() != 200) throw new AssertionError("/metrics answered " + r.statusCode());
        return MetricsExposition.parse(r.body());
    }

    /** GET {@code http://127.0.0.1:PORT/PATH}. */
    public static HttpResponse<String> get(int port, String path) {
        try {
            return ADMIN_CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        try {
            reloader.close();
            server.stop(Duration.ofSeconds(2));
            admin.stop();
            forwarder.close();
        } finally {
            accessLog.close();
        }
    }
}
