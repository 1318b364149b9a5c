package dev.authgate.admin;

import dev.authgate.testing.OpsGateway;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestUpstream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.authgate.testing.RawHttp.crlf;

/**
 * The gateway the explorer tests send rejections to: plain HTTP, an admin listener on an ephemeral port, a route
 * {@code api} under {@code /api/} with a bearer token (id {@code ci}) and its rejections captured and a route {@code open} under {@code /open/}
 * with no auth, both to a {@link TestUpstream}. Also used by {@code cli/TailCommandTest}.
 */
public final class ExplorerGateway implements AutoCloseable {
    public final TestUpstream app;
    public final OpsGateway gw;

    private ExplorerGateway(TestUpstream app, OpsGateway gw) {
        this.app = app;
        this.gw = gw;
    }

    /** @param adminExtra more keys of {@code admin:}, each starting with {@code ", "} (or empty) */
    public static ExplorerGateway start(Path dir, String token, String adminExtra) throws IOException {
        TestUpstream app = TestUpstream.start();
        Files.writeString(dir.resolve("token"), token + "\n");
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                gateway: { name: gw-explorer }
                listen: { address: 127.0.0.1:0 }
                admin: { address: 127.0.0.1:0 %s }
                upstreams:
                  app: { url: "%s" }
                routes:
                  - name: api
                    match: { path_prefix: /api/ }
                    upstream: app
                    auth: { bearer: { tokens: [ { id: ci, value: "${file:token}" } ] } }
                    capture: { rejected: true }
                  - name: open
                    match: { path_prefix: /open/ }
                    upstream: app
                    auth: none
                """.formatted(adminExtra, app.url()));
        try {
            return new ExplorerGateway(app, OpsGateway.start(config));
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
        RawHttp.Response r = gw.send(crlf(req.append("Connection: close\n\n").toString()));
        gw.accessLog().await(r.header("X-Request-Id"));
        return r.status();
    }

    @Override
    public void close() {
        gw.close();
        app.close();
    }
}
