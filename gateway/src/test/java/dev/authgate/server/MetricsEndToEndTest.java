package dev.authgate.server;

import dev.authgate.observe.MetricsExposition;
import dev.authgate.testing.Await;
import dev.authgate.testing.OpsGateway;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import dev.authgate.testing.TestCerts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.function.Predicate;

import static dev.authgate.testing.RawHttp.crlf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics of docs/operations.md, "Metrics" as an operator sees them: requests pass and fail over TLS, then {@code /metrics} is
 * scraped over HTTP from the admin listener and the exposition parsed; every counter moves by exactly what was sent.
 */
class MetricsEndToEndTest {
    private static final String TOKEN = "metrics-token-4f1c2a9e7b";
    private static final String GH_SECRET = "metrics-github-secret-81d2";

    @TempDir
    static Path certDir;
    static TestCerts certs;

    @TempDir
    Path dir;
    private TestUpstream app;
    private TestUpstream hanging;
    private OpsGateway gw;
    private SSLSocketFactory tls;

    @BeforeAll
    static void certs() {
        certs = TestCerts.create(certDir);
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (app != null) app.close();
        if (hanging != null) hanging.close();
    }

    private void start() throws IOException {
        app = TestUpstream.start();
        hanging = TestUpstream.start().answer(r -> TestUpstream.Reply.hanging());
        TestUpstream dead = TestUpstream.start();
        int deadPort = dead.port();
        dead.close();
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Files.writeString(dir.resolve("gh-secret"), GH_SECRET + "\n");
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                gateway: { name: gw-metrics }
                listen:
                  address: 127.0.0.1:0
                  tls: { cert: %s, key: %s }
                admin: { address: 127.0.0.1:0 }
                upstreams:
                  app: { url: "%s" }
                  dead: { url: "http://127.0.0.1:%d", connect_timeout: 1s }
                  slow: { url: "%s", response_timeout: 300ms }
                routes:
                  - name: api
                    match: { path_prefix: /api/ }
                    upstream: app
                    auth: { bearer: { tokens: [ { id: ci, value: "${file:token}" } ] } }
                  - name: github
                    match: { path: /hook, methods: [POST] }
                    upstream: app
                    auth: { hmac: { preset: github, secrets: ["${file:gh-secret}"], replay: { key: id } } }
                  - name: dead
                    match: { path: /dead }
                    upstream: dead
                    auth: none
                  - name: slow
                    match: { path: /slow }
                    upstream: slow
                    auth: none
                """.formatted(certs.serverCert(), certs.serverKey(), app.url(), deadPort, hanging.url()));
        gw = OpsGateway.start(config);
        tls = certs.clientSslContext().getSocketFactory();
    }

    private RawHttp.Response send(String request) {
        try (RawHttp http = RawHttp.connectTls(gw.port(), tls)) {
            return http.send(crlf(request)).read();
        }
    }

    private static String delivery(String id, String body, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String sig = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        return "POST /hook HTTP/1.1\nHost: x\nX-GitHub-Delivery: " + id + "\nX-Hub-Signature-256: sha256=" + sig
                + "\nContent-Length: " + body.length() + "\n\n" + body;
    }

    @Test
    void countsRequestsByRouteStatusAndSourceAndAuthRejectionsByReason() throws Exception {
        start();
        assertEquals(200, send("GET /api/orders HTTP/1.1\nHost: x\nAuthorization: Bearer " + TOKEN + "\n\n").status());
        assertEquals(200, send("GET /api/orders HTTP/1.1\nHost: x\nAuthorization: Bearer " + TOKEN + "\n\n").status());
        assertEquals(401, send("GET /api/orders HTTP/1.1\nHost: x\nAuthorization: Bearer nope\n\n").status());
        assertEquals(401, send("GET /api/orders HTTP/1.1\nHost: x\n\n").status());
        assertEquals(404, send("GET /nowhere HTTP/1.1\nHost: x\n\n").status());
        assertEquals(200, send(delivery("d-1", "{\"a\":1}", GH_SECRET)).status());
        assertEquals(401, send(delivery("d-2", "{\"a\":1}", "another-secret")).status());
        assertEquals(401, send(delivery("d-1", "{\"a\":1}", GH_SECRET)).status());   // a replay of d-1
        gw.accessLog().awaitCount(8);

        MetricsExposition m = gw.scrape();
        assertEquals(2.0, m.value("authgate_requests_total", "route", "api", "status", "200", "source", "upstream"));
        assertEquals(2.0, m.value("authgate_requests_total", "route", "api", "status", "401", "source", "gateway"));
        assertEquals(1.0, m.value("authgate_requests_total", "route", "-", "status", "404", "source", "gateway"));
        assertEquals(1.0, m.value("authgate_requests_total", "route", "github", "status", "200", "source", "upstream"));
        assertEquals(2.0, m.value("authgate_requests_total", "route", "github", "status", "401", "source", "gateway"));
        assertEquals(1.0, m.value("authgate_auth_rejections_total",
                "route", "api", "scheme", "bearer", "reason", "credentials_invalid"));
        assertEquals(1.0, m.value("authgate_auth_rejections_total",
                "route", "api", "scheme", "bearer", "reason", "credentials_missing"));
        assertEquals(1.0, m.value("authgate_auth_rejections_total",
                "route", "github", "scheme", "hmac", "reason", "signature_mismatch"));
        assertEquals(1.0, m.value("authgate_auth_rejections_total",
                "route", "github", "scheme", "hmac", "reason", "replayed"));
        assertEquals(4.0, m.value("authgate_request_duration_seconds_count", "route", "api"));
        assertEquals(2.0, m.value("authgate_upstream_duration_seconds_count", "route", "api"));
        assertEquals(1.0, m.value("authgate_upstream_duration_seconds_count", "route", "github"));
        assertEquals(1.0, m.value("authgate_replay_store_entries"));
        assertEquals("histogram", m.type("authgate_request_duration_seconds"));
    }

    @Test
    void countsUpstreamConnectFailuresAndTimeoutsByUpstream() throws Exception {
        start();
        RawHttp.Response refused = send("GET /dead HTTP/1.1\nHost: x\n\n");
        assertEquals(502, refused.status());
        RawHttp.Response timedOut = send("GET /slow HTTP/1.1\nHost: x\n\n");
        assertEquals(504, timedOut.status());
        gw.accessLog().awaitCount(2);

        MetricsExposition m = gw.scrape();
        assertEquals(1.0, m.value("authgate_upstream_failures_total", "upstream", "dead", "kind", "connect"));
        assertEquals(1.0, m.value("authgate_upstream_failures_total", "upstream", "slow", "kind", "timeout"));
        assertEquals(1.0, m.value("authgate_requests_total", "route", "dead", "status", "502", "source", "gateway"));
        assertEquals(1.0, m.value("authgate_requests_total", "route", "slow", "status", "504", "source", "gateway"));
        assertEquals(1.0, m.value("authgate_upstream_duration_seconds_count", "route", "slow"));
        assertTrue(m.value("authgate_upstream_duration_seconds_sum", "route", "slow") >= 0.3,
                "the timeout is part of the upstream duration");
    }

    @Test
    void countsFailedTlsHandshakesByCauseButNotConnectionsThatSentNothing() throws Exception {
        start();
        try (Socket probe = new Socket()) {   // a load balancer's TCP check: connects, sends nothing
            probe.connect(new InetSocketAddress("127.0.0.1", gw.port()), 15_000);
        }
        SSLSocket cbcOnly = (SSLSocket) tls.createSocket("localhost", gw.port());
        cbcOnly.setEnabledProtocols(new String[] {"TLSv1.2"});
        cbcOnly.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
        cbcOnly.setSoTimeout(15_000);
        try (cbcOnly) {
            assertThrows(SSLException.class, cbcOnly::startHandshake);
        }
        try (Socket plain = new Socket()) {   // plain HTTP on the TLS port
            plain.connect(new InetSocketAddress("127.0.0.1", gw.port()), 15_000);
            plain.setSoTimeout(15_000);
            OutputStream out = plain.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (plain.getInputStream().read() >= 0) {
                // until the gateway closes
            }
        }

        MetricsExposition m = awaitMetrics(x -> x.value("authgate_tls_handshake_failures_total", "cause", "other") >= 1
                && x.value("authgate_tls_handshake_failures_total", "cause", "no_shared_cipher") >= 1
                && x.value("authgate_connections_open") == 0);
        assertEquals(1.0, m.value("authgate_tls_handshake_failures_total", "cause", "no_shared_cipher"));
        assertEquals(1.0, m.value("authgate_tls_handshake_failures_total", "cause", "other"));
        assertEquals(0.0, m.value("authgate_tls_handshake_failures_total", "cause", "protocol_version"));
    }

    @Test
    void reportsOpenConnectionsAndTheCertificatesExpiry() throws Exception {
        start();
        try (RawHttp a = RawHttp.connectTls(gw.port(), tls); RawHttp b = RawHttp.connectTls(gw.port(), tls)) {
            assertEquals(404, a.send(crlf("GET /x HTTP/1.1\nHost: x\n\n")).read().status());
            assertEquals(404, b.send(crlf("GET /x HTTP/1.1\nHost: x\n\n")).read().status());
            awaitMetrics(x -> x.value("authgate_connections_open") == 2);
            b.close();
            awaitMetrics(x -> x.value("authgate_connections_open") == 1);
        }
        MetricsExposition m = awaitMetrics(x -> x.value("authgate_connections_open") == 0);
        double expiry = m.value("authgate_certificate_expiry_seconds", "listener", "listen");
        double expected = certs.serverCertificate().getNotAfter().toInstant().getEpochSecond()
                - Instant.now().getEpochSecond();
        assertEquals(expected, expiry, 120, "seconds until the served certificate's notAfter");
        assertTrue(m.value("authgate_config_last_reload_success_timestamp_seconds")
                > Instant.now().minus(Duration.ofMinutes(5)).getEpochSecond());
    }

    @Test
    void readyzIsOkWhileServingAndHealthzAlways() throws Exception {
        start();
        HttpResponse<String> ready = gw.admin("/readyz");
        assertEquals(200, ready.statusCode());
        assertEquals(200, gw.admin("/healthz").statusCode());
        gw.server().stop(Duration.ZERO);
        assertEquals(503, gw.admin("/readyz").statusCode());
        assertEquals(200, gw.admin("/healthz").statusCode());
    }

    /** Scrapes until {@code condition} holds (connections close asynchronously), for up to 15 s. */
    private MetricsExposition awaitMetrics(Predicate<MetricsExposition> condition) {
        MetricsExposition[] last = new MetricsExposition[1];
        try {
            return Await.value("the metrics to match", () -> {
                last[0] = gw.scrape();
                return condition.test(last[0]) ? last[0] : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError("metrics never matched; last: connections_open="
                    + last[0].valueOrNull("authgate_connections_open") + " tls failures="
                    + last[0].samples("authgate_tls_handshake_failures_total"), e);
        }
    }
}
