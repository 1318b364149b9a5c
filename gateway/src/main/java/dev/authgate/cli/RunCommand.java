package dev.authgate.cli;

import dev.authgate.Version;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigLoader;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.RouteConfig;
import dev.authgate.config.TlsConfig;
import dev.authgate.proxy.UpstreamForwarder;
import dev.authgate.replay.InMemoryReplayStore;
import dev.authgate.replay.ReplayStore;
import dev.authgate.server.GatewayServer;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code authgate run --config FILE}: start the gateway (the default command). Exit 1 when the config is invalid or
 * the address cannot be bound, 2 on a usage error; otherwise runs until the JVM is asked to stop (SIGTERM, Ctrl-C),
 * then drains and exits.
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

    @Override
    public Integer call() throws InterruptedException {
        if (!"text".equals(logFormat) && !"json".equals(logFormat)) {
            System.err.println("run: --log-format: '" + logFormat + "' (expected: text or json)");
            return 2;
        }
        GatewayConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        if ("json".equals(logFormat)) {
            LOG.warn("--log-format json is not available yet; the access log is written as text");
        }
        ReplayStore replayStore = new InMemoryReplayStore(REPLAY_STORE_ENTRIES);
        UpstreamForwarder forwarder = new UpstreamForwarder();
        GatewayServer server;
        try {
            server = new GatewayServer(cfg, forwarder, replayStore).start();
        } catch (IllegalArgumentException | IllegalStateException e) {
            forwarder.close();
            System.err.println("authgate: " + e.getMessage());
            return 1;
        }
        logStartup(cfg, server);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: draining connections (up to {} s)", GatewayServer.DEFAULT_DRAIN.toSeconds());
            server.stop();
            forwarder.close();
            LOG.info("stopped");
            flushLogs();
            stopped.countDown();
        }, "authgate-shutdown"));
        stopped.await();
        return 0;
    }

    private static void logStartup(GatewayConfig cfg, GatewayServer server) {
        TlsConfig tls = cfg.listen().tls();
        String scheme = tls == null ? "http" : "https";
        String tlsInfo = tls == null ? "TLS off (plain HTTP)"
                : "TLS " + server.tlsProvider() + " " + String.join(",", tls.protocols());
        LOG.info("authgate {} gateway {} listening on {}://{}:{} ({}), {} route(s)", Version.get(), cfg.name(),
                scheme, cfg.listen().host(), server.port(), tlsInfo, cfg.routes().size());
        for (RouteConfig r : cfg.routes()) {
            String match = r.match().path() != null ? "path " + r.match().path()
                    : "path_prefix " + r.match().pathPrefix();
            String methods = r.match().methods().isEmpty() ? "any method" : String.join(",", r.match().methods());
            String target = r.upstream() != null
                    ? "upstream " + r.upstream() + " (" + cfg.upstreams().get(r.upstream()).url() + ")"
                    : "respond " + r.respond();
            LOG.info("route {}: {} [{}] auth {} -> {}", r.name(), match, methods, r.auth().scheme(), target);
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
