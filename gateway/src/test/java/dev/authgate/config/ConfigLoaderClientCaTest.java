package dev.authgate.config;

import dev.authgate.testing.ClientPki;
import dev.authgate.testing.TestCerts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code listen.tls.client_ca} and {@code client_crl}: loaded, watched for reload, and refused with the key named. */
class ConfigLoaderClientCaTest {
    @TempDir
    Path dir;
    LoaderHarness h;
    ClientPki clients;

    @BeforeEach
    void harness() {
        h = new LoaderHarness(dir);
        TestCerts.create(dir.resolve("certs"));
        clients = ClientPki.root("CN=clients CA");
        clients.writeCert(dir.resolve("certs/clients-ca.crt"));
    }

    private static String config(String tlsExtra) {
        return """
                listen:
                  address: 127.0.0.1:0
                  tls:
                    cert: certs/server.crt
                    key: certs/server.key
                """ + tlsExtra.indent(4) + """
                upstreams:
                  app: { url: "http://127.0.0.1:9" }
                routes:
                  - name: partner
                    match: { path: /p }
                    upstream: app
                    auth: { mtls: { sans: [partner.example.net] } }
                """;
    }

    @Test
    void loadsTheCaAndCrlAndWatchesBoth() throws Exception {
        clients.writeCrl(dir.resolve("certs/clients.crl"));
        GatewayConfig c = h.load(config("client_ca: certs/clients-ca.crt\nclient_crl: certs/clients.crl\n"));
        assertEquals(dir.resolve("certs/clients-ca.crt"), c.listen().tls().clientCa());
        assertTrue(c.referencedFiles().contains(dir.resolve("certs/clients-ca.crt")), "reloads when the CA changes");
        assertTrue(c.referencedFiles().contains(dir.resolve("certs/clients.crl")), "reloads when the CRL changes");
    }

    @Test
    void refusesACrlWithoutACa() {
        clients.writeCrl(dir.resolve("certs/clients.crl"));
        assertEquals(h.at(6) + "listen.tls.client_crl: needs client_ca (the CAs whose revocations it lists)",
                h.error(config("client_crl: certs/clients.crl\n")));
    }

    @Test
    void refusesACrlOfAnotherCa() {
        ClientPki.root("CN=another CA").writeCrl(dir.resolve("certs/other.crl"));
        String message = h.error(config("client_ca: certs/clients-ca.crt\nclient_crl: certs/other.crl\n"));
        assertTrue(message.startsWith(h.at(7) + "listen.tls.client_crl: "), message);
        assertTrue(message.endsWith("the CRL of \"CN=another CA\" is not signed by a CA in client_ca"), message);
    }

    @Test
    void refusesACaFileWithoutCertificates() {
        String message = h.error(config("client_ca: certs/server.key\n"));
        assertTrue(message.startsWith(h.at(6) + "listen.tls.client_ca: "), message);
        assertTrue(message.contains("no PEM certificate found"), message);
    }
}
