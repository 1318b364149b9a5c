package dev.authgate.proxy;

import dev.authgate.auth.AuthResult;
import dev.authgate.config.UpstreamConfig;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Header rewriting on the way through the proxy, the real {@link ForwardedHeaders} (package-private, hence this
 * benchmark's package): the request head as a webhook sender's arrives (hop-by-hop, credential, Via and
 * X-Forwarded-For already present) rewritten for the upstream, and a typical upstream response head rewritten for
 * the client. Each invocation rewrites a fresh copy of the head, as the proxy does once per request; the copy is
 * part of the score and measured alone by {@link #copyOnly} so it can be subtracted.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HeaderRewriteBenchmark {

    /** {@code sender}: a GitHub-style delivery with 14 headers; {@code minimal}: curl's three. */
    @Param({"sender", "minimal"})
    public String head;

    private HttpHeaders requestHeaders;
    private HttpHeaders responseHeaders;
    private UpstreamConfig upstream;
    private AuthResult.Accepted auth;

    @Setup
    public void setUp() {
        upstream = new UpstreamConfig("app", URI.create("http://127.0.0.1:3000/hooks"), Duration.ofSeconds(5),
                Duration.ofSeconds(30));
        auth = AuthResult.Accepted.of("hmac", "github", "secret #1", "x-hub-signature-256");
        FullHttpRequest template = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
        HttpHeaders h = template.headers();
        h.add("Host", "hooks.example.com");
        h.add("User-Agent", "curl/8.5.0");
        h.add("Accept", "*/*");
        if (head.equals("sender")) {
            h.set("User-Agent", "GitHub-Hookshot/5b1e7a2");
            h.add("Content-Type", "application/json");
            h.add("Content-Length", "7897");
            h.add("Connection", "keep-alive, X-Debug");
            h.add("X-Debug", "1");
            h.add("X-GitHub-Event", "push");
            h.add("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
            h.add("X-GitHub-Hook-ID", "292430182");
            h.add("X-Hub-Signature-256", "sha256=" + "ab".repeat(32));
            h.add("Via", "1.1 edge-lb");
            h.add("X-Forwarded-For", "203.0.113.7");
            h.add("Accept-Encoding", "gzip");
        }
        requestHeaders = h;
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().add("Server", "gunicorn")
                .add("Date", "Mon, 23 Nov 2026 14:00:00 GMT")
                .add("Content-Type", "application/json")
                .add("Content-Length", "27")
                .add("Connection", "keep-alive")
                .add("Keep-Alive", "timeout=5");
        responseHeaders = response.headers();
    }

    private FullHttpRequest freshRequest() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                "/webhooks/github?source=bench", Unpooled.EMPTY_BUFFER);
        request.headers().set(requestHeaders);
        return request;
    }

    @Benchmark
    public FullHttpRequest copyOnly() {
        return freshRequest();
    }

    @Benchmark
    public FullHttpRequest rewriteRequest() {
        ForwardRequest fr = new ForwardRequest(freshRequest(), upstream, "0f9c2a7e-bench", "authgate",
                "198.51.100.23", "https", auth, true, false);
        return ForwardedHeaders.rewriteRequest(fr);
    }

    @Benchmark
    public boolean rewriteResponse() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(responseHeaders);
        return ForwardedHeaders.rewriteResponse(response, "0f9c2a7e-bench", "authgate", false, HttpVersion.HTTP_1_1,
                false);
    }
}
