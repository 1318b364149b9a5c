package dev.authgate.admin;

import dev.authgate.config.AdminConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.observe.MetricsExposition;
import dev.authgate.observe.MetricsNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminServerTest {
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final Metrics metrics = new Metrics();
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private AdminServer admin;

    @BeforeEach
    void start() {
        admin = AdminServer.start(new AdminConfig("127.0.0.1", 0), metrics, ready::get);
    }

    @AfterEach
    void stop() {
        admin.stop();
    }

    @Test
    void bindsAnEphemeralPortWhenAskedForPortZero() {
        assertTrue(admin.port() > 0);
        assertEquals("127.0.0.1", admin.address().getAddress().getHostAddress());
    }

    @Test
    void healthzAnswersOkWhileTheProcessIsUp() throws Exception {
        HttpResponse<String> r = get("/healthz");
        assertEquals(200, r.statusCode());
        assertEquals("ok\n", r.body());
        assertEquals("authgate", r.headers().firstValue("server").orElseThrow());
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
        assertEquals("no-store", r.headers().firstValue("cache-control").orElseThrow());
    }

    @Test
    void readyzFollowsTheReadinessSupplier() throws Exception {
        HttpResponse<String> notReady = get("/readyz");
        assertEquals(503, notReady.statusCode());
        assertEquals("not ready\n", notReady.body());
        assertEquals("authgate", notReady.headers().firstValue("server").orElseThrow());

        ready.set(true);
        HttpResponse<String> isReady = get("/readyz");
        assertEquals(200, isReady.statusCode());
        assertEquals("ready\n", isReady.body());

        ready.set(false);   // draining
        assertEquals(503, get("/readyz").statusCode());
    }

    @Test
    void readyzAnswers503WhenTheSupplierThrows() throws Exception {
        admin.stop();
        admin = AdminServer.start(new AdminConfig("127.0.0.1", 0), metrics, () -> {
            throw new IllegalStateException("no config yet");
        });
        assertEquals(503, get("/readyz").statusCode());
    }

    @Test
    void metricsServesThePrometheusExpositionOfTheMetricsObject() throws Exception {
        metrics.requestCompleted("github", 401, MetricsNames.SOURCE_GATEWAY, 2_000_000);
        metrics.authRejected("github", "hmac", "signature_mismatch");
        metrics.connectionOpened();

        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
        assertEquals("authgate", r.headers().firstValue("server").orElseThrow());
        MetricsExposition e = MetricsExposition.parse(r.body());
        assertEquals(1.0, e.value("authgate_requests_total", "route", "github", "status", "401", "source", "gateway"));
        assertEquals(1.0, e.value("authgate_auth_rejections_total",
                "route", "github", "scheme", "hmac", "reason", "signature_mismatch"));
        assertEquals(1.0, e.value("authgate_connections_open"));

        metrics.requestCompleted("github", 401, MetricsNames.SOURCE_GATEWAY, 2_000_000);
        assertEquals(2.0, MetricsExposition.parse(get("/metrics?name%5B%5D=ignored").body())
                .value("authgate_requests_total", "route", "github", "status", "401", "source", "gateway"));
    }

    @Test
    void unknownPathsAre404() throws Exception {
        HttpResponse<String> r = get("/metrics/extra");
        assertEquals(404, r.statusCode());
        assertEquals("not found\n", r.body());
        assertEquals("authgate", r.headers().firstValue("server").orElseThrow());
        assertEquals(404, get("/").statusCode());
    }

    @Test
    void otherMethodsThanGetAndHeadAre405WithAllow() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals("GET, HEAD", r.headers().firstValue("allow").orElseThrow());
        assertEquals("authgate", r.headers().firstValue("server").orElseThrow());
    }

    @Test
    void headAnswersHeadersWithoutABody() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/healthz"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("3", r.headers().firstValue("content-length").orElseThrow());
        assertEquals("", r.body());
    }

    @Test
    void keepsTheConnectionOpenAcrossRequestsAndClosesOnConnectionClose() throws Exception {
        try (Socket s = new Socket("127.0.0.1", admin.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String all = new String(readToEnd(s.getInputStream()), StandardCharsets.US_ASCII);
            assertEquals(2, all.split("HTTP/1.1 200 OK", -1).length - 1, all);
            assertTrue(all.contains("connection: close"), all);
            assertTrue(all.endsWith("ok\n"), all);
        }
    }

    @Test
    void stopClosesTheListenerAndOpenConnections() throws Exception {
        int port = admin.port();
        try (Socket kept = new Socket("127.0.0.1", port)) {
            kept.setSoTimeout(10_000);
            // one keep-alive exchange first, so the server has surely accepted the connection
            kept.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            kept.getOutputStream().flush();
            StringBuilder response = new StringBuilder();
            InputStream in = kept.getInputStream();
            while (!response.toString().endsWith("\r\n\r\nok\n")) {
                int b = in.read();
                assertTrue(b >= 0, "connection closed before the response ended: " + response);
                response.append((char) b);
            }
            admin.stop();
            assertEquals(-1, in.read(), "open admin connection closed by stop()");
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        admin.stop();   // idempotent; @AfterEach calls it again too
    }

    @Test
    void aTakenAddressFailsWithTheConfigKeyInTheMessage() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                AdminServer.start(new AdminConfig("127.0.0.1", admin.port()), metrics, () -> true));
        assertTrue(e.getMessage().startsWith("admin.address: cannot bind 127.0.0.1:" + admin.port() + ": "),
                e.getMessage());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + admin.port() + path);
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
