package dev.authgate.admin;

import dev.authgate.testing.ClientPki;
import dev.authgate.testing.OpsGateway;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestCerts;
import dev.authgate.testing.TestUpstream;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static dev.authgate.testing.RawHttp.crlf;

/**
 * The gateway the explorer tests send rejections to: plain HTTP, an admin listener on an ephemeral port, a route
 * {@code api} under {@code /api/} with a bearer token (id {@code ci}) and its rejections captured and a route {@code open} under {@code /open/}
 * with no auth, both to a {@link TestUpstream}. Also used by {@code cli/TailCommandTest}.
 *
 * <p>{@link #startExpiring} serves TLS instead, with what the status strip reports: a server certificate ending at a
 * given time ({@code expiry_warning: 14d}), a client CA (ten years) and its CRL (next update in 7 days), and
 * {@code expires:} on the {@code ci} token and on a second token {@code deploy-bot} (its value: the token's plus
 * {@code -deploy}).
 */
public final class ExplorerGateway implements AutoCloseable {
    private static final String CONFIG = """
            gateway: { name: gw-explorer }
            listen: { address: 127.0.0.1:0 %s }
            admin: { address: 127.0.0.1:0 %s }
            upstreams:
              app: { url: "%s" }
            routes:
              - name: api
                match: { path_prefix: /api/ }
                upstream: app
                auth: { bearer: { tokens: [ %s ] } }
                capture: { rejected: true }
              - name: open
                match: { path_prefix: /open/ }
                upstream: app
                auth: none
            """;

    public final TestUpstream app;
    public final OpsGateway gw;
    /** The config file the gateway loaded (a test rewrites it and calls {@code gw.reloader().reload()}). */
    public final Path config;
    /** Its text as written at start. */
    public final String configText;
    private final SSLSocketFactory tls;

    private ExplorerGateway(TestUpstream app, OpsGateway gw, Path config, String configText, SSLSocketFactory tls) {
        this.app = app;
        this.gw = gw;
        this.config = config;
        this.configText = configText;
        this.tls = tls;
    }

    /** @param adminExtra more keys of {@code admin:}, each starting with {@code ", "} (or empty) */
    public static ExplorerGateway start(Path dir, String token, String adminExtra) throws IOException {
        return start(dir, token, adminExtra, "", "{ id: ci, value: \"${file:token}\" }", null);
    }

    /** The TLS variant described above: the certificate ends at {@code certificateNotAfter}. */
    public static ExplorerGateway startExpiring(Path dir, String token, String adminExtra, Instant certificateNotAfter,
                                               Instant ciExpires, Instant deployBotExpires) throws IOException {
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        Path cert = dir.resolve("certs/short.crt");
        certs.writeServerCert(cert, certificateNotAfter);
        ClientPki clients = ClientPki.root("CN=explorer clients CA");
        clients.writeCert(dir.resolve("clients-ca.crt"));
        clients.writeCrl(dir.resolve("clients.crl"));
        Files.writeString(dir.resolve("token-deploy"), token + "-deploy\n");
        String listen = (", tls: { cert: '%s', key: '%s', expiry_warning: 14d, client_ca: clients-ca.crt, "
                + "client_crl: clients.crl }").formatted(cert, certs.serverKey());
        String tokens = "{ id: ci, value: \"${file:token}\", expires: %s }, { id: deploy-bot, value: "
                + "\"${file:token-deploy}\", expires: %s }";
        return start(dir, token, adminExtra, listen, tokens.formatted(ciExpires, deployBotExpires),
                certs.clientSslContext().getSocketFactory());
    }

    private static ExplorerGateway start(Path dir, String token, String adminExtra, String listenExtra,
                                         String tokens, SSLSocketFactory tls) throws IOException {
        TestUpstream app = TestUpstream.start();
        Files.writeString(dir.resolve("token"), token + "\n");
        Path config = dir.resolve("gateway.yaml");
        String text = CONFIG.formatted(listenExtra, adminExtra, app.url(), tokens);
        Files.writeString(config, text);
        try {
            return new ExplorerGateway(app, OpsGateway.start(config), config, text, tls);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    /**
     * GET {@code target} with these header lines on a new connection; the status, once the request's access-log line
     * (and so its place in the ring) is written: the line is written when the answer is, which can be after the
     * client read it, so without this wait two quick requests could be recorded in either order.
     */
    public int send(String target, String... headers) {
        StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\nHost: x\n");
        for (String h : headers) req.append(h).append('\n');
        String request = crlf(req.append("Connection: close\n\n").toString());
        RawHttp.Response r;
        if (tls == null) {
            r = gw.send(request);
        } else {
            try (RawHttp http = RawHttp.connectTls(gw.port(), tls)) {
                r = http.send(request).read();
            }
        }
        gw.accessLog().await(r.header("X-Request-Id"));
        return r.status();
    }

    @Override
    public void close() {
        gw.close();
        app.close();
    }
}
