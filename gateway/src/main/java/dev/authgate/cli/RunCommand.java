package dev.authgate.cli;

import dev.authgate.Version;
import dev.authgate.admin.AdminServer;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigLoader;
import dev.authgate.config.Durations;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.HostPort;
import dev.authgate.config.RouteTable;
import dev.authgate.tls.TlsConfig;
import dev.authgate.observe.AccessLogFormat;
import dev.authgate.observe.Metrics;
import dev.authgate.proxy.UpstreamForwarder;
import dev.authgate.reload.Reloader;
import dev.authgate.server.GatewayServer;
import dev.authgate.state.SharedState;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code authgate run --config FILE [--log-format text|json] [--drain-timeout 30s] [--warmup 4s]}: start the gateway
 * (the default command) with its admin listener, hot reload (file changes and {@code SIGHUP}) and graceful drain,
 * after a built-in warm-up ({@link Warmup}).
 *
 * <p>Exit codes: 1 when the config is invalid or an address cannot be bound, 2 on a usage error. Otherwise it runs
 * until {@code SIGTERM} or {@code SIGINT}: then it drains ({@code /readyz} answers 503, the listener closes, idle
 * kept-alive connections close, requests in flight get up to {@code --drain-timeout} to finish, a request arriving
 * meanwhile on a kept-alive connection gets 503 {@code shutting_down}) and exits 0. A second signal during the drain
 * exits 1 at once.
 */
@Command(mixinStandardHelpOptions = true, name = "run", description = "Start the gateway.")
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("authgate");
    /** Replay keys remembered at most (committed and in flight); the store evicts the oldest past it. */
    private static final long REPLAY_STORE_ENTRIES = 1_000_000;

    @Option(names = "--config", description = "config file (default: ${DEFAULT-VALUE})", defaultValue = "config/gateway.yaml")
    Path config;

    @Option(names = "--log-format", description = "access log format: text or json (default: ${DEFAULT-VALUE})",
            defaultValue = "text")
    String logFormat;

    @Option(names = "--drain-timeout", defaultValue = "30s",
            description = "on SIGTERM, how long requests in flight may take to finish, e.g. 30s, 2m (default: "
                    + "${DEFAULT-VALUE})")
    String drainTimeout;

    @Option(names = "--warmup", defaultValue = "4s",
            description = "before the listener opens (and /readyz turns 200), serve a mix of requests to a "
                    + "throw-away loopback gateway for this long, so that the first real requests meet compiled "
                    + "code; 0s: off (default: ${DEFAULT-VALUE})")
    String warmup;

    @Override
    public Integer call() throws InterruptedException {
        if (!"text".equals(logFormat) && !"json".equals(logFormat)) {
            System.err.println("run: --log-format: '" + logFormat + "' (expected: text or json)");
            return 2;
        }
        Duration drain;
        try {
            drain = Durations.parse(drainTimeout);
        } catch (IllegalArgumentException e) {
            System.err.println("run: --drain-timeout: " + e.getMessage());
            return 2;
        }
        Duration warmupBudget;
        try {
            warmupBudget = Durations.parse(warmup);
        } catch (IllegalArgumentException e) {
            System.err.println("run: --warmup: " + e.getMessage());
            return 2;
        }
        GatewayConfig cfg;
        try {
            cfg = ConfigLoader.load(config, AuthSchemes.standard());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        if ("json".equals(logFormat)) AccessLogFormat.useJson();

        Metrics metrics = new Metrics();
        metrics.recentRejections().capacity(cfg.admin().recentRejections());
        if (cfg.admin().captureDir() != null) {
            try {
                metrics.recentRejections().captures().persistTo(cfg.admin().captureDir(), cfg.admin().captureDirMax());
            } catch (IOException e) {
                System.err.println("authgate: admin.capture_dir: " + cfg.admin().captureDir() + ": " + e);
                return 1;
            }
        }
        Warmup.run(warmupBudget); // after the config is known to be valid, before anything listens
        SharedState state = SharedState.open(cfg.state(), metrics, REPLAY_STORE_ENTRIES);
        UpstreamForwarder forwarder = new UpstreamForwarder();
        GatewayServer server;
        try {
            server = new GatewayServer(cfg, forwarder, state.replayStore(), state.failureCounter(),
                    Clock.systemUTC(), metrics).start();
        } catch (IllegalArgumentException | IllegalStateException e) {
            forwarder.close();
            state.close();
            System.err.println("authgate: " + e.getMessage());
            return 1;
        }
        AdminServer admin;
        try {
            GatewayServer running = server;
            admin = AdminServer.start(cfg.admin(), metrics, server::isReady,
                    () -> "state: " + state.describe() + "\n", () -> running.runtime().config());
        } catch (IllegalStateException e) {
            server.stop(Duration.ZERO);
            forwarder.close();
            state.close();
            System.err.println("authgate: " + e.getMessage());
            return 1;
        }
        metrics.configLoaded(Clock.systemUTC().instant());
        Reloader reloader = new Reloader(config, cfg, server, metrics);
        banner(cfg, server, admin, reloader, drain);
        LOG.info("state: {}; on failure: replay {}, throttle {}", state.describe(),
                cfg.state().onFailure().replay().name().toLowerCase(Locale.ROOT),
                cfg.state().onFailure().throttle().name().toLowerCase(Locale.ROOT));
        Reloader.warnIfExpiring(server.tls(), cfg, Clock.systemUTC().instant());
        reloader.watch(true);

        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (!stopping.compareAndSet(false, true)) return;
            try {
                drain(server, admin, forwarder, reloader, drain);
                state.close(); // after the drain: requests in flight settle their claims first
            } finally {
                flushLogs();
                stopped.countDown();
            }
        };
        StopSignals.install(stop, () -> {
            LOG.warn("second stop signal during the drain: exiting now, requests in flight are cut");
            flushLogs();
            Runtime.getRuntime().halt(1);
        });
        // Where signals cannot be handled, and for any other orderly JVM exit: drain all the same (exit code: the JVM's).
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "authgate-shutdown"));
        stopped.await();
        return 0;
    }

    private static void drain(GatewayServer server, AdminServer admin, UpstreamForwarder forwarder, Reloader reloader,
                              Duration timeout) {
        long started = System.nanoTime();
        LOG.info("draining: /readyz answers 503, no new connections, idle connections close, requests in flight "
                + "have up to {} to finish", Durations.format(timeout));
        try {
            reloader.close();
            server.stop(timeout);
            forwarder.close();
        } finally {
            admin.stop();
        }
        LOG.info("drained in {} ms; exiting", (System.nanoTime() - started) / 1_000_000);
    }

    /** Version, TLS provider, listeners, drain and reload settings, and the route table. */
    private void banner(GatewayConfig cfg, GatewayServer server, AdminServer admin, Reloader reloader,
                        Duration drain) {
        TlsConfig tls = cfg.listen().tls();
        LOG.info("authgate {} starting as gateway {}", Version.get(), cfg.name());
        if (tls == null) {
            LOG.info("TLS: off, plain HTTP (only behind a TLS-terminating load balancer)");
        } else {
            LOG.info("TLS: provider {}, protocols {}, certificate {} valid until {}", server.tlsProvider(),
                    String.join(",", tls.protocols()), server.tls().leaf().getSubjectX500Principal().getName(),
                    server.tls().notAfter());
        }
        LOG.info("listening on {}://{} (gateway)", tls == null ? "http" : "https",
                new HostPort(cfg.listen().host(), server.port()));
        LOG.info("listening on http://{} (admin: /healthz /readyz /metrics)",
                new HostPort(cfg.admin().host(), admin.port()));
        LOG.info("reload: on SIGHUP or a change to {} watched file(s); drain on SIGTERM: up to {}; access log: {}",
                reloader.watchedFiles(), Durations.format(drain), logFormat);
        LOG.info("{} route(s):", cfg.routes().size());
        for (String line : RouteTable.format(cfg.routes()).split("\n")) {
            LOG.info("  {}", line);
        }
    }

    /** Stops logback so that its async access-log queue is written out before the JVM exits. */
    private static void flushLogs() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof ch.qos.logback.classic.LoggerContext) {
            ((ch.qos.logback.classic.LoggerContext) factory).stop();
        }
    }
}
