package dev.authgate.server;

import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestCerts;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocketFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static dev.authgate.testing.RawHttp.crlf;
import static dev.authgate.testing.TestConfigs.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request path behind TLS: served over 1.3 and 1.2, logged with the version, refusals delivered before close. */
class TlsEndToEndTest {
    @TempDir
    static Path dir;
    private static TestCerts certs;
    private static SSLSocketFactory sockets;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() {
        certs = TestCerts.create(dir);
        sockets = certs.clientSslContext().getSocketFactory();
        gw = GatewayFixture.start(TestConfigs.gateway().tls(certs.tlsConfig()).maxBody(1024)
                .headerTimeout(Duration.ofMillis(500))
                .route(TestConfigs.respond("hook", "/hook", none(), "POST")).build());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void servesOverTls13AndLogsTheVersion() {
        try (RawHttp c = RawHttp.connectTls(gw.port(), sockets)) {
            assertEquals("TLSv1.3", c.tlsProtocol());
            RawHttp.Response r = c.send(crlf("POST /hook HTTP/1.1\nHost: localhost\nContent-Length: 2\n\nhi")).read();
            assertEquals(204, r.status());
            AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
            assertEquals("TLSv1.3", e.tls());
            assertEquals("127.0.0.1:" + c.localPort(), e.client());
            RawHttp.Response again = c.send(crlf("GET /nowhere HTTP/1.1\nHost: localhost\n\n")).read();
            assertEquals(404, again.status(), "the TLS connection is kept alive");
        }
    }

    @Test
    void servesOverTls12() {
        try (RawHttp c = RawHttp.connectTls(gw.port(), sockets, "TLSv1.2")) {
            assertEquals("TLSv1.2", c.tlsProtocol());
            RawHttp.Response r = c.send(crlf("POST /hook HTTP/1.1\nHost: localhost\nContent-Length: 0\n\n")).read();
            assertEquals(204, r.status());
            assertEquals("TLSv1.2", gw.accessLog().await(r.header("X-Request-Id")).tls());
        }
    }

    @Test
    void aRefusalIsDeliveredBeforeTheCloseWhileTheClientKeepsSending() {
        try (RawHttp c = RawHttp.connectTls(gw.port(), sockets)) {
            c.send(crlf("POST /hook HTTP/1.1\nHost: localhost\nTransfer-Encoding: chunked\n\n"));
            String chunk = "400\r\n" + "z".repeat(0x400) + "\r\n";
            c.sendQuietly((chunk + chunk + chunk + chunk).getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Response r = c.read();
            assertEquals(413, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void answers408OverTls() {
        try (RawHttp c = RawHttp.connectTls(gw.port(), sockets)) {
            RawHttp.Response r = c.send("POST /hook HTTP/1.1\r\n").read();
            assertEquals(408, r.status());
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void aStandardClientGetsTheProblemBody() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(certs.clientSslContext())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + gw.port()
                + "/nowhere")).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertEquals("authgate", r.headers().firstValue("Server").orElseThrow());
        assertTrue(r.body().contains("\"reason\":\"route_not_found\""), r.body());
    }
}
