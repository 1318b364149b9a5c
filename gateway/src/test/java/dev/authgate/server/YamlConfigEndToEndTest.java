package dev.authgate.server;

import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;
import dev.authgate.testing.TestCerts;
import dev.authgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.authgate.testing.RawHttp.crlf;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A gateway.yaml as ops write it, through the real loader, TLS and forwarder. */
class YamlConfigEndToEndTest {

    @Test
    void servesAConfigFileOverTls(@TempDir Path dir) {
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        try (TestUpstream backend = TestUpstream.start();
             GatewayFixture gw = GatewayFixture.start(TestConfigs.load(dir, """
                     gateway:
                       name: authgate-yaml
                     listen:
                       address: 127.0.0.1:0
                       tls:
                         cert: certs/server.crt
                         key: certs/server.key
                     limits:
                       max_body: 64KiB
                     upstreams:
                       orders:
                         url: %s
                     routes:
                       - name: orders
                         match: { path_prefix: /orders/, methods: [GET, POST] }
                         upstream: orders
                         auth: none
                       - name: canary
                         match: { path: /canary }
                         respond: 204
                         auth: none
                     """.formatted(backend.url())));
             RawHttp c = RawHttp.connectTls(gw.port(), certs.clientSslContext().getSocketFactory())) {
            assertEquals(204, c.send(crlf("GET /canary HTTP/1.1\nHost: localhost\n\n")).read().status());
            RawHttp.Response r = c.send(crlf("GET /orders/7 HTTP/1.1\nHost: localhost\n\n")).read();
            assertEquals(200, r.status());
            assertEquals("1.1 authgate-yaml", r.header("Via"));
            RawHttp.Response refused = c.send(crlf("DELETE /orders/7 HTTP/1.1\nHost: localhost\n\n")).read();
            assertEquals(405, refused.status());
            assertEquals("GET, POST", refused.header("Allow"));
            assertEquals("TLSv1.3", gw.accessLog().await(r.header("X-Request-Id")).tls());
        }
    }
}
