package dev.authgate.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.ConfigLoader;
import dev.authgate.observe.AccessLog;
import dev.authgate.observe.Metrics;
import dev.authgate.proxy.UpstreamForwarder;
import dev.authgate.replay.InMemoryReplayStore;
import dev.authgate.server.GatewayServer;
import io.netty.handler.codec.http.HttpMethod;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The built-in warm-up of {@code authgate run --warmup 4s}: before the real listener binds (so before {@code /readyz}
 * answers 200), a throw-away gateway on a loopback port serves a mix of requests (open, API key, bearer, HMAC, ES256
 * JWT, 64 KiB bodies, 401s) to an in-process upstream for the given time, so that the JIT has compiled the request
 * path before a load balancer sends the first real request (docs/performance.md, "Warm-up"). Nothing of it is
 * shared with the real gateway but the code: its own config, certificate, secrets (random, made here), metrics,
 * replay store and connection pool; its access-log lines are formatted and dropped. Any failure only ends the
 * warm-up early, with a warning: it never stops the start.
 */
final class Warmup {
    private static final Logger LOG = LoggerFactory.getLogger("authgate");
    private static final int CONNECTIONS = 32;
    private static final int BODY_BYTES = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Warmup() {
    }

    static void run(Duration budget) {
        if (budget.isZero() || budget.isNegative()) return;
        long started = System.nanoTime();
        Path dir = null;
        try (AutoCloseable quiet = AccessLog.discardLines();
             WarmupUpstream upstream = new WarmupUpstream()) {
            dir = Files.createTempDirectory("authgate-warmup");
            String key = secret(dir, "key"), token = secret(dir, "token"), hmacSecret = secret(dir, "hmac");
            KeyPair jwtKeys = DevPki.ecKeyPair();
            DevPki.writePublicKey(dir.resolve("jwt.pub"), jwtKeys.getPublic());
            X509Certificate cert = certificate(dir);
            Files.writeString(dir.resolve("warmup.yaml"), config(upstream.port()));
            long answered;
            UpstreamForwarder forwarder = new UpstreamForwarder();
            GatewayServer server = new GatewayServer(ConfigLoader.load(dir.resolve("warmup.yaml"),
                    AuthSchemes.standard()), forwarder, new InMemoryReplayStore(10_000), null,
                    Clock.systemUTC(), new Metrics()).start();
            try {
                answered = WarmupClient.run(new InetSocketAddress("127.0.0.1", server.port()), cert,
                        calls(key, token, hmacSecret, jwt(jwtKeys)), CONNECTIONS, budget);
            } finally {
                server.stop(Duration.ZERO);
                forwarder.close();
            }
            LOG.info("warm-up: {} requests in {} ms (open, api_key, bearer, hmac, jwt, bodies, 401s) before the "
                    + "listener opens; --warmup 0s turns it off", answered, (System.nanoTime() - started) / 1_000_000);
        } catch (Exception e) {
            LOG.warn("warm-up ended early after {} ms: {}", (System.nanoTime() - started) / 1_000_000, e.toString());
        } finally {
            deleteQuietly(dir);
        }
    }

    /** A random secret, also written to {@code dir/NAME} for the config's {@code ${file:NAME}}. */
    private static String secret(Path dir, String name) throws IOException {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        String value = HexFormat.of().formatHex(b);
        Files.writeString(dir.resolve(name), value);
        return value;
    }

    private static X509Certificate certificate(Path dir) throws Exception {
        Instant now = Instant.now();
        KeyPair caKeys = DevPki.ecKeyPair();
        DevPki.Ca ca = new DevPki.Ca(DevPki.caCertificate("CN=authgate warm-up", caKeys, now), caKeys);
        KeyPair keys = DevPki.ecKeyPair();
        X509Certificate leaf = DevPki.leaf(ca, "CN=localhost", keys.getPublic(), now, now.plus(Duration.ofDays(1)),
                KeyPurposeId.id_kp_serverAuth, new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        DevPki.writeCert(dir.resolve("warmup.crt"), leaf);
        DevPki.writeKey(dir.resolve("warmup.key"), keys.getPrivate());
        return leaf;
    }

    private static String config(int upstreamPort) {
        return """
                gateway: { name: authgate-warmup }
                listen:
                  address: 127.0.0.1:0
                  tls: { cert: warmup.crt, key: warmup.key }
                upstreams:
                  warm: { url: "http://127.0.0.1:%d" }
                routes:
                  - { name: open, match: { path_prefix: /open }, upstream: warm, auth: none }
                  - name: apikey
                    match: { path_prefix: /apikey }
                    upstream: warm
                    auth: { api_key: { keys: [{ id: warmup, value: "${file:key}" }] } }
                  - name: bearer
                    match: { path_prefix: /bearer }
                    upstream: warm
                    auth: { bearer: { tokens: [{ id: warmup, value: "${file:token}" }] } }
                  - name: hmac
                    match: { path_prefix: /hmac }
                    upstream: warm
                    auth: { hmac: { header: X-Signature, algorithm: sha256, encoding: hex, prefix: "sha256=", secrets: ["${file:hmac}"] } }
                  - name: jwt
                    match: { path_prefix: /jwt }
                    upstream: warm
                    auth:
                      jwt:
                        issuers:
                          - { issuer: "https://warmup.invalid/", keys: ["${file:jwt.pub}"], audiences: [warmup] }
                """.formatted(upstreamPort);
    }

    private static String jwt(KeyPair keys) throws JOSEException {
        Instant now = Instant.now();
        SignedJWT t = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), new JWTClaimsSet.Builder()
                .issuer("https://warmup.invalid/").audience("warmup").subject("warmup").issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1)))).build());
        t.sign(new ECDSASigner((ECPrivateKey) keys.getPrivate()));
        return t.serialize();
    }

    private static List<WarmupClient.Call> calls(String key, String token, String hmacSecret, String jwt)
            throws Exception {
        byte[] body = new byte[BODY_BYTES];
        Arrays.fill(body, (byte) 'x');
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(hmacSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        byte[] none = new byte[0];
        byte[] small = Arrays.copyOf(body, 4096);
        Map<String, String> apiKey = Map.of("X-API-Key", key);
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);
        List<WarmupClient.Call> calls = new ArrayList<>();
        // Mostly GETs and small bodies: the per-request code must run some 10,000 times to reach C2 within the
        // budget; one 64 KiB HMAC delivery in twelve keeps the body paths (streaming, MAC) in the profile.
        calls.add(new WarmupClient.Call(HttpMethod.GET, "/open", Map.of(), none));
        calls.add(new WarmupClient.Call(HttpMethod.GET, "/apikey", apiKey, none));
        calls.add(new WarmupClient.Call(HttpMethod.GET, "/bearer?q=1", bearer, none));
        calls.add(new WarmupClient.Call(HttpMethod.POST, "/open", Map.of(), small));
        calls.add(new WarmupClient.Call(HttpMethod.GET, "/open/a/b", Map.of("X-Request-Id", "warmup"), none));
        calls.add(new WarmupClient.Call(HttpMethod.GET, "/jwt", Map.of("Authorization", "Bearer " + jwt), none));
        calls.add(new WarmupClient.Call(HttpMethod.POST, "/apikey", apiKey, small));
        calls.add(new WarmupClient.Call(HttpMethod.GET, "/open", Map.of(), none));
        calls.add(new WarmupClient.Call(HttpMethod.POST, "/hmac", Map.of("X-Signature", signature), body));
        calls.add(new WarmupClient.Call(HttpMethod.GET, "/apikey", apiKey, none));
        // rejections: the 401 path, problem bodies and the explorer's ring
        calls.add(new WarmupClient.Call(HttpMethod.GET, "/apikey", Map.of("X-API-Key", "wrong"), none));
        calls.add(new WarmupClient.Call(HttpMethod.GET, "/bearer", Map.of(), none));
        return calls;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("warm-up: could not delete {}: {}", dir, e.toString());
        }
    }
}
