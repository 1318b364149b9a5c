package dev.authgate.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package; {@code .ci/run} installs it) on 127.0.0.1 and a free port, started
 * by the test: no persistence, its own scratch folder. It can be killed ({@code SIGKILL}), frozen ({@code SIGSTOP},
 * a hung Redis), restarted on the same port (with an empty script cache), and asked a few commands over a tiny RESP
 * client of its own (independent of the gateway's Lettuce). Fails the test, never skips it, when redis-server is
 * missing.
 *
 * <pre>{@code
 * try (TestRedis redis = TestRedis.start()) {
 *     String url = redis.url();            // redis://127.0.0.1:PORT
 *     redis.kill(); redis.restart();
 *     List<String> keys = redis.keys();
 * }
 * }</pre>
 */
public final class TestRedis implements AutoCloseable {
    private static final String BINARY = "redis-server";

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;
    private String[] auth;
    private int tlsPort;

    private TestRedis(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
    }

    /** A plain redis-server on a free port. */
    public static TestRedis start(String... extraArgs) {
        return onPort(freePort(), extraArgs).restart();
    }

    /** A server that will listen on {@code port} once {@link #restart()} is called (for "Redis down at start"). */
    public static TestRedis onPort(int port, String... extraArgs) {
        try {
            return new TestRedis(port, Files.createTempDirectory("authgate-redis"), List.of(extraArgs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A server that also speaks TLS on {@link #tlsPort()} with {@code cert} and {@code key} (clients are not asked
     * for certificates); the kit's own commands use the plain port.
     */
    public static TestRedis startTls(Path cert, Path key, Path ca) {
        int tls = freePort();
        TestRedis r = onPort(freePort(), "--tls-port", Integer.toString(tls), "--tls-cert-file", cert.toString(),
                "--tls-key-file", key.toString(), "--tls-ca-cert-file", ca.toString(), "--tls-auth-clients", "no");
        r.tlsPort = tls;
        return r.restart();
    }

    /** The TLS port of {@link #startTls}, else 0. */
    public int tlsPort() {
        return tlsPort;
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts (again) on the same port and waits until it answers PING; a restarted server has no scripts cached. */
    public synchronized TestRedis restart() {
        if (process != null && process.isAlive()) throw new IllegalStateException("redis-server is running");
        List<String> cmd = new ArrayList<>(List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--loglevel", "warning"));
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError(BINARY + " cannot be started (" + e.getMessage() + "); install it: "
                    + "apt-get install redis-server (.ci/run does)", e);
        }
        Await.until("redis-server answers PING on port " + port, Duration.ofSeconds(10), () -> {
            if (!process.isAlive()) throw new AssertionError("redis-server exited: " + log());
            try {
                return "PONG".equals(command("PING"));
            } catch (UncheckedIOException e) {
                return false;
            } catch (AssertionError e) {
                return String.valueOf(e.getMessage()).contains("NOAUTH"); // up, and wants AUTH first
            }
        });
        return this;
    }

    /** Started and not killed (nor exited). */
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** {@code SIGKILL}: the server vanishes mid-traffic, its data with it. */
    public synchronized void kill() {
        if (process == null) return;
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code SIGSTOP}: the server still holds its connections but answers nothing (a hung Redis). */
    public void freeze() {
        signal("-STOP");
    }

    /** {@code SIGCONT} after {@link #freeze()}. */
    public void thaw() {
        signal("-CONT");
    }

    private void signal(String sig) {
        try {
            Process p = new ProcessBuilder("kill", sig, Long.toString(process.pid())).start();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code SCRIPT FLUSH}: the next EVALSHA gets NOSCRIPT. */
    public void scriptFlush() {
        command("SCRIPT", "FLUSH");
    }

    /** Every key ({@code KEYS *}: fine for a test server). */
    public List<String> keys() {
        Object r = command("KEYS", "*");
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) r) out.add((String) o);
        return out;
    }

    /** {@code PTTL key}: -1 means no TTL, -2 no key. */
    public long pttl(String key) {
        return (Long) command("PTTL", key);
    }

    public String get(String key) {
        return (String) command("GET", key);
    }

    /**
     * Sends one command on a fresh connection and returns its reply: String, Long, List, or null; an error reply
     * throws AssertionError. Uses {@code AUTH} args from {@link #auth} when set.
     */
    public Object command(String... args) {
        return commands(args);
    }

    /**
     * {@code ASKING}, then {@code args} on the same connection: what a cluster client sends to a node that is
     * importing the slot of the key (the node answers MOVED otherwise).
     */
    public Object asking(String... args) {
        return commands(new String[] {"ASKING"}, args);
    }

    /** {@code READONLY}, then {@code args} on the same connection: how a cluster replica answers reads of its slots. */
    public Object readOnly(String... args) {
        return commands(new String[] {"READONLY"}, args);
    }

    private Object commands(String[]... all) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            if (auth != null) {
                write(out, auth);
                read(in);
            }
            for (int i = 0; i < all.length - 1; i++) {
                write(out, all[i]);
                read(in);
            }
            write(out, all[all.length - 1]);
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Authenticates the kit's own commands ({@code AUTH user password}) on an ACL-protected server. */
    public TestRedis auth(String... credentials) {
        this.auth = new String[credentials.length + 1];
        this.auth[0] = "AUTH";
        System.arraycopy(credentials, 0, this.auth, 1, credentials.length);
        return this;
    }

    private static void write(OutputStream out, String[] args) throws IOException {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new AssertionError("redis error: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) return null;
                byte[] b = in.readNBytes(n + 2);
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) return null;
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) items.add(read(in));
                return items;
            }
            default:
                throw new IOException("unexpected RESP type " + type);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) throw new IOException("connection closed");
            b.append((char) c);
        }
        in.read(); // \n
        return b.toString();
    }

    /** The server's own log (for failure messages). */
    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        kill();
    }
}
