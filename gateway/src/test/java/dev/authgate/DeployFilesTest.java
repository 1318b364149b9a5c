package dev.authgate;

import dev.authgate.admin.AdminServer;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.AdminConfig;
import dev.authgate.config.ConfigLoader;
import dev.authgate.config.Durations;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.StateConfig;
import dev.authgate.config.UpstreamConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.testing.TestCerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code deploy/docker-compose.yaml} (with {@code deploy/compose/}) and {@code deploy/kubernetes/}: no Docker engine
 * or Kubernetes cluster runs on our machines, so they are parsed and checked against the code instead of run. The
 * config each gateway runs is loaded with the real {@link ConfigLoader} from a copy of the container's file system
 * (every mount recreated, certificates where the mounts put them), with only the environment the file provides:
 * every {@code ${env:}} the config names is provided (on Kubernetes from a Secret), ports and hosts agree between the
 * config, the load balancer, the probes and the services, the probes answer 200 without a token on a real admin
 * listener started with the shipped admin config, and the grace period exceeds the drain (plus the preStop pause).
 */
class DeployFilesTest {
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern COMPOSE_VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?][^}]*)?}");
    private static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private static Path root() {
        return Path.of(System.getProperty("authgate.projectRoot", "..")).toAbsolutePath().normalize();
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        assertTrue(o instanceof Map, what + ": expected a mapping, got " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String what) {
        assertTrue(o instanceof List, what + ": expected a list, got " + o);
        return (List<Object>) o;
    }

    private static List<String> strings(Object o, String what) {
        return list(o, what).stream().map(String::valueOf).toList();
    }

    /** The value after {@code flag} in a command line, or null. */
    private static String flag(List<String> command, String flag) {
        int i = command.indexOf(flag);
        return i >= 0 && i + 1 < command.size() ? command.get(i + 1) : null;
    }

    private static Duration drain(List<String> command) {
        String d = flag(command, "--drain-timeout");
        return d == null ? DEFAULT_DRAIN : Durations.parse(d);
    }

    /**
     * Loads {@code config} (a path inside {@code fs}) with only {@code env}; fails naming a {@code ${env:}} the
     * environment does not provide.
     */
    private static GatewayConfig load(String what, Path config, Map<String, String> env) throws Exception {
        String text = Files.readString(config, StandardCharsets.UTF_8).replaceAll("(?m)#.*$", "");
        Set<String> referenced = new TreeSet<>();
        Matcher m = ENV.matcher(text);
        while (m.find()) referenced.add(m.group(1));
        Set<String> missing = new TreeSet<>(referenced);
        missing.removeAll(env.keySet());
        assertEquals(Set.of(), missing, what + ": ${env:} names the config uses that the environment does not provide");
        List<String> warnings = new ArrayList<>();
        GatewayConfig loaded = ConfigLoader.load(config, env::get, warnings::add, AuthSchemes.standard());
        assertFalse(loaded.routes().isEmpty(), what + ": no routes");
        return loaded;
    }

    /** Each probe path answers 200 without a token on a real admin listener with the shipped admin settings. */
    private static void probesAnswer(String what, GatewayConfig config, List<String> paths) throws Exception {
        AdminConfig shipped = config.admin();
        AdminConfig local = new AdminConfig("127.0.0.1", 0, shipped.recentRejections(), shipped.token());
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (AdminServer admin = AdminServer.start(local, new Metrics(), () -> true, () -> "state: test")) {
            for (String path : paths) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + admin.port() + path)).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), what + ": probe " + path + " without a token: " + r.body());
            }
        }
    }

    private static void writeCerts(Path dir, String certName, String keyName, Path scratch) throws IOException {
        TestCerts certs = TestCerts.create(scratch);
        Files.createDirectories(dir);
        Files.copy(certs.serverCert(), dir.resolve(certName));
        Files.copy(certs.serverKey(), dir.resolve(keyName));
    }

    // --- Compose ------------------------------------------------------------------------------------------------

    @Test
    void composeDescribesTheClusterFleet() throws Exception {
        Path deploy = root().resolve("deploy");
        Map<String, Object> compose = map(yaml().load(Files.readString(deploy.resolve("docker-compose.yaml"))),
                "docker-compose.yaml");
        Map<String, Object> services = map(compose.get("services"), "services");
        for (String name : List.of("redis", "echo", "gateway-1", "gateway-2", "haproxy")) {
            assertTrue(services.containsKey(name), "service " + name + " missing: " + services.keySet());
        }
        List<String> gateways = services.entrySet().stream()
                .filter(e -> "run".equals(strings(map(e.getValue(), e.getKey()).getOrDefault("command", List.of()),
                        e.getKey() + ".command").stream().findFirst().orElse("")))
                .map(Map.Entry::getKey).sorted().toList();
        assertEquals(List.of("gateway-1", "gateway-2"), gateways, "services that run a gateway");

        List<String> configTexts = new ArrayList<>();
        GatewayConfig first = null;
        for (String name : gateways) {
            Map<String, Object> service = map(services.get(name), name);
            List<String> command = strings(service.get("command"), name + ".command");
            String configPath = flag(command, "--config");
            assertNotNull(configPath, name + ": run without --config");

            // Recreate the container's file system from the bind mounts.
            Path fs = Files.createDirectories(tmp.resolve(name));
            for (String volume : strings(service.get("volumes"), name + ".volumes")) {
                String[] parts = volume.split(":");
                Path source = deploy.resolve(parts[0]).normalize();
                Path target = fs.resolve(parts[1].substring(1));
                if (parts[0].equals("../certs")) {
                    // scripts/gen-certs makes certs/ (not in git): the names it writes are what the config may use.
                    String genCerts = Files.readString(root().resolve("scripts/gen-certs"));
                    assertTrue(genCerts.contains("server.crt") && genCerts.contains("server.key"),
                            "scripts/gen-certs writes server.crt and server.key");
                    writeCerts(target, "server.crt", "server.key", tmp.resolve(name + "-certs"));
                } else {
                    assertTrue(Files.isRegularFile(source), name + ": mounted file " + source + " missing");
                    Files.createDirectories(target.getParent());
                    Files.copy(source, target);
                    configTexts.add(Files.readString(source));
                }
            }
            Path config = fs.resolve(configPath.substring(1));
            assertTrue(Files.isRegularFile(config), name + ": --config " + configPath + " is not a mounted file");

            Map<String, String> env = new HashMap<>();
            map(service.get("environment"), name + ".environment").forEach((k, v) -> {
                Matcher m = COMPOSE_VAR.matcher(String.valueOf(v));
                env.put(k, m.find() ? "test-" + m.group(1).toLowerCase(Locale.ROOT) + "-0123456789abcdef" : "" + v);
            });
            GatewayConfig loaded = load(name, config, env);
            assertEquals(StateConfig.Store.REDIS, loaded.state().store(), name + ": state.store");

            // Redis and the upstream are services of this file, on the ports they listen on.
            URI redis = URI.create(env.get("AUTHGATE_REDIS_URL"));
            assertTrue(strings(map(services.get(redis.getHost()), redis.getHost()).get("expose"), "redis.expose")
                    .contains(String.valueOf(redis.getPort())), name + ": Redis URL " + redis);
            for (UpstreamConfig upstream : loaded.upstreams().values()) {
                Map<String, Object> target = map(services.get(upstream.host()), "upstream host " + upstream.host());
                assertTrue(String.join(" ", strings(target.get("command"), upstream.host() + ".command"))
                        .contains(":" + upstream.port()), name + ": upstream " + upstream.host() + " listens on "
                        + upstream.port());
            }
            List<String> expose = strings(service.get("expose"), name + ".expose");
            assertTrue(expose.contains(String.valueOf(loaded.listen().port())), name + ": exposes the listen port");
            assertTrue(expose.contains(String.valueOf(loaded.admin().port())), name + ": exposes the admin port");

            // Health check: the admin port, a path that answers without a token.
            List<String> check = strings(map(service.get("healthcheck"), name + ".healthcheck").get("test"),
                    name + ".healthcheck.test");
            URI url = URI.create(flag(check, "--url"));
            assertEquals(loaded.admin().port(), url.getPort(), name + ": health check port is the admin port");
            probesAnswer(name, loaded, List.of(url.getPath()));

            Duration grace = Durations.parse(String.valueOf(service.get("stop_grace_period")));
            assertTrue(grace.compareTo(drain(command)) > 0,
                    name + ": stop_grace_period " + grace + " must exceed the drain " + drain(command));
            if (first == null) first = loaded;
            else assertEquals(first.listen().port(), loaded.listen().port(), "the gateways run one config");
        }
        assertEquals(1, configTexts.stream().distinct().count(), "both gateways mount the same config");

        // HAProxy: every server is a gateway service on its listen port, checked on its admin port; bind = published.
        Map<String, Object> haproxy = map(services.get("haproxy"), "haproxy");
        String cfgVolume = strings(haproxy.get("volumes"), "haproxy.volumes").get(0);
        String cfg = Files.readString(deploy.resolve(cfgVolume.split(":")[0]));
        Matcher server = Pattern.compile("(?m)^\\s*server\\s+\\S+\\s+([\\w.-]+):(\\d+)\\s+check\\s+port\\s+(\\d+)")
                .matcher(cfg);
        Set<String> balanced = new TreeSet<>();
        while (server.find()) {
            balanced.add(server.group(1));
            assertEquals(first.listen().port(), Integer.parseInt(server.group(2)), "haproxy server port: " + server.group());
            assertEquals(first.admin().port(), Integer.parseInt(server.group(3)), "haproxy check port: " + server.group());
        }
        assertEquals(new TreeSet<>(gateways), balanced, "haproxy balances over every gateway");
        Matcher httpchk = Pattern.compile("option httpchk GET (\\S+)").matcher(cfg);
        assertTrue(httpchk.find(), "haproxy checks a health path");
        probesAnswer("haproxy check", first, List.of(httpchk.group(1)));
        Matcher bind = Pattern.compile("(?m)^\\s*bind\\s+\\S*:(\\d+)").matcher(cfg);
        assertTrue(bind.find(), "haproxy binds");
        String published = bind.group(1);
        assertTrue(strings(haproxy.get("ports"), "haproxy.ports").stream()
                .anyMatch(p -> p.endsWith(":" + published + ":" + published)), "haproxy publishes " + published);
    }

    // --- Kubernetes ---------------------------------------------------------------------------------------------

    @Test
    void kubernetesManifestsAgreeWithTheCode() throws Exception {
        Map<String, Map<String, Object>> byKind = new HashMap<>();
        try (Stream<Path> files = Files.list(root().resolve("deploy/kubernetes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : yaml().loadAll(Files.readString(f))) {
                    if (doc == null) continue;
                    Map<String, Object> d = map(doc, f.toString());
                    if (byKind.put(String.valueOf(d.get("kind")), d) != null) fail("more than one " + d.get("kind"));
                }
            }
        }
        for (String kind : List.of("Deployment", "Service", "ConfigMap", "PodDisruptionBudget")) {
            assertTrue(byKind.containsKey(kind), kind + " missing: " + byKind.keySet());
        }
        assertFalse(byKind.containsKey("Secret"), "no Secret with values is shipped: deployment.yaml says how to make them");

        Map<String, Object> deployment = byKind.get("Deployment");
        Map<String, Object> spec = map(deployment.get("spec"), "spec");
        assertTrue(((Number) spec.get("replicas")).intValue() >= 2, "at least two replicas");
        Map<String, Object> template = map(spec.get("template"), "template");
        Map<String, Object> podLabels = map(map(template.get("metadata"), "template.metadata").get("labels"), "labels");
        assertEquals(map(spec.get("selector"), "selector").get("matchLabels"), podLabels, "selector = pod labels");
        Map<String, Object> pod = map(template.get("spec"), "pod spec");
        List<Object> containers = list(pod.get("containers"), "containers");
        assertEquals(1, containers.size(), "one container");
        Map<String, Object> container = map(containers.get(0), "container");
        List<String> args = strings(container.get("args"), "args");
        assertEquals("run", args.get(0), "the container runs the gateway");
        String configPath = flag(args, "--config");
        assertNotNull(configPath, "run without --config");

        // Recreate the pod's file system from its volume mounts.
        Map<String, Map<String, Object>> volumes = new HashMap<>();
        for (Object v : list(pod.get("volumes"), "volumes")) {
            Map<String, Object> volume = map(v, "volume");
            volumes.put(String.valueOf(volume.get("name")), volume);
        }
        Path fs = Files.createDirectories(tmp.resolve("pod"));
        for (Object mo : list(container.get("volumeMounts"), "volumeMounts")) {
            Map<String, Object> mount = map(mo, "volumeMount");
            Map<String, Object> volume = volumes.get(String.valueOf(mount.get("name")));
            assertNotNull(volume, "volumeMount " + mount.get("name") + " names no volume");
            Path target = Files.createDirectories(fs.resolve(String.valueOf(mount.get("mountPath")).substring(1)));
            if (volume.containsKey("configMap")) {
                Map<String, Object> cm = byKind.get("ConfigMap");
                assertEquals(map(volume.get("configMap"), "configMap").get("name"),
                        map(cm.get("metadata"), "ConfigMap.metadata").get("name"), "the ConfigMap volume's name");
                for (Map.Entry<String, Object> e : map(cm.get("data"), "ConfigMap.data").entrySet()) {
                    Files.writeString(target.resolve(e.getKey()), String.valueOf(e.getValue()));
                }
            } else if (volume.containsKey("secret")) {
                // A kubernetes.io/tls Secret (kubectl create secret tls) holds tls.crt and tls.key.
                writeCerts(target, "tls.crt", "tls.key", tmp.resolve("pod-certs"));
            } else {
                assertTrue(volume.containsKey("emptyDir"), "volume kinds: configMap, secret, emptyDir: " + volume);
            }
        }
        Path config = fs.resolve(configPath.substring(1));
        assertTrue(Files.isRegularFile(config), "--config " + configPath + " is not in a mounted ConfigMap");

        // Every ${env:} the config names comes from a Secret.
        Map<String, String> env = new HashMap<>();
        for (Object eo : list(container.get("env"), "env")) {
            Map<String, Object> e = map(eo, "env entry");
            String name = String.valueOf(e.get("name"));
            Map<String, Object> from = map(e.get("valueFrom"), "env " + name + ".valueFrom");
            Map<String, Object> ref = map(from.get("secretKeyRef"), "env " + name + " comes from a Secret");
            assertNotNull(ref.get("name"), name + ": secretKeyRef.name");
            assertNotNull(ref.get("key"), name + ": secretKeyRef.key");
            env.put(name, name.equals("AUTHGATE_REDIS_URL") ? "rediss://authgate:test-password@redis.example:6380/0"
                    : "test-" + name.toLowerCase(Locale.ROOT) + "-0123456789abcdef");
        }
        GatewayConfig loaded = load("kubernetes", config, env);
        assertEquals(StateConfig.Store.REDIS, loaded.state().store(), "state.store");
        String configText = Files.readString(config);
        assertTrue(configText.contains("${env:AUTHGATE_REDIS_URL}"), "the Redis URL comes from the environment");

        // Ports: named container ports are the config's; probes on the admin port, on paths that answer.
        Map<String, Integer> ports = new HashMap<>();
        for (Object po : list(container.get("ports"), "ports")) {
            Map<String, Object> p = map(po, "port");
            ports.put(String.valueOf(p.get("name")), ((Number) p.get("containerPort")).intValue());
        }
        assertEquals(loaded.listen().port(), ports.get("https"), "containerPort https = listen.address port");
        assertEquals(loaded.admin().port(), ports.get("admin"), "containerPort admin = admin.address port");
        assertEquals("0.0.0.0", loaded.admin().host(), "the kubelet probes the pod IP: admin.address on all interfaces");
        Map<String, String> probes = new HashMap<>();
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            Map<String, Object> get = map(map(container.get(probe), probe).get("httpGet"), probe + ".httpGet");
            Object port = get.get("port");
            int number = port instanceof Number n ? n.intValue() : ports.getOrDefault(String.valueOf(port), -1);
            assertEquals(loaded.admin().port(), number, probe + " on the admin port");
            probes.put(probe, String.valueOf(get.get("path")));
        }
        assertEquals("/readyz", probes.get("readinessProbe"), "readiness");
        assertEquals("/healthz", probes.get("livenessProbe"), "liveness");
        probesAnswer("kubernetes", loaded, List.copyOf(probes.values()));

        // preStop pause, then SIGTERM drains: the grace period covers both.
        List<String> preStop = strings(map(map(map(container.get("lifecycle"), "lifecycle").get("preStop"), "preStop")
                .get("exec"), "preStop.exec").get("command"), "preStop command");
        assertEquals("sleep", preStop.get(0), "preStop pauses");
        Duration pause = Duration.ofSeconds(Long.parseLong(preStop.get(1)));
        Duration grace = Duration.ofSeconds(((Number) pod.get("terminationGracePeriodSeconds")).longValue());
        assertTrue(grace.compareTo(pause.plus(drain(args))) > 0,
                "terminationGracePeriodSeconds " + grace + " must exceed preStop " + pause + " + drain " + drain(args));

        // Service and PodDisruptionBudget select these pods; the Service targets the gateway port.
        Map<String, Object> service = map(byKind.get("Service").get("spec"), "Service.spec");
        assertEquals(podLabels, service.get("selector"), "Service selector");
        for (Object po : list(service.get("ports"), "Service.ports")) {
            Object target = map(po, "Service port").get("targetPort");
            int number = target instanceof Number n ? n.intValue() : ports.getOrDefault(String.valueOf(target), -1);
            assertEquals(loaded.listen().port(), number, "Service targetPort is the gateway's listen port");
        }
        Map<String, Object> pdb = map(byKind.get("PodDisruptionBudget").get("spec"), "PDB.spec");
        assertEquals(podLabels, map(pdb.get("selector"), "PDB.selector").get("matchLabels"), "PDB selector");
        int minAvailable = ((Number) pdb.get("minAvailable")).intValue();
        if (minAvailable < 1 || minAvailable >= ((Number) spec.get("replicas")).intValue()) {
            fail("PDB minAvailable " + minAvailable + " must keep one pod and allow one disruption");
        }
    }
}
