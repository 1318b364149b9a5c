package dev.authgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that misbehaves on purpose: a plain socket server on 127.0.0.1, port 0, that runs a {@link Script} on
 * each accepted connection, writing bytes exactly as given (a cut body, an oversized or garbled head, an early
 * answer). One thread per connection; {@link #close()} closes the listener and every connection.
 */
public final class ScriptedUpstream implements AutoCloseable {
    /** What to do with one accepted connection. */
    @FunctionalInterface
    public interface Script {
        void run(Conn conn) throws IOException;
    }

    private final ServerSocket listener;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private volatile Script script;

    private ScriptedUpstream(Script script) throws IOException {
        this.script = script;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "scripted-upstream-accept");
        t.setDaemon(true);
        t.start();
    }

    public static ScriptedUpstream start(Script script) {
        try {
            return new ScriptedUpstream(script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connectionCount() {
        return connections.get();
    }

    /** Request heads read by {@link Conn#readHead()} so far, in order. */
    public List<String> heads() {
        return List.copyOf(heads);
    }

    /** The script for connections accepted from now on. */
    public void script(Script next) {
        this.script = next;
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing a test server
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a test server
            }
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                connections.incrementAndGet();
                open.add(s);
                Script current = script;
                Thread t = new Thread(() -> {
                    try (s) {
                        current.run(new Conn(s));
                    } catch (IOException ignored) {
                        // the gateway went away: nothing to report
                    }
                }, "scripted-upstream-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One accepted connection. */
    public final class Conn {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Reads a request head up to its empty line; null when the connection ends first. */
        public String readHead() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                b.write(c);
                byte[] sofar = b.toByteArray();
                int n = sofar.length;
                if (n >= 4 && sofar[n - 4] == '\r' && sofar[n - 3] == '\n' && sofar[n - 2] == '\r'
                        && sofar[n - 1] == '\n') {
                    String head = b.toString(StandardCharsets.ISO_8859_1);
                    heads.add(head);
                    return head;
                }
            }
            return null;
        }

        /** The Content-Length of a head read by {@link #readHead}, or 0. */
        public int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return Integer.parseInt(line.substring(15).trim());
                }
            }
            return 0;
        }

        /** Reads and drops {@code n} body bytes. */
        public void skipBody(int n) throws IOException {
            in.readNBytes(n);
        }

        public void write(String text) throws IOException {
            write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Reads until the gateway closes (or {@code millis} pass). */
        public void awaitClose(int millis) throws IOException {
            socket.setSoTimeout(millis);
            try {
                while (in.read() >= 0) {
                    // drain
                }
            } catch (IOException ignored) {
                // timeout or reset: either way, done
            }
        }

        public Socket socket() {
            return socket;
        }
    }
}
