package dev.authgate.reload;

import ch.qos.logback.classic.Level;
import dev.authgate.observe.MetricsExposition;
import dev.authgate.testing.Await;
import dev.authgate.testing.LogCapture;
import dev.authgate.testing.OpsGateway;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import dev.authgate.testing.TestCerts;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCounted;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static dev.authgate.testing.RawHttp.crlf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hot reload of a running gateway over TLS (issue 4): the new config applies to new requests at once, in-flight and
 * kept-alive connections carry on, an invalid config is refused and counted, a new certificate is served to the next
 * handshake, and changes to referenced files reload by themselves.
 */
class ReloadEndToEndTest {
    private static final String OLD = "old-token-5c1e9a7d";
    private static final String NEW = "new-token-8b2f4d6c";

    @TempDir
    static Path certDir;
    static TestCerts certs;

    @TempDir
    Path dir;
    private TestUpstream app;
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
    }

    private void start(String limits) throws IOException {
        app = TestUpstream.start();
        Files.copy(certs.serverCert(), dir.resolve("server.crt"));
        Files.copy(certs.serverKey(), dir.resolve("server.key"));
        replace(dir.resolve("token"), OLD);
        writeConfig("127.0.0.1:0", "127.0.0.1:0", limits);
        gw = OpsGateway.start(dir.resolve("gateway.yaml"));
        tls = certs.clientSslContext().getSocketFactory();
    }

    private void writeConfig(String listen, String admin, String limits) throws IOException {
        replace(dir.resolve("gateway.yaml"), """
                gateway: { name: gw-reload }
                listen:
                  address: %s
                  tls: { cert: server.crt, key: server.key }
                admin: { address: %s }
                limits: { %s }
                upstreams:
                  app: { url: "%s" }
                routes:
                  - name: r
                    match: { path_prefix: /r/ }
                    upstream: app
                    auth: { bearer: { tokens: [ { id: ci, value: "${file:token}" } ] } }
                """.formatted(listen, admin, limits, app.url()));
    }

    /** Writes a file the way deployment tools do: a temporary file renamed over the old one (atomic). */
    private static void replace(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".tmp-", "");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String request(String token) {
        return crlf("GET /r/x HTTP/1.1\nHost: x\nAuthorization: Bearer " + token + "\n\n");
    }

    private RawHttp.Response once(String token) {
        try (RawHttp http = RawHttp.connectTls(gw.port(), tls)) {
            return http.send(request(token)).read();
        }
    }

    /** One request as a client saw it: which token, when it was sent and answered (nanoTime), and the answer. */
    private record Outcome(String token, long sent, long answered, int status, String reason, String connection) {
    }

    @Test
    void aReloadUnderLoadSwapsTheTokenWithNoRequestFailingOrPassingWrongly() throws Exception {
        start("max_body: 1MiB");
        int threads = 4;
        int perPhase = 25;   // requests per client before the reload, and again after it completed
        Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> clients = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int first = t;
                Callable<Integer> client = () -> {
                    // one kept-alive TLS connection per client for the whole test: a reload must not drop it
                    try (RawHttp http = RawHttp.connectTls(gw.port(), tls)) {
                        int n = 0;
                        while (!stop.get()) {
                            String token = (first + n++) % 2 == 0 ? OLD : NEW;
                            long sent = System.nanoTime();
                            RawHttp.Response r = http.send(request(token)).read();
                            long answered = System.nanoTime();
                            Object reason = r.status() == 401 ? r.json().get("reason") : null;
                            outcomes.add(new Outcome(token, sent, answered, r.status(), (String) reason,
                                    r.header("Connection")));
                        }
                        return n;
                    }
                };
                clients.add(pool.submit(client));
            }
            await(() -> outcomes.size() >= threads * perPhase, "requests before the reload");

            replace(dir.resolve("token"), NEW);
            long reloadCalled = System.nanoTime();
            assertTrue(gw.reloader().reload(), "the new config is valid");
            long reloadReturned = System.nanoTime();

            await(() -> outcomes.stream().filter(o -> o.sent() > reloadReturned).count() >= threads * perPhase,
                    "requests after the reload");
            stop.set(true);
            for (Future<Integer> c : clients) {
                c.get(30, TimeUnit.SECONDS);   // rethrows a client's exception: a dropped connection fails here
            }

            int oldRegime = 0;
            int newRegime = 0;
            int straddling = 0;
            for (Outcome o : outcomes) {
                assertNull(o.connection(), "no response closes the kept-alive connection: " + o);
                boolean passed = o.status() == 200;
                if (!passed) {
                    assertEquals(401, o.status(), o.toString());
                    assertEquals("credentials_invalid", o.reason(), o.toString());
                }
                if (o.answered() < reloadCalled) {
                    // answered before the reload began: only the old token passes
                    assertEquals(o.token().equals(OLD), passed, "before the reload: " + o);
                    oldRegime++;
                } else if (o.sent() > reloadReturned) {
                    // sent after the swap was complete: only the new token passes
                    assertEquals(o.token().equals(NEW), passed, "after the reload: " + o);
                    newRegime++;
                } else {
                    straddling++;   // in flight during the swap: either config may decide, but it is 200 or 401
                }
            }
            assertTrue(oldRegime >= threads * perPhase - threads, "old regime " + oldRegime);
            assertTrue(newRegime >= threads * perPhase, "new regime " + newRegime);
            assertTrue(oldRegime + newRegime + straddling == outcomes.size());
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        MetricsExposition m = gw.scrape();
        assertEquals(1.0, m.value("authgate_config_reloads_total", "result", "success"));
        assertEquals(0.0, m.value("authgate_config_reloads_total", "result", "failure"));
    }

    @Test
    void anInvalidConfigIsRefusedNamingTheKeyAndTheOldConfigKeepsServing() throws Exception {
        start("max_body: 1MiB");
        try (RawHttp kept = RawHttp.connectTls(gw.port(), tls)) {
            assertEquals(200, kept.send(request(OLD)).read().status());
            try (LogCapture log = LogCapture.attach(Reloader.class)) {
                Files.delete(dir.resolve("token"));
                assertFalse(gw.reloader().reload());
                List<String> errors = log.lines(Level.ERROR);
                assertEquals(1, errors.size(), errors.toString());
                assertTrue(errors.get(0).startsWith("config reload refused, the previous config keeps serving: "),
                        errors.get(0));
                assertTrue(errors.get(0).contains("routes[0].auth.bearer.tokens[0].value"), errors.get(0));
                assertTrue(errors.get(0).contains("token"), "names the missing file: " + errors.get(0));

                replace(dir.resolve("gateway.yaml"), Files.readString(dir.resolve("gateway.yaml"))
                        .replace("upstream: app", "upstream: nowhere"));
                replace(dir.resolve("token"), NEW);
                assertFalse(gw.reloader().reload());
                assertTrue(log.lines(Level.ERROR).get(1).contains("routes[0].upstream"), log.lines().toString());
            }
            assertEquals(200, kept.send(request(OLD)).read().status(), "the old config serves the open connection");
            assertEquals(200, once(OLD).status(), "and new ones");
            assertEquals(401, once(NEW).status());
            MetricsExposition m = gw.scrape();
            assertEquals(2.0, m.value("authgate_config_reloads_total", "result", "failure"));
            assertEquals(0.0, m.value("authgate_config_reloads_total", "result", "success"));

            writeConfig("127.0.0.1:0", "127.0.0.1:0", "max_body: 1MiB");
            assertTrue(gw.reloader().reload(), "fixed");
            assertEquals(200, kept.send(request(NEW)).read().status());
            assertEquals(1.0, gw.scrape().value("authgate_config_reloads_total", "result", "success"));
        }
    }

    @Test
    void aNewCertificateIsServedToTheNextHandshakeWhileOpenConnectionsKeepTheirs() throws Exception {
        start("max_body: 1MiB");
        try (RawHttp before = RawHttp.connectTls(gw.port(), tls)) {
            BigInteger oldSerial = before.peerCertificate().getSerialNumber();
            assertEquals(certs.serverCertificate().getSerialNumber(), oldSerial);
            Instant notAfter = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
            X509Certificate renewed;
            SslContext replaced = gw.server().tls().context();
            try (LogCapture log = LogCapture.attach(Reloader.class)) {
                Path staged = dir.resolve("staged.crt");
                renewed = certs.writeServerCert(staged, notAfter);
                Files.move(staged, dir.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                assertTrue(gw.reloader().reload());
                List<String> warnings = log.lines(Level.WARN);
                assertTrue(warnings.stream().anyMatch(w -> w.startsWith("listen.tls.cert: ")
                        && w.contains("expires at " + notAfter) && w.contains("in 2d 23h")), warnings.toString());
            }
            // a fresh client context: no session to resume, a full handshake
            try (RawHttp after = RawHttp.connectTls(gw.port(),
                    certs.clientSslContext().getSocketFactory())) {
                assertEquals(renewed.getSerialNumber(), after.peerCertificate().getSerialNumber());
                assertEquals(200, after.send(request(OLD)).read().status());
            }
            assertEquals(200, before.send(request(OLD)).read().status(), "the open connection carries on");
            assertEquals(oldSerial, before.peerCertificate().getSerialNumber());
            double expiry = gw.scrape().value("authgate_certificate_expiry_seconds", "listener", "listen");
            assertEquals(Duration.between(Instant.now(), notAfter).getSeconds(), expiry, 120);
            // An accept that read the old context just before the swap may still make its handler from it: the
            // release comes seconds later. BoringSSL contexts are reference-counted; JDK ones are not.
            if (replaced instanceof ReferenceCounted old) {
                assertTrue(old.refCnt() > 0, "the replaced context is not released at once");
                ReferenceCounted current = (ReferenceCounted) gw.server().tls().context();
                gw.server().stop(Duration.ofSeconds(5));
                assertEquals(0, current.refCnt(), "stop releases the served context");
            }
        }
    }

    @Test
    void changesToReferencedFilesReloadWithoutAnySignal() throws Exception {
        start("max_body: 1MiB");
        gw.reloader().watch(false, Duration.ofMillis(50), Duration.ofMillis(200));
        replace(dir.resolve("token"), NEW);   // a ${file:} secret
        await(() -> once(NEW).status() == 200, "the new token after the token file changed");
        assertEquals(401, once(OLD).status());

        Path staged = dir.resolve("staged.crt");
        X509Certificate renewed = certs.writeServerCert(staged, Instant.now().plus(Duration.ofDays(200)));
        Files.move(staged, dir.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        await(() -> {
            try (RawHttp http = RawHttp.connectTls(gw.port(), certs.clientSslContext().getSocketFactory())) {
                return http.peerCertificate().getSerialNumber().equals(renewed.getSerialNumber());
            }
        }, "the new certificate after the certificate file changed");
        MetricsExposition m = gw.scrape();
        assertEquals(2.0, m.value("authgate_config_reloads_total", "result", "success"));
        assertEquals(0.0, m.value("authgate_config_reloads_total", "result", "failure"));
    }

    @Test
    void addressChangesWaitForARestartAndTheThrottleOutlivesAReload() throws Exception {
        start("auth_failures: { max: 2, window: 1m }");
        int port = gw.port();
        assertEquals(401, once("guess-1").status());
        assertEquals(401, once("guess-2").status());
        assertEquals(429, once(OLD).status());

        try (LogCapture log = LogCapture.attach(Reloader.class)) {
            writeConfig("127.0.0.1:1", "127.0.0.1:2", "auth_failures: { max: 2, window: 1m }");
            assertTrue(gw.reloader().reload());
            List<String> warnings = log.lines(Level.WARN);
            assertTrue(warnings.contains("listen.address: changed to 127.0.0.1:1, which needs a restart; still "
                    + "listening on 127.0.0.1:0"), warnings.toString());
            assertTrue(warnings.contains("admin.address: changed to 127.0.0.1:2, which needs a restart; the admin "
                    + "listener stays on 127.0.0.1:0"), warnings.toString());
        }
        assertEquals(port, gw.port());
        assertEquals(429, once(OLD).status(), "the same limits: the failure count is kept");

        writeConfig("127.0.0.1:0", "127.0.0.1:0", "auth_failures: { max: 5, window: 1m }");
        assertTrue(gw.reloader().reload());
        assertEquals(200, once(OLD).status(), "new limits start a new count");
    }

    private static void await(BooleanSupplier condition, String what) {
        Await.until(what, Duration.ofSeconds(30), condition);
    }
}
