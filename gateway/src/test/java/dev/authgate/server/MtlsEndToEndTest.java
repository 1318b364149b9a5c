package dev.authgate.server;

import dev.authgate.auth.AllConfig;
import dev.authgate.auth.AnyConfig;
import dev.authgate.auth.Credential;
import dev.authgate.auth.apikey.ApiKeyConfig;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.auth.mtls.MtlsConfig;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.Secret;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.observe.MetricsExposition;
import dev.authgate.testing.ClientPki;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestCerts;
import dev.authgate.testing.TestConfigs;
import dev.authgate.testing.TestUpstream;
import dev.authgate.tls.SslContexts;
import dev.authgate.tls.TlsConfig;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocketFactory;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static dev.authgate.testing.RawHttp.crlf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client certificates through real TLS handshakes (docs/configuration.md, "Client certificates"): every reason with
 * its status, a bad certificate answered over HTTP on an mtls route and served normally elsewhere, RFC 9440 and xfcc
 * forwarding, client copies stripped everywhere, {@code all:} and a nested {@code any:}, a CRL reload. Certificates
 * are made by the test with BouncyCastle ({@link ClientPki}). Runs with the default provider (BoringSSL);
 * {@link MtlsJdkProviderEndToEndTest} runs the same with the JDK provider.
 */
class MtlsEndToEndTest {
    static final String PARTNER = "partner.example.net";
    static final String TOKEN = "tok-" + UUID.randomUUID();
    static final String KEY = "key-" + UUID.randomUUID();
    @TempDir
    static Path dir;
    static TestCerts server;
    static ClientPki clients;
    static ClientPki.Issued partner;
    static ClientPki.Issued billing;
    static ClientPki.Issued stranger;
    static ClientPki.Issued expired;
    static ClientPki.Issued future;
    static ClientPki.Issued revoked;
    static ClientPki.Issued untrusted;
    static ClientPki.Issued serverOnly;
    static ClientPki.Issued viaIntermediate;
    static TestUpstream backend;
    static GatewayFixture gw;

    /** The provider this class runs with; a subclass forces the JDK one. */
    String expectedProvider() {
        return SslContexts.providerName();
    }

    @BeforeAll
    static void start() {
        server = TestCerts.create(dir.resolve("server"));
        clients = ClientPki.root("CN=clients CA,O=Example");
        Instant now = Instant.now();
        partner = clients.issue("CN=partner,O=Partner", List.of(), List.of(PARTNER));
        billing = clients.issue("CN=billing,O=Example", List.of("spiffe://example.org/billing"), List.of("billing.internal"));
        stranger = clients.issue("CN=stranger", List.of(), List.of("stranger.example.net"));
        expired = clients.issue("CN=partner-old", List.of(), List.of(PARTNER), now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(2)), KeyPurposeId.id_kp_clientAuth);
        future = clients.issue("CN=partner-next", List.of(), List.of(PARTNER), now.plus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)), KeyPurposeId.id_kp_clientAuth);
        revoked = clients.issue("CN=partner-lost", List.of(), List.of(PARTNER));
        untrusted = ClientPki.root("CN=someone else's CA").issue("CN=partner", List.of(), List.of(PARTNER));
        serverOnly = clients.issue("CN=partner-server", List.of(), List.of(PARTNER), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(30)), KeyPurposeId.id_kp_serverAuth);
        viaIntermediate = clients.intermediate("CN=clients issuing CA,O=Example")
                .issue("CN=partner-2", List.of(), List.of(PARTNER));
        clients.writeCert(dir.resolve("clients-ca.crt"));
        clients.writeCrl(dir.resolve("clients.crl"), revoked.serial());
        backend = TestUpstream.start();
        gw = GatewayFixture.start(config(dir.resolve("clients.crl")));
    }

    static GatewayConfig config(Path crl) {
        AuthConfig bearer = new BearerConfig(null, List.of(new Credential("ci-bot", new Secret(TOKEN, "inline"))));
        AuthConfig apiKey = new ApiKeyConfig(null, List.of(new Credential("ops", new Secret(KEY, "inline"))));
        MtlsConfig partnerOnly = new MtlsConfig(null, List.of(PARTNER), null, null);
        return TestConfigs.gateway()
                .tls(new TlsConfig(server.serverCert(), server.serverKey(), null, null, dir.resolve("clients-ca.crt"),
                        crl))
                .upstream("app", backend.url())
                .route(TestConfigs.proxy("partner", "/partner/", "app", partnerOnly))
                .route(TestConfigs.proxy("billing", "/billing/", "app",
                        new MtlsConfig(List.of("CN=billing,O=Example"), null, null, MtlsConfig.XFCC)))
                .route(TestConfigs.proxy("pinned", "/pinned/", "app", new MtlsConfig(null, null,
                        List.of("sha256:" + sha256(der(stranger))), MtlsConfig.NONE)))
                .route(TestConfigs.proxy("both", "/both/", "app", new AllConfig(List.of(partnerOnly, bearer))))
                .route(TestConfigs.proxy("nested", "/nested/", "app",
                        new AllConfig(List.of(partnerOnly, new AnyConfig(List.of(bearer, apiKey))))))
                .route(TestConfigs.proxy("open", "/open/", "app", TestConfigs.none()))
                .build();
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        if (backend != null) backend.close();
        gw = null;
        backend = null;
    }

    static byte[] der(ClientPki.Issued issued) {
        try {
            return issued.cert().getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static RawHttp.Response get(SSLSocketFactory sockets, String path, String extraHeaders) {
        try (RawHttp c = RawHttp.connectTls(gw.port(), sockets)) {
            return c.send(crlf("GET " + path + " HTTP/1.1\nHost: localhost\n" + extraHeaders + "\n")).read();
        }
    }

    static RawHttp.Response get(ClientPki.Issued cert, String path) {
        return get(cert.sockets(server), path, "");
    }

    private static void refused(RawHttp.Response r, int status, String reason) {
        assertEquals(status, r.status(), r.bodyText());
        assertEquals("authgate", r.header("Server"));
        assertEquals(reason, r.json().get("reason"));
        AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
        assertEquals(reason, e.reason());
        assertEquals("mtls", e.scheme());
    }

    @Test
    void runsOnTheExpectedProvider() {
        String expected = expectedProvider();
        if (expected != null) assertEquals(expected, gw.server().tlsProvider());
    }

    @Test
    void aListedCertificatePassesAndTheUpstreamGetsItsDerByteForByte() throws Exception {
        RawHttp.Response r = get(partner, "/partner/x");
        assertEquals(200, r.status(), r.bodyText());
        TestUpstream.Recorded up = backend.takeRequest();
        assertEquals("mtls", up.header("X-Auth-Scheme"));
        assertEquals(PARTNER, up.header("X-Auth-Identity"));
        String clientCert = up.header("Client-Cert");
        assertTrue(clientCert.startsWith(":") && clientCert.endsWith(":"), clientCert);
        assertArrayEquals(partner.cert().getEncoded(),
                Base64.getDecoder().decode(clientCert.substring(1, clientCert.length() - 1)));
        assertNull(up.header("Client-Cert-Chain"), "no intermediates were sent");
        AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
        assertEquals(PARTNER, e.identity());
    }

    @Test
    void intermediatesGoUpstreamInClientCertChain() throws Exception {
        RawHttp.Response r = get(viaIntermediate, "/partner/x");
        assertEquals(200, r.status(), r.bodyText());
        TestUpstream.Recorded up = backend.takeRequest();
        String chain = up.header("Client-Cert-Chain");
        assertArrayEquals(viaIntermediate.chain().get(1).getEncoded(),
                Base64.getDecoder().decode(chain.substring(1, chain.length() - 1)));
    }

    @Test
    void subjectMatchesAndXfccNamesHashSubjectAndSans() throws Exception {
        RawHttp.Response r = get(billing, "/billing/x");
        assertEquals(200, r.status(), r.bodyText());
        TestUpstream.Recorded up = backend.takeRequest();
        assertEquals("spiffe://example.org/billing", up.header("X-Auth-Identity"), "the first URI SAN");
        assertEquals("Hash=" + sha256(billing.cert().getEncoded()) + ";Subject=\"CN=billing,O=Example\""
                + ";URI=spiffe://example.org/billing;DNS=billing.internal", up.header("X-Forwarded-Client-Cert"));
        assertNull(up.header("Client-Cert"));
    }

    @Test
    void aFingerprintPinsOneCertificateAndForwardNoneSendsNothing() {
        RawHttp.Response r = get(stranger, "/pinned/x");
        assertEquals(200, r.status(), r.bodyText());
        TestUpstream.Recorded up = backend.takeRequest();
        assertEquals("stranger.example.net", up.header("X-Auth-Identity"));
        assertNull(up.header("Client-Cert"));
        assertNull(up.header("X-Forwarded-Client-Cert"));
        refused(get(partner, "/pinned/x"), 403, "client_certificate_not_allowed");
    }

    @Test
    void noCertificateIsMissing() {
        RawHttp.Response r = get(server.clientSslContext().getSocketFactory(), "/partner/x", "");
        refused(r, 401, "client_certificate_missing");
        assertEquals("ClientCertificate realm=\"authgate\"", r.header("WWW-Authenticate"));
    }

    @Test
    void anotherCasCertificateIsUntrustedAndTheDetailNamesIt() {
        RawHttp.Response r = get(untrusted, "/partner/x");
        refused(r, 401, "client_certificate_untrusted");
        String detail = (String) r.json().get("detail");
        assertTrue(detail.contains("CN=someone else's CA") && detail.contains("DNS:" + PARTNER)
                && detail.contains("serial " + untrusted.serial().toString(16)), detail);
    }

    @Test
    void aServerOnlyCertificateIsUntrusted() {
        RawHttp.Response r = get(serverOnly, "/partner/x");
        refused(r, 401, "client_certificate_untrusted");
        assertTrue(((String) r.json().get("detail")).contains("lacks clientAuth"), r.bodyText());
    }

    @Test
    void expiredAndNotYetValidSayWhichEnd() {
        RawHttp.Response old = get(expired, "/partner/x");
        refused(old, 401, "client_certificate_expired");
        assertTrue(((String) old.json().get("detail")).startsWith("expired 2d"), old.bodyText());
        RawHttp.Response early = get(future, "/partner/x");
        refused(early, 401, "client_certificate_expired");
        assertTrue(((String) early.json().get("detail")).startsWith("not valid until"), early.bodyText());
    }

    @Test
    void aRevokedCertificateStaysRevokedOnTheNextConnection() {
        SSLSocketFactory sockets = revoked.sockets(server);
        refused(get(sockets, "/partner/x", ""), 401, "client_certificate_revoked");
        // the same client context: the session is resumed where the provider resumes; the verdict is the same
        refused(get(sockets, "/partner/x", ""), 401, "client_certificate_revoked");
    }

    @Test
    void aTrustedCertificateNotInTheListIsForbiddenWithItsNames() {
        RawHttp.Response r = get(stranger, "/partner/x");
        refused(r, 403, "client_certificate_not_allowed");
        String detail = (String) r.json().get("detail");
        assertTrue(detail.contains("CN=stranger") && detail.contains("DNS:stranger.example.net"), detail);
    }

    @Test
    void aBadCertificateIsServedNormallyOnARouteWithoutMtlsAndClientCopiesAreStripped() {
        String forged = "Client-Cert: :AAAA:\nClient-Cert-Chain: :AAAA:\nX-Forwarded-Client-Cert: Hash=00\n"
                + "Client_Cert: :AAAA:\n";
        RawHttp.Response r = get(untrusted.sockets(server), "/open/x", forged);
        assertEquals(200, r.status());
        TestUpstream.Recorded up = backend.takeRequest();
        assertNull(up.header("Client-Cert"));
        assertNull(up.header("Client-Cert-Chain"));
        assertNull(up.header("X-Forwarded-Client-Cert"));
        assertNull(up.header("Client_Cert"));
        RawHttp.Response mtls = get(partner.sockets(server), "/partner/x", forged);
        assertEquals(200, mtls.status());
        TestUpstream.Recorded up2 = backend.takeRequest();
        assertFalse(up2.header("Client-Cert").equals(":AAAA:"));
        assertEquals(1, up2.headers().getAll("Client-Cert").size());
        assertNull(up2.header("Client-Cert-Chain"));
        assertNull(up2.header("X-Forwarded-Client-Cert"));
    }

    @Test
    void allNeedsEveryMemberAndTheFirstRefusalIsTheAnswer() {
        RawHttp.Response pass = get(partner.sockets(server), "/both/x", "Authorization: Bearer " + TOKEN + "\n");
        assertEquals(200, pass.status(), pass.bodyText());
        TestUpstream.Recorded up = backend.takeRequest();
        assertEquals("mtls+bearer", up.header("X-Auth-Scheme"));
        assertEquals(PARTNER, up.header("X-Auth-Identity"), "the first member's identity");
        assertTrue(up.header("Client-Cert") != null);
        assertEquals("mtls+bearer", gw.accessLog().await(pass.header("X-Request-Id")).scheme());

        RawHttp.Response noToken = get(partner.sockets(server), "/both/x", "");
        assertEquals(401, noToken.status());
        assertEquals("credentials_missing", noToken.json().get("reason"));
        assertEquals(List.of("ClientCertificate realm=\"authgate\"", "Bearer realm=\"authgate\""),
                noToken.headers("WWW-Authenticate"));

        RawHttp.Response noCert = get(server.clientSslContext().getSocketFactory(), "/both/x",
                "Authorization: Bearer " + TOKEN + "\n");
        assertEquals("client_certificate_missing", noCert.json().get("reason"));
        RawHttp.Response wrongCert = get(stranger.sockets(server), "/both/x", "Authorization: Bearer wrong\n");
        assertEquals(403, wrongCert.status());
        assertEquals("client_certificate_not_allowed", wrongCert.json().get("reason"), "the first refusal wins");
    }

    @Test
    void allWithANestedAnyAcceptsEitherSecondProof() {
        RawHttp.Response viaKey = get(partner.sockets(server), "/nested/x", "X-API-Key: " + KEY + "\n");
        assertEquals(200, viaKey.status(), viaKey.bodyText());
        assertEquals("mtls+api_key", backend.takeRequest().header("X-Auth-Scheme"));
        RawHttp.Response viaToken = get(partner.sockets(server), "/nested/x", "Authorization: Bearer " + TOKEN + "\n");
        assertEquals(200, viaToken.status(), viaToken.bodyText());
        assertEquals("mtls+bearer", backend.takeRequest().header("X-Auth-Scheme"));
        RawHttp.Response neither = get(partner.sockets(server), "/nested/x", "");
        assertEquals(401, neither.status());
        assertEquals("credentials_missing", neither.json().get("reason"));
    }

    @Test
    void noSecretOrCertificateEncodingInTheLog() throws Exception {
        get(partner.sockets(server), "/both/x", "Authorization: Bearer " + TOKEN + "\n");
        backend.takeRequest();
        String log = String.join("\n", gw.accessLog().lines());
        assertFalse(log.contains(TOKEN));
        String der = Base64.getEncoder().encodeToString(partner.cert().getEncoded());
        assertFalse(log.contains(der.substring(0, 40)), "no certificate encoding in logs");
    }

    @Test
    void countsVerdictsAndReportsTheCaAndCrlExpiry() {
        get(partner, "/open/x");
        backend.takeRequest();
        get(untrusted, "/open/x");
        backend.takeRequest();
        MetricsExposition m = MetricsExposition.parse(gw.server().metrics().scrape());
        assertTrue(m.value("authgate_client_certificate_verifications_total", "result", "trusted") >= 1);
        assertTrue(m.value("authgate_client_certificate_verifications_total", "result", "untrusted") >= 1);
        long now = Instant.now().getEpochSecond();
        assertEquals(clients.certificate().getNotAfter().toInstant().getEpochSecond() - now,
                m.value("authgate_certificate_expiry_seconds", "listener", "client_ca"), 120);
        assertEquals(Duration.ofDays(7).toSeconds(),
                m.value("authgate_certificate_expiry_seconds", "listener", "client_crl"), 600);
    }

    @Test
    void aCrlReloadRevokesNewHandshakes() {
        ClientPki.Issued soonRevoked = clients.issue("CN=partner-soon", List.of(), List.of(PARTNER));
        Path crl = dir.resolve("reloaded-" + UUID.randomUUID() + ".crl");
        clients.writeCrl(crl);
        GatewayConfig before = config(crl);
        try (GatewayFixture own = GatewayFixture.start(before)) {
            SSLSocketFactory sockets = soonRevoked.sockets(server);
            try (RawHttp c = RawHttp.connectTls(own.port(), sockets)) {
                assertEquals(200, c.send(crlf("GET /partner/x HTTP/1.1\nHost: localhost\n\n")).read().status());
            }
            backend.takeRequest();
            clients.writeCrl(crl, soonRevoked.serial());
            own.server().reload(config(crl));
            try (RawHttp c = RawHttp.connectTls(own.port(), sockets)) {
                RawHttp.Response r = c.send(crlf("GET /partner/x HTTP/1.1\nHost: localhost\n\n")).read();
                assertEquals(401, r.status());
                assertEquals("client_certificate_revoked", r.json().get("reason"));
            }
        }
    }
}
