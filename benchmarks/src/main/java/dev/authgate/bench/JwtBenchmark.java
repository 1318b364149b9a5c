package dev.authgate.bench;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.Credential;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.auth.jwt.JwtAlgorithm;
import dev.authgate.auth.jwt.JwtConfig;
import dev.authgate.auth.jwt.JwtIssuer;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.Secret;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One JWT decision per operation through the real {@code jwt} authenticator (parse, issuer, alg, kid, signature,
 * claims, scopes): ES256 and RS256 (2048-bit) tokens against static PEM keys, next to the bearer lookup of
 * {@link CredentialBenchmark} on the same request shape. Tokens are signed with the JDK in setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwtBenchmark {
    private static final String ISS = "https://login.example.com/";

    private Authenticator jwt;
    private Authenticator bearer;
    private AuthRequest es256;
    private AuthRequest rs256;
    private AuthRequest bearerValid;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ecKeys = ec.generateKeyPair();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaKeys = rsa.generateKeyPair();
        String pems = pem(ecKeys) + pem(rsaKeys);
        JwtIssuer issuer = new JwtIssuer(ISS, null, List.of(new Secret(pems, "bench")), null, List.of("orders-api"),
                EnumSet.of(JwtAlgorithm.ES256, JwtAlgorithm.RS256));
        JwtConfig config = new JwtConfig(null, List.of(issuer), Duration.ofSeconds(60), null, List.of("sub"),
                List.of("orders:write"), null, "sub", Map.of("X-Auth-Tenant", "tenant_id"));
        AuthSupport support = new AuthSupport(Runnable::run, Clock.systemUTC());
        jwt = AuthSchemes.standard().create(config, support);
        bearer = AuthSchemes.standard().create(new BearerConfig("authgate", List.of(
                new Credential("ci", new Secret("tok_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0", "inline")))), support);
        long now = Instant.now().getEpochSecond();
        String claims = "{\"iss\":\"" + ISS + "\",\"sub\":\"svc-orders\",\"aud\":\"orders-api\",\"scope\":\"orders:write"
                + " orders:read\",\"tenant_id\":\"acme\",\"iat\":" + now + ",\"exp\":" + (now + 86_400) + "}";
        es256 = request("Bearer " + sign("ES256", claims, ecKeys, "SHA256withECDSA"));
        rs256 = request("Bearer " + sign("RS256", claims, rsaKeys, "SHA256withRSA"));
        bearerValid = request("Bearer tok_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0");
        for (AuthResult r : List.of(es256(), rs256(), bearerValid())) {
            if (!(r instanceof AuthResult.Accepted)) throw new IllegalStateException("setup: " + r);
        }
    }

    @Benchmark
    public AuthResult es256() {
        return jwt.authenticate(es256).toCompletableFuture().join();
    }

    @Benchmark
    public AuthResult rs256() {
        return jwt.authenticate(rs256).toCompletableFuture().join();
    }

    @Benchmark
    public AuthResult bearerValid() {
        return bearer.authenticate(bearerValid).toCompletableFuture().join();
    }

    private static AuthRequest request(String authorization) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.add("Host", "gateway.example");
        headers.add("User-Agent", "bench/1.0");
        headers.add("Accept", "*/*");
        headers.add("Authorization", authorization);
        return new AuthRequest("GET", "/api/items", null, headers, Unpooled.EMPTY_BUFFER, "127.0.0.1");
    }

    private static String pem(KeyPair keys) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static String sign(String alg, String claims, KeyPair keys, String jca) throws GeneralSecurityException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\"}")
                .getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance(jca);
        s.initSign(keys.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        byte[] sig = s.sign();
        if (alg.startsWith("ES")) sig = derToJose(sig);
        return input + "." + b64.encodeToString(sig);
    }

    /** ECDSA's DER {@code SEQUENCE { r, s }} as JOSE's 64-byte {@code r || s} (P-256). */
    private static byte[] derToJose(byte[] der) {
        int i = (der[1] & 0x80) != 0 ? 2 + (der[1] & 0x7f) : 2;
        int rLen = der[i + 1];
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(der, i + 2, i + 2 + rLen));
        i += 2 + rLen;
        int sLen = der[i + 1];
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(der, i + 2, i + 2 + sLen));
        byte[] out = new byte[64];
        put(r, out, 0);
        put(s, out, 32);
        return out;
    }

    private static void put(BigInteger v, byte[] out, int offset) {
        byte[] b = v.toByteArray();
        int start = b.length > 32 ? b.length - 32 : 0;
        System.arraycopy(b, start, out, offset + 32 - (b.length - start), b.length - start);
    }
}
