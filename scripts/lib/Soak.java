// The soak driver behind scripts/soak: a single-file Java program (java -cp authgate.jar Soak.java) so that it
// needs no build of its own and can use the jar's bcrypt for the Basic users' hash.
//
// It starts `authgate echo` and `authgate run` (TLS, loopback), puts a relay between them that counts, by
// X-Request-Id, what reaches the upstream and can be made slow, then drives mixed traffic from worker threads while a
// fault schedule kills and restarts the upstream, slows it down and reloads the config. At the end it prints the
// figures and exits 1 when an invariant breaks.
//
// With --redis: a redis-server it starts on a free port, two gateways sharing it (state.store: redis, replay
// protection on the HMAC route, failed-auth throttling through trusted X-Forwarded-For addresses), traffic spread
// over both, and Redis killed (SIGKILL) and restarted empty twice among the faults. The same invariants hold (a valid
// delivery refused as `replayed` is lost, a 503 store_unavailable is a 5xx), plus: no secret and no signature in
// Redis's keys or values, no key without a TTL.

import at.favre.lib.crypto.bcrypt.BCrypt;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public final class Soak {
    static final SecureRandom RANDOM = new SecureRandom();
    static final String TOKEN = "soak-token-" + hex(16);
    static final String KEY = "soak-key-" + hex(16);
    static final String PASSWORD = "soak-pw-" + hex(12);
    static final String HMAC_SECRET = "soak-hmac-" + hex(16);
    static final java.util.regex.Pattern HEX64 = java.util.regex.Pattern.compile("[0-9a-f]{64}");
    static final java.util.Set<String> SIGNATURES = ConcurrentHashMap.newKeySet();
    static final List<String> SECRETS = List.of(TOKEN, KEY, PASSWORD, HMAC_SECRET,
            b64("alice:" + PASSWORD), b64(TOKEN), b64(KEY));

    // options
    static int durationSeconds = 60;
    static int workers = 8;
    static String reload = "sighup";
    static Path jar = Path.of("gateway/target/authgate.jar");
    static Path certs = Path.of("certs");
    static Path work;
    static boolean redisMode;

    // state
    static final Map<String, AtomicInteger> reached = new ConcurrentHashMap<>();
    static final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    static final AtomicBoolean slow = new AtomicBoolean();
    static final AtomicBoolean running = new AtomicBoolean(true);
    static final List<String> events = new ArrayList<>();
    static Process echo;
    static Process gateway;
    static int echoPort;
    static int relayPort;
    static int gatewayPort;
    static int adminPort;
    static Path config;
    // --redis
    static Process redis;
    static Process gateway2;
    static int redisPort;
    static int gatewayPort2;
    static int adminPort2;

    record Outcome(String id, String kind, boolean valid, int status, long millis) {
    }

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--duration" -> durationSeconds = seconds(args[++i]);
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--reload" -> reload = args[++i];
                case "--jar" -> jar = Path.of(args[++i]);
                case "--certs" -> certs = Path.of(args[++i]);
                case "--redis" -> redisMode = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        work = Files.createTempDirectory("authgate-soak");
        echoPort = freePort();
        relayPort = freePort();
        gatewayPort = freePort();
        adminPort = freePort();
        redisPort = freePort();
        gatewayPort2 = freePort();
        adminPort2 = freePort();
        try {
            run();
        } finally {
            stop(gateway);
            stop(gateway2);
            stop(echo);
            stop(redis);
        }
    }

    static void run() throws Exception {
        if (redisMode) startRedis();
        writeConfig(false);
        startEcho();
        Thread relay = daemon("relay", Soak::relay);
        relay.start();
        gateway = start(List.of("run", "--config", config.toString()), "gateway");
        if (redisMode) gateway2 = start(List.of("run", "--config", work.resolve("gateway2.yaml").toString()), "gateway2");
        SSLSocketFactory tls = trust(certs.resolve("ca.crt"));
        awaitGateway(tls, gateway, gatewayPort, "gateway");
        if (redisMode) awaitGateway(tls, gateway2, gatewayPort2, "gateway2");
        // Warm up (JIT, pools, TLS session caches) before the "before" figures.
        driveFor(tls, Math.min(5, Math.max(2, durationSeconds / 10)));
        outcomes.clear();
        reached.clear();
        long rssBefore = rssKiB(gateway.pid());
        int fdsBefore = fds(gateway.pid());
        long rssBefore2 = redisMode ? rssKiB(gateway2.pid()) : 0;
        int fdsBefore2 = redisMode ? fds(gateway2.pid()) : 0;

        long start = System.nanoTime();
        Thread faults = daemon("faults", () -> faults(start));
        faults.start();
        Thread redisFaults = daemon("redis-faults", () -> redisFaults(start));
        if (redisMode) redisFaults.start();
        driveFor(tls, durationSeconds);
        faults.join(10_000);
        if (redisMode) redisFaults.join(10_000);
        slow.set(false);

        Thread.sleep(2_000); // closed connections leave the gateway, timers fire
        System.gc();
        long rssAfter = rssKiB(gateway.pid());
        int fdsAfter = fds(gateway.pid());
        String second = "";
        if (redisMode) {
            second = bounds("gateway2", rssBefore2, rssKiB(gateway2.pid()), fdsBefore2, fds(gateway2.pid()));
        }
        report(rssBefore, rssAfter, fdsBefore, fdsAfter, second);
    }

    // ---- processes and config ------------------------------------------------------------------------------

    static void writeConfig(boolean reloaded) throws IOException {
        config = writeConfig(reloaded, "gateway.yaml", gatewayPort, adminPort);
        if (redisMode) writeConfig(reloaded, "gateway2.yaml", gatewayPort2, adminPort2);
    }

    /** The Redis additions: shared state, replay protection on the HMAC route, throttling by trusted XFF. */
    static String redisYaml() {
        return !redisMode ? "" : """
                state:
                  store: redis
                  redis: { url: "${env:SOAK_REDIS_URL}", key_prefix: "soak:" }
                  on_failure: { replay: reject, throttle: local }
                """;
    }

    static Path writeConfig(boolean reloaded, String file, int port, int admin) throws IOException {
        String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, PASSWORD.toCharArray());
        Files.writeString(work.resolve("users.htpasswd"), "alice:" + hash + "\n");
        String yaml = """
                gateway:
                  name: soak-%s
                listen:
                  address: 127.0.0.1:%d
                  tls:
                    cert: %s
                    key: %s
                limits:
                  max_body: 1MiB
                  header_timeout: 5s
                  body_timeout: 5s
                  idle_timeout: 30s
                  %s
                admin:
                  address: 127.0.0.1:%d
                upstreams:
                  echo:
                    url: http://127.0.0.1:%d
                    connect_timeout: 1s
                    response_timeout: %s
                routes:
                  - { name: bearer, match: { path_prefix: /bearer/ }, upstream: echo,
                      auth: { bearer: { tokens: [ { id: soak, value: "${env:SOAK_TOKEN}" } ] } } }
                  - { name: api_key, match: { path_prefix: /key/ }, upstream: echo,
                      auth: { api_key: { keys: [ { id: soak, value: "${env:SOAK_KEY}" } ] } } }
                  - { name: basic, match: { path_prefix: /basic/ }, upstream: echo,
                      auth: { basic: { htpasswd: users.htpasswd } } }
                  - { name: hmac, match: { path_prefix: /hmac/ }, upstream: echo,
                      auth: { hmac: { preset: github, secrets: ["${env:SOAK_HMAC}"]%s } } }
                """.formatted(reloaded ? "2" : "1", port, certs.resolve("server.crt").toAbsolutePath(),
                certs.resolve("server.key").toAbsolutePath(),
                redisMode ? "auth_failures: { max: 20, window: 1m }\n  trusted_proxies: [127.0.0.1/32]" : "",
                admin, relayPort, reloaded ? "1500ms" : "1s", redisMode ? ", replay: { key: signature }" : "")
                + redisYaml();
        Path target = work.resolve(file);
        Path tmp = work.resolve(file + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    static Process start(List<String> command, String name) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx256m", "-XX:+UseSerialGC", "-jar",
                jar.toAbsolutePath().toString()));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".out").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".err").toFile()));
        pb.environment().put("SOAK_TOKEN", TOKEN);
        pb.environment().put("SOAK_KEY", KEY);
        pb.environment().put("SOAK_HMAC", HMAC_SECRET);
        pb.environment().put("SOAK_REDIS_URL", "redis://127.0.0.1:" + redisPort);
        return pb.start();
    }

    static void startEcho() throws Exception {
        echo = start(List.of("echo", "--listen", "127.0.0.1:" + echoPort, "--quiet"), "echo");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", echoPort)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("echo did not start; see " + work.resolve("echo.err"));
    }

    static void awaitGateway(SSLSocketFactory tls, Process process, int port, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException(name + " exited; see " + work.resolve(name + ".err"));
            try (Socket s = tls.createSocket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(name + " did not start; see " + work.resolve(name + ".err"));
    }

    // ---- Redis (--redis) ------------------------------------------------------------------------------------

    static void startRedis() throws Exception {
        List<String> cmd = List.of("redis-server", "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", work.toString());
        try {
            redis = new ProcessBuilder(cmd).directory(work.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("redis.out").toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("redis.err").toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("--redis needs redis-server on the PATH (Debian: apt-get install redis-server)", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                if ("PONG".equals(redisCall("PING"))) return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not start; see " + work.resolve("redis.out"));
    }

    /** Kills Redis (SIGKILL: no clean shutdown) and starts it again empty, twice, between the other faults. */
    static void redisFaults(long start) {
        try {
            for (double[] window : new double[][] {{0.30, 0.38}, {0.70, 0.76}}) {
                at(start, window[0]);
                redis.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                event("Redis killed (SIGKILL)");
                at(start, window[1]);
                startRedis();
                event("Redis restarted (empty: no keys, no scripts cached)");
            }
        } catch (Exception e) {
            event("Redis fault schedule failed: " + e);
        }
    }

    /** One command over RESP on a fresh connection; the reply as a Java value (String, Long, List, or error text). */
    static Object redisCall(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", redisPort), 1_000);
            s.setSoTimeout(5_000);
            StringBuilder b = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            }
            s.getOutputStream().write(b.toString().getBytes(StandardCharsets.UTF_8));
            return resp(new java.io.BufferedInputStream(s.getInputStream()));
        }
    }

    static Object resp(InputStream in) throws IOException {
        String line = Response.line(in);
        if (line == null || line.isEmpty()) throw new EOFException("no reply");
        String rest = line.substring(1);
        switch (line.charAt(0)) {
            case '+', '-' -> {
                return rest;
            }
            case ':' -> {
                return Long.parseLong(rest);
            }
            case '$' -> {
                int n = Integer.parseInt(rest);
                if (n < 0) return null;
                byte[] v = in.readNBytes(n);
                Response.line(in);
                return new String(v, StandardCharsets.ISO_8859_1);
            }
            case '*' -> {
                int n = Integer.parseInt(rest);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n; i++) items.add(resp(in));
                return items;
            }
            default -> throw new IOException("unexpected reply " + line);
        }
    }

    /** Keys now in Redis, keys without a TTL, and keys or values that hold a secret or a signature sent. */
    static String redisFindings(List<String> problems) throws IOException {
        @SuppressWarnings("unchecked")
        List<Object> keys = (List<Object>) redisCall("KEYS", "*");
        int noTtl = 0;
        for (Object k : keys) {
            String key = String.valueOf(k);
            if (Long.valueOf(-1).equals(redisCall("PTTL", key))) { // -2: expired meanwhile
                noTtl++;
                if (problems.size() < 5) problems.add("no TTL: " + key);
            }
            Object value = redisCall("GET", key);
            for (String text : new String[] {key, String.valueOf(value)}) {
                for (String secret : SECRETS) {
                    if (text.contains(secret)) problems.add("a secret in Redis key or value of " + key);
                }
                java.util.regex.Matcher m = HEX64.matcher(text);
                while (m.find()) {
                    if (SIGNATURES.contains(m.group())) problems.add("a signature in the clear in Redis: " + key);
                }
            }
        }
        return keys.size() + " keys, " + noTtl + " without a TTL";
    }

    static void stop(Process p) {
        if (p == null) return;
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- faults ---------------------------------------------------------------------------------------------

    /** At fixed fractions of the run: kill the upstream, slow it, reload, kill it again. */
    static void faults(long start) {
        try {
            at(start, 0.20);
            event("upstream killed (SIGKILL)");
            echo.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            Thread.sleep(Math.max(500, durationSeconds * 30L));
            startEcho();
            event("upstream restarted");
            at(start, 0.40);
            slow.set(true);
            event("upstream slow (2 s before each response; response_timeout 1 s)");
            at(start, 0.55);
            slow.set(false);
            event("upstream fast again");
            at(start, 0.65);
            writeConfig(true);
            if (reload.equals("sighup")) {
                new ProcessBuilder("kill", "-HUP", Long.toString(gateway.pid())).start().waitFor();
                if (redisMode) new ProcessBuilder("kill", "-HUP", Long.toString(gateway2.pid())).start().waitFor();
                event("config rewritten and SIGHUP sent");
            } else {
                event("config rewritten (no SIGHUP: --reload " + reload + ")");
            }
            at(start, 0.80);
            event("upstream killed (SIGKILL)");
            echo.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            Thread.sleep(1_000);
            startEcho();
            event("upstream restarted");
        } catch (Exception e) {
            event("fault schedule failed: " + e);
        }
    }

    static void at(long start, double fraction) throws InterruptedException {
        long due = start + (long) (durationSeconds * fraction * 1e9);
        while (System.nanoTime() < due) Thread.sleep(20);
    }

    static synchronized void event(String what) {
        events.add(String.format(Locale.ROOT, "%6.1fs %s", (System.nanoTime() - T0) / 1e9, what));
    }

    static final long T0 = System.nanoTime();

    // ---- the relay: gateway -> relay -> echo, counting X-Request-Id, optionally slow ----------------------------

    static void relay() {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", relayPort));
            while (true) {
                Socket in = server.accept();
                daemon("relay-conn", () -> relayConnection(in)).start();
            }
        } catch (IOException e) {
            event("relay stopped: " + e);
        }
    }

    static void relayConnection(Socket fromGateway) {
        try (fromGateway; Socket toEcho = new Socket()) {
            toEcho.connect(new InetSocketAddress("127.0.0.1", echoPort), 1000);
            Thread back = daemon("relay-back", () -> pump(toEcho, fromGateway, true));
            back.start();
            pump(fromGateway, toEcho, false);
            back.join();
        } catch (IOException | InterruptedException e) {
            // upstream down: closing the gateway's connection is the fault under test
        }
    }

    /** Copies until end of stream; upstream-bound bytes are scanned for request ids once written to echo. */
    static void pump(Socket from, Socket to, boolean responses) {
        byte[] buf = new byte[64 * 1024];
        IdScanner ids = responses ? null : new IdScanner();
        long lastRead = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                long now = System.nanoTime();
                // Slow mode: a read after a pause starts a response; hold it back for 2 s.
                if (responses && slow.get() && now - lastRead > 100_000_000L) Thread.sleep(2_000);
                lastRead = System.nanoTime();
                out.write(buf, 0, n);
                out.flush();
                if (ids != null) ids.scan(buf, n);
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // both sides go
            }
        }
    }

    /** Finds "\nx-request-id: VALUE\r" in a byte stream, across reads. */
    static final class IdScanner {
        private static final byte[] NEEDLE = "\nx-request-id:".getBytes(StandardCharsets.US_ASCII);
        private int matched;
        private StringBuilder value;

        void scan(byte[] b, int n) {
            for (int i = 0; i < n; i++) {
                char c = (char) (b[i] & 0xff);
                if (value != null) {
                    if (c == '\r' || c == '\n') {
                        String id = value.toString().trim();
                        reached.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                        value = null;
                    } else if (value.length() < 200) {
                        value.append(c);
                    }
                    continue;
                }
                if (Character.toLowerCase(c) == NEEDLE[matched]) {
                    if (++matched == NEEDLE.length) {
                        value = new StringBuilder();
                        matched = 0;
                    }
                } else {
                    matched = c == '\n' ? 1 : 0;
                }
            }
        }
    }

    // ---- traffic --------------------------------------------------------------------------------------------

    static void driveFor(SSLSocketFactory tls, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        AtomicLong seq = new AtomicLong();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            Thread t = daemon("worker-" + w, () -> work(tls, end, worker, seq));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
    }

    static void work(SSLSocketFactory tls, long end, int worker, AtomicLong seq) {
        Random r = new Random(RANDOM.nextLong());
        Socket conn = null;
        int left = 0;
        while (System.nanoTime() < end) {
            String id = "soak-" + worker + "-" + seq.incrementAndGet();
            String kind = List.of("bearer", "api_key", "basic", "hmac").get(r.nextInt(4));
            boolean valid = r.nextInt(10) < 7;
            byte[] body = new byte[bodySize(r)];
            r.nextBytes(body);
            if (redisMode && kind.equals("hmac")) {
                // Replay protection is on: each delivery is its own (an empty body twice would be a replay).
                byte[] unique = (id + "\n").getBytes(StandardCharsets.US_ASCII);
                byte[] both = new byte[unique.length + body.length];
                System.arraycopy(unique, 0, both, 0, unique.length);
                System.arraycopy(body, 0, both, unique.length, body.length);
                body = both;
            }
            boolean fresh = r.nextInt(4) == 0;
            long t0 = System.nanoTime();
            int status;
            try {
                if (conn == null || left <= 0 || fresh) {
                    close(conn);
                    conn = tls.createSocket("127.0.0.1", redisMode && r.nextBoolean() ? gatewayPort2 : gatewayPort);
                    conn.setSoTimeout(30_000);
                    left = 1 + r.nextInt(20);
                }
                left--;
                byte[] head = head(kind, valid, id, body, fresh, worker);
                OutputStream out = conn.getOutputStream();
                out.write(head);
                out.write(body);
                out.flush();
                Response resp = Response.read(conn.getInputStream());
                status = resp.status;
                if (fresh || resp.close) {
                    close(conn);
                    conn = null;
                }
            } catch (IOException e) {
                status = 0; // no (complete) response
                close(conn);
                conn = null;
            }
            outcomes.add(new Outcome(id, kind, valid, status, (System.nanoTime() - t0) / 1_000_000));
        }
        close(conn);
    }

    static int bodySize(Random r) {
        int p = r.nextInt(100);
        if (p < 10) return 0;
        if (p < 70) return r.nextInt(2048);
        if (p < 95) return r.nextInt(64 * 1024);
        return r.nextInt(1024 * 1024 + 1);
    }

    static byte[] head(String kind, boolean valid, String id, byte[] body, boolean close, int worker) {
        String path;
        String credential;
        switch (kind) {
            case "bearer" -> {
                path = "/bearer/items";
                credential = "Authorization: Bearer " + (valid ? TOKEN : TOKEN + "x");
            }
            case "api_key" -> {
                path = "/key/items";
                credential = "X-API-Key: " + (valid ? KEY : "wrong-" + KEY);
            }
            case "basic" -> {
                path = "/basic/items";
                credential = "Authorization: Basic " + b64("alice:" + (valid ? PASSWORD : PASSWORD + "!"));
            }
            default -> {
                path = "/hmac/hook";
                String signature = hmacHex(valid ? HMAC_SECRET : "not-the-secret", body);
                if (redisMode) SIGNATURES.add(signature);
                credential = "X-Hub-Signature-256: sha256=" + signature;
            }
        }
        if (redisMode) {
            // Throttling counts per client address: senders of valid credentials never fail, so never get 429.
            credential += "\r\nX-Forwarded-For: 10." + (valid ? 1 : 2) + ".0." + worker;
        }
        return ("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: " + id + "\r\n" + credential
                + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length + "\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A response read off the socket: the status, and whether the connection closes after it. */
    record Response(int status, boolean close) {
        static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            if (statusLine == null) throw new EOFException("no response");
            int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
                String lower = l.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) length = Long.parseLong(l.substring(15).trim());
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
                if (lower.startsWith("connection:") && lower.contains("close")) close = true;
            }
            if (status == 100) return read(in);
            if (chunked) {
                while (true) {
                    String size = line(in);
                    if (size == null) throw new EOFException("cut chunked body");
                    int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
                    if (n == 0) {
                        while (true) {
                            String t = line(in);
                            if (t == null) throw new EOFException("cut trailer");
                            if (t.isEmpty()) break;
                        }
                        break;
                    }
                    skip(in, n);
                    line(in);
                }
            } else if (length >= 0) {
                skip(in, length);
            } else if (status != 204 && status != 304) {
                while (in.read() >= 0) {
                    // close-delimited
                }
                close = true;
            }
            return new Response(status, close);
        }

        static void skip(InputStream in, long n) throws IOException {
            long left = n;
            while (left > 0) {
                long s = in.skip(left);
                if (s <= 0) {
                    if (in.read() < 0) throw new EOFException("cut body");
                    s = 1;
                }
                left -= s;
            }
        }

        static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') b.write(c);
            }
            if (c < 0 && b.size() == 0) return null;
            if (c < 0) throw new EOFException("cut line");
            return b.toString(StandardCharsets.ISO_8859_1);
        }
    }

    // ---- report ---------------------------------------------------------------------------------------------

    static String bounds(String name, long rssBefore, long rssAfter, int fdsBefore, int fdsAfter) {
        long rssBound = Math.max(rssBefore * 3 / 2, rssBefore + 128 * 1024);
        int fdBound = fdsBefore + 32;
        return String.format(Locale.ROOT, "%s RSS %d MiB before, %d MiB after (bound %d MiB) %s; open fds %d before, "
                        + "%d after (bound %d) %s", name, rssBefore / 1024, rssAfter / 1024, rssBound / 1024,
                rssAfter <= rssBound ? "ok" : "EXCEEDED", fdsBefore, fdsAfter, fdBound, fdsAfter <= fdBound ? "ok" : "EXCEEDED");
    }

    static void report(long rssBefore, long rssAfter, int fdsBefore, int fdsAfter, String second) throws IOException {
        Map<Integer, Integer> byStatus = new TreeMap<>();
        int noResponse = 0;
        int lost = 0;
        int duplicated = 0;
        int wrongVerdict = 0;
        int authenticated = 0;
        List<String> examples = new ArrayList<>();
        for (Outcome o : outcomes) {
            byStatus.merge(o.status, 1, Integer::sum);
            int seen = reached.getOrDefault(o.id, new AtomicInteger()).get();
            if (o.status == 0) {
                noResponse++;
                example(examples, "no response: " + o);
                continue;
            }
            if (seen > 1) {
                duplicated++;
                example(examples, "reached the upstream " + seen + " times: " + o);
            }
            if (o.valid) {
                authenticated++;
                if (o.status < 500 && (o.status != 200 || seen != 1)) {
                    lost++;
                    example(examples, "authenticated, answered " + o.status + ", reached upstream " + seen + "x: " + o);
                }
            } else if (o.status != 401 && !(redisMode && o.status == 429) || seen != 0) {
                wrongVerdict++;
                example(examples, "invalid credential answered " + o.status + ", reached upstream " + seen + "x: " + o);
            }
        }
        List<String> leaks = new ArrayList<>();
        try (var files = Files.list(work)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".out") || p.toString().endsWith(".err")).toList()) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                for (String s : SECRETS) {
                    if (text.contains(s)) leaks.add(f.getFileName() + " contains a secret");
                }
            }
        }
        long rssBound = Math.max(rssBefore * 3 / 2, rssBefore + 128 * 1024);
        int fdBound = fdsBefore + 32;
        boolean rssOk = rssAfter <= rssBound;
        boolean fdsOk = fdsAfter <= fdBound;
        boolean gatewayAlive = gateway.isAlive() && (!redisMode || gateway2.isAlive());
        String reloads = reloadsFromMetrics(adminPort);
        boolean reloadOk = !reload.equals("sighup") || reloads.contains("success=") && !reloads.contains("success=0");
        List<String> redisProblems = new ArrayList<>();
        String redisState = "";
        if (redisMode) {
            String reloads2 = reloadsFromMetrics(adminPort2);
            reloadOk &= !reload.equals("sighup") || reloads2.contains("success=") && !reloads2.contains("success=0");
            reloads += " / gateway2 " + reloads2;
            try {
                redisState = redisFindings(redisProblems);
            } catch (IOException e) {
                redisProblems.add("Redis unreadable at the end: " + e);
            }
        }
        boolean secondOk = !second.contains("EXCEEDED");

        System.out.println("authgate soak: " + durationSeconds + " s, " + workers + " workers, TLS, loopback"
                + (redisMode ? ", two gateways sharing a redis-server" : ""));
        System.out.println("faults:");
        events.forEach(e -> System.out.println("  " + e));
        System.out.println("requests sent:                      " + outcomes.size()
                + " (authenticated " + authenticated + ", invalid credentials " + (outcomes.size() - authenticated) + ")");
        System.out.println("responses by status:                " + byStatus);
        System.out.println("requests with no response:          " + noResponse + " (must be 0)");
        System.out.println("authenticated, neither upstream nor 5xx: " + lost + " (must be 0)");
        System.out.println("reached the upstream twice or more: " + duplicated + " (must be 0)");
        System.out.println("invalid credentials not answered 401 or forwarded: " + wrongVerdict + " (must be 0)");
        System.out.printf(Locale.ROOT, "gateway RSS:                        %d MiB before, %d MiB after (bound %d MiB) %s%n",
                rssBefore / 1024, rssAfter / 1024, rssBound / 1024, rssOk ? "ok" : "EXCEEDED");
        System.out.printf(Locale.ROOT, "gateway open fds:                   %d before, %d after (bound %d) %s%n",
                fdsBefore, fdsAfter, fdBound, fdsOk ? "ok" : "EXCEEDED");
        if (redisMode) System.out.println("second gateway:                     " + second);
        System.out.println("secrets in the logs:                " + (leaks.isEmpty() ? "none" : leaks));
        if (redisMode) {
            System.out.println("Redis at the end:                   " + redisState);
            System.out.println("Redis problems (secrets, signatures, keys without TTL): "
                    + (redisProblems.isEmpty() ? "none" : redisProblems));
        }
        System.out.println("config reloads (metrics):           " + reloads + (reloadOk ? "" : " (expected a success)"));
        System.out.println("gateway still running:              " + gatewayAlive);
        if (!examples.isEmpty()) {
            System.out.println("examples:");
            examples.forEach(e -> System.out.println("  " + e));
        }
        System.out.println("logs: " + work);
        boolean ok = noResponse == 0 && lost == 0 && duplicated == 0 && wrongVerdict == 0 && leaks.isEmpty() && rssOk
                && fdsOk && gatewayAlive && reloadOk && !outcomes.isEmpty() && secondOk && redisProblems.isEmpty();
        System.out.println(ok ? "SOAK PASSED" : "SOAK FAILED");
        System.out.flush();
        stop(gateway);
        stop(gateway2);
        stop(echo);
        stop(redis);
        System.exit(ok ? 0 : 1);
    }

    /** authgate_config_reloads_total by result from the admin listener, e.g. "success=1 failure=0". */
    static String reloadsFromMetrics(int admin) {
        try (Socket s = new Socket("127.0.0.1", admin)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            StringBuilder out = new StringBuilder();
            for (String line : text.split("\n")) {
                if (line.startsWith("authgate_config_reloads_total{")) {
                    String result = line.replaceAll(".*result=\"([^\"]*)\".*", "$1");
                    String value = line.substring(line.lastIndexOf(' ') + 1).replaceAll("\\.0$", "");
                    out.append(out.length() == 0 ? "" : " ").append(result).append('=').append(value);
                }
            }
            return out.length() == 0 ? "none reported" : out.toString();
        } catch (IOException e) {
            return "admin listener unreachable (" + e.getMessage() + ")";
        }
    }

    static void example(List<String> examples, String s) {
        if (examples.size() < 10) examples.add(s);
    }

    // ---- small helpers --------------------------------------------------------------------------------------

    static SSLSocketFactory trust(Path caFile) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    static long rssKiB(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    static int fds(long pid) throws IOException {
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) s.count();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int seconds(String d) {
        if (d.endsWith("m")) return Integer.parseInt(d.substring(0, d.length() - 1)) * 60;
        if (d.endsWith("s")) return Integer.parseInt(d.substring(0, d.length() - 1));
        return Integer.parseInt(d);
    }

    static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                event(name + " failed: " + e);
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    static void close(Socket s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a client connection
        }
    }

    static String hmacHex(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
