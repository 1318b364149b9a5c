package dev.authgate.bench;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.Credential;
import dev.authgate.auth.apikey.ApiKeyConfig;
import dev.authgate.auth.basic.BasicConfig;
import dev.authgate.auth.bearer.BearerConfig;
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

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The per-request credential checks through the real authenticators ({@link AuthSchemes#create}): bearer and
 * API key (each against three configured credentials, valid and invalid), and Basic on the verified-credential cache
 * hit (the path every request after the first takes; bcrypt itself is not measured here).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CredentialBenchmark {
    private static final List<String> TOKENS = List.of(
            "tok_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0", "tok_live_0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "tok_live_5f4e3d2c1b0a99887766554433221100");
    private static final String WRONG = "tok_live_ffffffffffffffffffffffffffffffff";

    private Authenticator bearer;
    private Authenticator apiKey;
    private Authenticator basic;
    private AuthRequest bearerValid;
    private AuthRequest bearerInvalid;
    private AuthRequest apiKeyValid;
    private AuthRequest apiKeyInvalid;
    private AuthRequest basicValid;

    @Setup(Level.Trial)
    public void setUp() {
        // Runnable::run: the one bcrypt run below (filling the cache) happens inline during setup.
        AuthSupport support = new AuthSupport(Runnable::run, Clock.systemUTC());
        List<Credential> credentials = List.of(
                new Credential("ci", new Secret(TOKENS.get(0), "inline")),
                new Credential("deploy", new Secret(TOKENS.get(1), "inline")),
                new Credential("partner", new Secret(TOKENS.get(2), "inline")));
        bearer = AuthSchemes.standard().create(new BearerConfig("authgate", credentials), support);
        apiKey = AuthSchemes.standard().create(new ApiKeyConfig(null, credentials), support);
        String hash = BCrypt.withDefaults().hashToString(4, "correct horse battery staple".toCharArray());
        basic = AuthSchemes.standard().create(new BasicConfig("ops", Map.of("alice", hash), null), support);

        bearerValid = request("Authorization", "Bearer " + TOKENS.get(1));
        bearerInvalid = request("Authorization", "Bearer " + WRONG);
        apiKeyValid = request(ApiKeyConfig.DEFAULT_HEADER, TOKENS.get(2));
        apiKeyInvalid = request(ApiKeyConfig.DEFAULT_HEADER, WRONG);
        basicValid = request("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                "alice:correct horse battery staple".getBytes(StandardCharsets.UTF_8)));

        expect(bearerValid(), true, null);
        expect(bearerInvalid(), false, null);
        expect(apiKeyValid(), true, null);
        expect(apiKeyInvalid(), false, null);
        expect(basic.authenticate(basicValid).toCompletableFuture().join(), true, "password verified");
        expect(basicCached(), true, "password verified (cached)");
    }

    @Benchmark
    public AuthResult bearerValid() {
        return bearer.authenticate(bearerValid).toCompletableFuture().join();
    }

    @Benchmark
    public AuthResult bearerInvalid() {
        return bearer.authenticate(bearerInvalid).toCompletableFuture().join();
    }

    @Benchmark
    public AuthResult apiKeyValid() {
        return apiKey.authenticate(apiKeyValid).toCompletableFuture().join();
    }

    @Benchmark
    public AuthResult apiKeyInvalid() {
        return apiKey.authenticate(apiKeyInvalid).toCompletableFuture().join();
    }

    @Benchmark
    public AuthResult basicCached() {
        return basic.authenticate(basicValid).toCompletableFuture().join();
    }

    private static AuthRequest request(String header, String value) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.add("Host", "gateway.example");
        headers.add("User-Agent", "bench/1.0");
        headers.add("Accept", "*/*");
        headers.add(header, value);
        return new AuthRequest("GET", "/api/items", null, headers, Unpooled.EMPTY_BUFFER, "127.0.0.1");
    }

    /** Fails the trial when a path does not take the branch it is named after. */
    private static void expect(AuthResult result, boolean accepted, String detail) {
        boolean ok = accepted ? result instanceof AuthResult.Accepted a && (detail == null || detail.equals(a.detail()))
                : result instanceof AuthResult.Rejected;
        if (!ok) {
            throw new IllegalStateException("unexpected result in setup: " + result);
        }
    }
}
