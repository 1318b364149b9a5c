package dev.authgate.auth.jwt;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real JWKS server on 127.0.0.1 (the JDK's HttpServer): serves the current JWKS at {@code /jwks.json}, counts its
 * hits, can rotate (serve another set) and fail (answer 500 or close the listener).
 */
public final class JwksServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicReference<String> cacheControl = new AtomicReference<>();
    private volatile int status = 200;

    private JwksServer(String jwks) {
        body.set(jwks);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "test-jwks-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/jwks.json", ex -> {
            hits.incrementAndGet();
            byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            if (cacheControl.get() != null) ex.getResponseHeaders().set("Cache-Control", cacheControl.get());
            int s = status;
            if (s != 200) b = "{\"error\":\"down\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(s, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
    }

    public static JwksServer start(String jwks) {
        return new JwksServer(jwks);
    }

    /** {@code http://127.0.0.1:PORT/jwks.json}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    }

    public int hits() {
        return hits.get();
    }

    /** Serves {@code jwks} from now on (a key rotation at the provider). */
    public void rotate(String jwks) {
        body.set(jwks);
    }

    /** Answers {@code status} from now on (200 again to recover). */
    public void status(int code) {
        status = code;
    }

    public void cacheControl(String value) {
        cacheControl.set(value);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
