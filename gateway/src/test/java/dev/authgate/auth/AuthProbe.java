package dev.authgate.auth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Builds {@link AuthRequest}s from real Netty headers and buffers, runs authenticators, and on {@link #close()}
 * releases every buffer and checks that no result it saw (detail or toString) contains one of the test's secrets.
 */
public final class AuthProbe implements AutoCloseable {
    private final List<String> secrets = new ArrayList<>();
    private final List<ByteBuf> buffers = new ArrayList<>();
    private final List<String> seen = new ArrayList<>();

    /** Secrets that must never appear in a detail; their base64 forms are checked too. */
    public AuthProbe secrets(String... values) {
        for (String v : values) {
            secrets.add(v);
            secrets.add(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
        }
        return this;
    }

    /** A POST to /hook with the given headers as name, value pairs and no query. */
    public AuthRequest request(String... headerPairs) {
        return requestWithQuery(null, headerPairs);
    }

    public AuthRequest requestWithQuery(String rawQuery, String... headerPairs) {
        if (headerPairs.length % 2 != 0) {
            throw new IllegalArgumentException("header name/value pairs expected");
        }
        // Without value validation, so that values an HTTP parser would trim or refuse (leading spaces, a bare CR)
        // still reach the authenticator: it must judge them sensibly on its own.
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.add(headerPairs[i], headerPairs[i + 1]);
        }
        ByteBuf body = Unpooled.copiedBuffer("{\"event\":\"ping\"}", StandardCharsets.UTF_8);
        buffers.add(body);
        return new AuthRequest("POST", "/hook", rawQuery, headers, body, "192.0.2.10");
    }

    /** Runs the authenticator and waits (generously) for its verdict. */
    public AuthResult run(Authenticator authenticator, AuthRequest request) {
        try {
            AuthResult result = authenticator.authenticate(request).toCompletableFuture().get(30, TimeUnit.SECONDS);
            record(result);
            return result;
        } catch (Exception e) {
            return fail("authenticate failed: " + e);
        }
    }

    public AuthResult.Rejected rejected(Authenticator authenticator, AuthRequest request) {
        return assertInstanceOf(AuthResult.Rejected.class, run(authenticator, request));
    }

    public AuthResult.Accepted accepted(Authenticator authenticator, AuthRequest request) {
        AuthResult result = run(authenticator, request);
        return assertInstanceOf(AuthResult.Accepted.class, result, () -> "expected Accepted, got " + result);
    }

    /** Records a result obtained without {@link #run}, for the secret check. */
    public void record(AuthResult result) {
        seen.add(String.valueOf(result));
        if (result instanceof AuthResult.Rejected r) {
            seen.add(r.detail());
        } else if (result instanceof AuthResult.Accepted a) {
            seen.add(a.detail());
        }
    }

    /** Runs on a direct executor: fine for bearer/api key; Basic tests pass their own. */
    public static AuthSupport support(Executor hashing) {
        return new AuthSupport(hashing, Clock.systemUTC());
    }

    public static AuthSupport inline() {
        return support(Runnable::run);
    }

    public static CompletableFuture<AuthResult> future(Authenticator a, AuthRequest r) {
        return a.authenticate(r).toCompletableFuture();
    }

    @Override
    public void close() {
        for (ByteBuf b : buffers) {
            assertEquals(0, b.readerIndex(), "an authenticator moved the body's reader index");
            assertEquals(1, b.refCnt(), "an authenticator released the body it does not own");
            b.release();
        }
        buffers.clear();
        for (String text : seen) {
            for (String secret : secrets) {
                assertFalse(text.contains(secret), () -> "a secret leaked into a result: " + redact(text));
            }
        }
    }

    private String redact(String text) {
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "<secret>");
        }
        return out;
    }
}
