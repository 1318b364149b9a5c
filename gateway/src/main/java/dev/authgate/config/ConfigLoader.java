package dev.authgate.config;

import dev.authgate.http.TraceContext;
import dev.authgate.tls.SslContexts;
import dev.authgate.tls.TlsConfig;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.representer.Representer;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads {@code gateway.yaml} into a validated {@link GatewayConfig}. All validation happens here (and in the record
 * constructors); every error is a {@link ConfigException} whose message names the file, line and key path:
 * {@code gateway.yaml:14: routes[2].auth.hmac.secrets[0]: environment variable GH_SECRET is not set}.
 *
 * <p>Loading resolves every secret ({@code ${env:NAME}}, {@code ${file:PATH}}), reads htpasswd files, and loads the
 * TLS certificate and key through {@link SslContexts#forServer} (so a key that does not match its certificate is a
 * config error); it binds nothing. Relative paths resolve against the config file's folder. Warnings (inline
 * secrets, secrets padded with whitespace, plain HTTP, unused upstreams) never stop loading; they name the key path,
 * never a value.
 */
public final class ConfigLoader {
    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);
    /** Route, upstream and gateway names: they go into logs, metric labels and {@code Via}. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final String NAME_RULE = "letters, digits, '.', '_' or '-'";
    private static final int MAX_CONFIG_BYTES = 1024 * 1024;
    private static final List<String> OLD_PROTOCOLS = List.of("SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1");

    private final String shownFile;
    private final Path file;
    private final Consumer<String> warnings;
    private final Set<Path> referencedFiles = new LinkedHashSet<>();
    private final SecretResolver secrets;
    private final AuthReader auth;

    private ConfigLoader(Path file, Function<String, String> env, Consumer<String> warnings, AuthReader auth) {
        this.shownFile = file.toString();
        this.file = file.toAbsolutePath().normalize();
        this.warnings = warnings;
        this.secrets = new SecretResolver(this.file.getParent(), env, warnings, referencedFiles);
        this.auth = auth;
    }

    /** {@link #load(Path, Function, Consumer, AuthReader)} with the process environment; warnings are logged at WARN. */
    public static GatewayConfig load(Path file, AuthReader auth) throws ConfigException {
        return load(file, System::getenv, ConfigLoader::logWarning, auth);
    }

    /** {@link #load(Path, Function, Consumer, AuthReader)} with {@code env} as the environment; warnings at WARN. */
    public static GatewayConfig load(Path file, Map<String, String> env, AuthReader auth) throws ConfigException {
        Objects.requireNonNull(env, "env");
        return load(file, env::get, ConfigLoader::logWarning, auth);
    }

    /**
     * Loads and fully validates the file: secrets resolved, certificate and key loaded and matched.
     *
     * @param file     the config file; messages name it as given, {@link GatewayConfig#source()} is absolute
     * @param env      looks up {@code ${env:NAME}} variables; returns null for an unset variable
     * @param warnings receives each warning as {@code FILE:LINE: KEY.PATH: text}
     * @param auth     reads each {@code routes[N].auth}: the scheme registry, {@code AuthSchemes.standard()}
     * @throws ConfigException the first problem found, as {@code FILE:LINE: KEY.PATH: problem}; never a secret value
     */
    public static GatewayConfig load(Path file, Function<String, String> env, Consumer<String> warnings,
                                     AuthReader auth) throws ConfigException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(warnings, "warnings");
        Objects.requireNonNull(auth, "auth");
        return new ConfigLoader(file, env, warnings, auth).load();
    }

    private static void logWarning(String warning) {
        log.warn("config: {}", warning);
    }

    private static final String[] TLS_KEYS = {"cert", "key", "protocols", "expiry_warning", "client_ca", "client_crl"};

    private GatewayConfig load() throws ConfigException {
        referencedFiles.add(file);
        ConfigMap top = ConfigNode.root(shownFile, parse())
                .map("gateway", "listen", "limits", "admin", "errors", "trace", "upstreams", "routes", "state");
        String name = gatewayName(top.get("gateway"));
        ConfigMap listenMap = top.require("listen").map("address", "tls");
        ListenConfig listen = listen(listenMap);
        LimitsConfig limits = LimitsReader.read(top.get("limits"));
        AdminConfig admin = new AdminReader(secrets).read(top.get("admin"), listenMap, listen);
        ErrorsConfig errors = top.get("errors") == null ? ErrorsConfig.defaults()
                : new ErrorsConfig(top.get("errors").map("expose_reason").bool("expose_reason", true));
        TraceContext.Mode trace = traceMode(top.get("trace"));
        Map<String, UpstreamConfig> upstreams = RouteReader.upstreams(top.get("upstreams"));
        List<RouteConfig> routes = new RouteReader(auth, secrets).routes(top.require("routes"), upstreams);
        warnUnusedUpstreams(top.get("upstreams"), upstreams, routes);
        RouteReader.requireClientCa(top.require("routes"), routes, listen);
        StateConfig state = new StateReader(secrets).read(top.get("state"));
        // last: the most expensive check, after everything cheap has passed
        if (listen.tls() != null) checkTls(listenMap.get("tls").map(TLS_KEYS), listen.tls());
        return new GatewayConfig(name, listen, limits, admin, errors, trace, upstreams, routes, state, file,
                referencedFiles);
    }

    /** {@code trace: { mode: propagate | restart | ignore }}; absent: propagate. */
    private static TraceContext.Mode traceMode(ConfigNode trace) throws ConfigException {
        if (trace == null) return TraceContext.Mode.PROPAGATE;
        ConfigNode mode = trace.map("mode").get("mode");
        if (mode == null) return TraceContext.Mode.PROPAGATE;
        String m = mode.string();
        for (TraceContext.Mode candidate : TraceContext.Mode.values()) {
            if (candidate.key().equals(m)) return candidate;
        }
        throw mode.error("'" + Sizes.echo(m) + "' (expected: propagate, restart or ignore)");
    }

    private Node parse() throws ConfigException {
        String text;
        try {
            if (Files.isDirectory(file)) throw new ConfigException(shownFile + ": is a directory, expected a file");
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                throw new ConfigException(shownFile + ": larger than " + Sizes.format(MAX_CONFIG_BYTES));
            }
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new ConfigException(shownFile + ": file not found");
        } catch (CharacterCodingException e) {
            throw new ConfigException(shownFile + ": not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(shownFile + ": cannot read: " + e.getClass().getSimpleName());
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(30);
        options.setCodePointLimit(MAX_CONFIG_BYTES);
        // compose only builds a node tree; SafeConstructor is there so that no path could build arbitrary types
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
                options);
        Node root;
        try {
            root = yaml.compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            throw new ConfigException(shownFile + ":" + line + ": YAML syntax: " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new ConfigException(shownFile + ": YAML: " + e.getMessage(), e);
        }
        if (root == null) throw new ConfigException(shownFile + ": the file is empty");
        return root;
    }

    private String gatewayName(ConfigNode gateway) throws ConfigException {
        ConfigNode n = gateway == null ? null : gateway.map("name").get("name");
        if (n == null) return hostName();
        return name(n, n.string(), "name");
    }

    /** The default {@code gateway.name}: the host name, else {@code authgate}; looked up once per process. */
    static String hostName() {
        return HostName.VALUE;
    }

    /** Lazy holder: the lookup may touch the resolver, so it runs once, not on every reload. */
    private static final class HostName {
        static final String VALUE = lookup();

        private static String lookup() {
            try {
                String h = InetAddress.getLocalHost().getHostName();
                if (NAME.matcher(h).matches()) return h;
            } catch (IOException e) {
                log.debug("no host name, gateway.name defaults to authgate", e);
            }
            return "authgate";
        }
    }

    static String name(ConfigNode at, String value, String what) throws ConfigException {
        if (!NAME.matcher(value).matches()) {
            throw at.error("expected a " + what + " of " + NAME_RULE + ", got '" + Sizes.echo(value) + "'");
        }
        return value;
    }

    private ListenConfig listen(ConfigMap m) throws ConfigException {
        HostPort address = hostPort(m.require("address"));
        TlsConfig tls = null;
        ConfigNode t = m.get("tls");
        if (t != null) {
            ConfigMap tm = t.map(TLS_KEYS);
            Path cert = existingFile(tm.require("cert"));
            Path key = existingFile(tm.require("key"));
            Path clientCa = tm.get("client_ca") == null ? null : existingFile(tm.get("client_ca"));
            Path clientCrl = tm.get("client_crl") == null ? null : existingFile(tm.get("client_crl"));
            try {
                tls = new TlsConfig(cert, key, protocols(tm.get("protocols")),
                        expiryWarning(tm.get("expiry_warning")), clientCa, clientCrl);
            } catch (IllegalArgumentException e) {
                throw tm.wrap(e);
            }
        } else {
            warnings.accept(m.self().warning(
                    "no tls: serving plain HTTP (only behind a TLS-terminating load balancer)"));
        }
        try {
            return new ListenConfig(address.host(), address.port(), tls);
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    static HostPort hostPort(ConfigNode n) throws ConfigException {
        String s = n.string();
        try {
            return HostPort.parse(s);
        } catch (IllegalArgumentException e) {
            throw n.error(e.getMessage());
        }
    }

    private Path existingFile(ConfigNode n) throws ConfigException {
        Path p = secrets.resolvePath(n, n.text());
        referencedFiles.add(p);
        if (!Files.exists(p)) throw n.error("file " + p + " not found");
        if (Files.isDirectory(p)) throw n.error(p + " is a directory, expected a file");
        if (!Files.isReadable(p)) throw n.error("file " + p + " is not readable (permission denied)");
        return p;
    }

    /** {@code listen.tls.expiry_warning}: a duration, or {@code 0s} to never warn. */
    private static Duration expiryWarning(ConfigNode n) throws ConfigException {
        if (n == null) return null;
        String text = n.string();
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw n.error(e.getMessage());
        }
    }

    private static List<String> protocols(ConfigNode n) throws ConfigException {
        if (n == null) return null;
        List<String> out = new ArrayList<>();
        for (ConfigNode item : n.list()) {
            String p = item.string();
            if (OLD_PROTOCOLS.contains(p)) {
                throw item.error(p + " is not allowed; the minimum is TLSv1.2 (expected: TLSv1.3, TLSv1.2)");
            }
            if (!TlsConfig.DEFAULT_PROTOCOLS.contains(p)) {
                throw item.error("'" + Sizes.echo(p) + "' is not a TLS protocol name (expected: TLSv1.3, TLSv1.2)");
            }
            if (!out.contains(p)) out.add(p);
        }
        if (out.isEmpty()) throw n.error("expected at least one of TLSv1.3, TLSv1.2 (leave protocols out for both)");
        return out;
    }

    /** Loads the certificate and key as the server will, so a mismatch fails here and in {@code check}. */
    private static void checkTls(ConfigMap tm, TlsConfig tls) throws ConfigException {
        Object context;
        try {
            context = SslContexts.forServer(tls);
        } catch (IllegalArgumentException e) {
            throw tm.wrap(e);
        } catch (RuntimeException e) {
            throw tm.self().errorAtKey("cannot load the certificate and key: " + e.getMessage());
        }
        // only a probe: an OpenSSL context holds native memory until released
        ReferenceCountUtil.release(context);
    }

    private void warnUnusedUpstreams(ConfigNode n, Map<String, UpstreamConfig> upstreams, List<RouteConfig> routes)
            throws ConfigException {
        if (n == null) return;
        ConfigMap names = n.mapOfNames();
        for (String name : upstreams.keySet()) {
            if (routes.stream().noneMatch(r -> name.equals(r.upstream()))) {
                warnings.accept(names.raw(name).warning("not used by any route"));
            }
        }
    }
}
