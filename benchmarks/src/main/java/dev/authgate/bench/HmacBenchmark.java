package dev.authgate.bench;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.SignedRequest;
import dev.authgate.auth.hmac.HmacConfig;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.auth.hmac.HmacSigner;
import dev.authgate.config.Secret;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HMAC-SHA256 verification of a GitHub delivery through the real {@code HmacAuthenticator} (built by
 * {@link AuthSchemes#create}, as a route's {@code auth: { hmac: { preset: github } }} is), with a valid signature,
 * over the body as the gateway holds it.
 *
 * <p>Throughput is in verifications per second; MB/s = ops/s &times; {@code size} / 10^6 ({@code scripts/bench-hmac}
 * does the conversion and sets it beside {@code openssl speed -hmac sha256}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HmacBenchmark {

    /** Body size in bytes: 64 KiB and 1 MiB. */
    @Param({"65536", "1048576"})
    public int size;

    /** {@code direct}: one pooled direct buffer (the server's layout); {@code composite}: 16 KiB direct pieces. */
    @Param({"direct", "composite"})
    public String buffer;

    private ByteBuf body;
    private AuthRequest request;
    private Authenticator authenticator;

    @Setup(Level.Trial)
    public void setUp() {
        HmacConfig config = new HmacConfig("github", null, null, null, null, null, null, null, null,
                List.of(new Secret("benchmark-webhook-secret", "inline")), null, null);
        authenticator = AuthSchemes.standard().create(config, new AuthSupport(Runnable::run, Clock.systemUTC()));

        byte[] bytes = Bodies.random(size);
        SignedRequest signed = HmacSigner.sign(config, bytes, "POST", "/hooks/github", null, Clock.systemUTC());
        HttpHeaders headers = new DefaultHttpHeaders();
        for (Map.Entry<String, String> h : signed.headers()) {
            headers.add(h.getKey(), h.getValue());
        }
        headers.set("Content-Length", size);
        body = Bodies.buffer(buffer, bytes, PooledByteBufAllocator.DEFAULT);
        request = new AuthRequest("POST", "/hooks/github", null, headers, body, "127.0.0.1");

        // A benchmark of the rejection path would flatter us: insist on the accepted one.
        AuthResult result = verify();
        if (!(result instanceof AuthResult.Accepted)) {
            throw new IllegalStateException("expected the signed delivery to be accepted, got " + result);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        body.release();
    }

    @Benchmark
    public AuthResult verify() {
        // The stage is already complete: HMAC verification runs inline on the caller (the event loop).
        return authenticator.authenticate(request).toCompletableFuture().join();
    }
}
