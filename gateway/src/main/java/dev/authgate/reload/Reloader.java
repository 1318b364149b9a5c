package dev.authgate.reload;

import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.AdminConfig;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigLoader;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.HostPort;
import dev.authgate.config.ListenConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.server.GatewayServer;
import dev.authgate.tls.CertificateExpiry;
import dev.authgate.tls.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Hot reload of a running gateway: loads and fully validates the config file again ({@link ConfigLoader}: secrets,
 * htpasswd, certificate and key), then swaps it into the {@link GatewayServer} at once ({@link GatewayServer#reload}:
 * routes, auth, limits, upstreams, and the TLS certificate for new handshakes). Requests in flight finish on the old
 * config; no connection is dropped.
 *
 * <p>An invalid config is refused: one ERROR line names the file, line, key and reason, the old config keeps serving,
 * and {@code authgate_config_reloads_total{result="failure"}} counts it. {@code listen.address} and
 * {@code admin.address} cannot change without a restart (the sockets stay bound): a change logs a warning and
 * everything else is applied. A served certificate within {@code listen.tls.expiry_warning} of its expiry logs a
 * warning at each reload (and at start, {@link #warnIfExpiring}).
 *
 * <p>{@link #watch} starts a {@link ConfigWatcher} on the config file and every file it references, and the
 * {@code SIGHUP} handler; both call {@link #reload()}. Thread-safe: reloads never run concurrently.
 */
public final class Reloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

    /** Loads a config file; {@link ConfigLoader#load(Path, dev.authgate.config.AuthReader)} in production. */
    @FunctionalInterface
    public interface Loader {
        GatewayConfig load(Path file) throws ConfigException;
    }

    private final Path configFile;
    private final GatewayServer server;
    private final Metrics metrics;
    private final Loader loader;
    private final Clock clock;
    private final ListenConfig boundListen;
    private final AdminConfig boundAdmin;
    private volatile GatewayConfig current;
    private ConfigWatcher watcher;
    private boolean closed;

    /** A reloader reading {@code configFile} with {@link ConfigLoader} and the standard auth
     * schemes on the system clock. */
    public Reloader(Path configFile, GatewayConfig initial, GatewayServer server, Metrics metrics) {
        this(configFile, initial, server, metrics, f -> ConfigLoader.load(f, AuthSchemes.standard()),
                Clock.systemUTC());
    }

    /**
     * @param configFile the file to load on each reload
     * @param initial    the config the server (and the admin listener) started with
     * @param loader     how to load the file (tests pass one with their own environment)
     * @param clock      for the reload timestamps and the certificate expiry warning
     */
    public Reloader(Path configFile, GatewayConfig initial, GatewayServer server, Metrics metrics, Loader loader,
                    Clock clock) {
        this.configFile = Objects.requireNonNull(configFile, "configFile");
        this.current = Objects.requireNonNull(initial, "initial");
        this.server = Objects.requireNonNull(server, "server");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.boundListen = initial.listen();
        this.boundAdmin = initial.admin();
    }

    /** The config in force (the initial one until a reload succeeds). */
    public GatewayConfig current() {
        return current;
    }

    /**
     * Loads the file and swaps it in, or refuses it and keeps the old config.
     *
     * @return true when the new config is in force
     */
    public synchronized boolean reload() {
        if (server.isDraining()) {
            LOG.info("config reload skipped: the gateway is draining");
            return false;
        }
        Instant now = clock.instant();
        GatewayConfig next;
        try {
            next = loader.load(configFile);
            server.reload(next);
        } catch (ConfigException | IllegalArgumentException e) {
            metrics.configReloaded(false, now, e.getMessage());
            LOG.error("config reload refused, the previous config keeps serving: {}", e.getMessage());
            return false;
        } catch (RuntimeException e) {
            metrics.configReloaded(false, now, "failed unexpectedly (" + e.getClass().getSimpleName()
                    + "); the log has the stack trace");
            LOG.error("config reload failed unexpectedly, the previous config keeps serving", e);
            return false;
        }
        current = next;
        metrics.configReloaded(true, now);
        metrics.recentRejections().capacity(next.admin().recentRejections());
        warnAboutUnappliedAddresses(next);
        LOG.info("config reloaded from {}: {} route(s), TLS {}", configFile, next.routes().size(),
                server.tls() == null ? "off" : "certificate valid until " + server.tls().notAfter());
        warnIfExpiring(server.tls(), next, now);
        ConfigWatcher w = watcher;
        if (w != null) w.setFiles(filesOf(next));
        return true;
    }

    /**
     * Starts reloading on changes to the config file or any file it references (checked every {@code pollInterval}
     * besides file-system events, debounced by {@code debounce}) and, when {@code sighup}, on {@code SIGHUP}.
     */
    public synchronized void watch(boolean sighup, Duration debounce, Duration pollInterval) {
        if (watcher != null || closed) throw new IllegalStateException("watch: already watching or closed");
        watcher = new ConfigWatcher(filesOf(current), this::reload, debounce, pollInterval);
        watcher.start();
        if (sighup && watcher.installSighupHandler()) {
            LOG.debug("SIGHUP reloads the config");
        }
    }

    /** {@link #watch(boolean, Duration, Duration)} with the watcher's defaults (300 ms debounce, 2 s poll). */
    public void watch(boolean sighup) {
        watch(sighup, ConfigWatcher.DEFAULT_DEBOUNCE, ConfigWatcher.DEFAULT_POLL_INTERVAL);
    }

    /** How many files are watched (the config file and every file it references). */
    public int watchedFiles() {
        return filesOf(current).size();
    }

    /** Stops watching and restores the previous {@code SIGHUP} handler. Idempotent. */
    @Override
    public void close() {
        ConfigWatcher w;
        synchronized (this) {
            closed = true;
            w = watcher;
            watcher = null;
        }
        if (w != null) w.close();
    }

    /**
     * Logs a WARN when the served certificate expires within {@code listen.tls.expiry_warning} (or has expired).
     *
     * @param tls the served setup, or null for plain HTTP (nothing to say)
     * @return the warning logged, or null
     */
    public static String warnIfExpiring(ServerTls tls, GatewayConfig config, Instant now) {
        if (tls == null || config.listen().tls() == null) return null;
        String warning = CertificateExpiry.warning(tls, config.listen().tls().expiryWarning(), now);
        if (warning != null) LOG.warn("listen.tls.cert: {}", warning);
        for (String client : CertificateExpiry.clientWarnings(tls, config.listen().tls().expiryWarning(), now)) {
            LOG.warn("listen.tls.{}", client);
        }
        return warning;
    }

    private void warnAboutUnappliedAddresses(GatewayConfig next) {
        ListenConfig l = next.listen();
        if (!l.host().equals(boundListen.host()) || l.port() != boundListen.port()) {
            LOG.warn("listen.address: changed to {}, which needs a restart; still listening on {}",
                    new HostPort(l.host(), l.port()), new HostPort(boundListen.host(), boundListen.port()));
        }
        AdminConfig a = next.admin();
        if (!a.host().equals(boundAdmin.host()) || a.port() != boundAdmin.port()) {
            LOG.warn("admin.address: changed to {}, which needs a restart; the admin listener stays on {}",
                    new HostPort(a.host(), a.port()), new HostPort(boundAdmin.host(), boundAdmin.port()));
        }
        if (!java.util.Objects.equals(a.token(), boundAdmin.token())) {
            LOG.warn("admin.token: changed, which needs a restart; the admin listener keeps the token it started with");
        }
    }

    private Set<Path> filesOf(GatewayConfig config) {
        Set<Path> files = new LinkedHashSet<>();
        files.add(configFile.toAbsolutePath().normalize());
        for (Path f : config.referencedFiles()) files.add(f.toAbsolutePath().normalize());
        return files;
    }
}
