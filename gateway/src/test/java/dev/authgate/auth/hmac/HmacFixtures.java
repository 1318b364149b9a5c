package dev.authgate.auth.hmac;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.AuthSupport;
import dev.authgate.config.Secret;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Shared test helpers: configs, requests, a fixed clock, and an independent HMAC (plain javax.crypto.Mac). */
final class HmacFixtures {
    static final long NOW = 1_700_000_000L;
    static final Clock CLOCK = clockAt(NOW);

    private HmacFixtures() {
    }

    static Clock clockAt(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    static AuthSupport support(Clock clock) {
        return new AuthSupport(Runnable::run, clock);
    }

    static HmacAuthenticator authenticator(HmacConfig config) {
        return new HmacAuthenticator(config, support(CLOCK));
    }

    /** A fluent builder for {@link HmacConfig} (its canonical constructor has twelve fields). */
    static final class Config {
        String preset;
        String header;
        String algorithm;
        String encoding;
        String prefix;
        String payload;
        String timestampHeader;
        String idHeader;
        Duration tolerance;
        List<Secret> secrets = List.of();
        HmacConfig.ReplayConfig replay;
        String publicUrl;

        static Config preset(String name) {
            Config c = new Config();
            c.preset = name;
            return c;
        }

        static Config generic(String header) {
            Config c = new Config();
            c.header = header;
            return c;
        }

        Config secrets(String... values) {
            this.secrets = Arrays.stream(values).map(v -> new Secret(v, "inline")).toList();
            return this;
        }

        Config algorithm(String v) { algorithm = v; return this; }
        Config encoding(String v) { encoding = v; return this; }
        Config prefix(String v) { prefix = v; return this; }
        Config payload(String v) { payload = v; return this; }
        Config timestampHeader(String v) { timestampHeader = v; return this; }
        Config idHeader(String v) { idHeader = v; return this; }
        Config tolerance(Duration v) { tolerance = v; return this; }
        Config publicUrl(String v) { publicUrl = v; return this; }
        Config header(String v) { header = v; return this; }
        Config replay(String key, Duration ttl, String onDuplicate) {
            replay = new HmacConfig.ReplayConfig(key, ttl, onDuplicate);
            return this;
        }

        HmacConfig build() {
            return new HmacConfig(preset, header, algorithm, encoding, prefix, payload, timestampHeader, idHeader,
                    tolerance, secrets, replay, publicUrl);
        }
    }

    /** A request as the gateway hands it over; {@code body} is released by the caller. */
    static AuthRequest request(HttpHeaders headers, ByteBuf body, String rawQuery) {
        return new AuthRequest("POST", "/hook", rawQuery, headers, body, "127.0.0.1");
    }

    static HttpHeaders headers(Map<String, String> map) {
        HttpHeaders h = new DefaultHttpHeaders();
        map.forEach(h::add);
        return h;
    }

    static HttpHeaders headers(List<Map.Entry<String, String>> entries) {
        HttpHeaders h = new DefaultHttpHeaders();
        entries.forEach(e -> h.add(e.getKey(), e.getValue()));
        return h;
    }

    /** Verifies and releases {@code body}, checking the body's reader index did not move. */
    static AuthResult verify(HmacAuthenticator a, HttpHeaders headers, ByteBuf body, String rawQuery) {
        try {
            int readerIndex = body.readerIndex();
            AuthResult r = a.authenticate(request(headers, body, rawQuery)).toCompletableFuture().get();
            assertEquals(readerIndex, body.readerIndex(), "the authenticator must not consume the body");
            return r;
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        } finally {
            body.release();
        }
    }

    static AuthResult verify(HmacAuthenticator a, HttpHeaders headers, byte[] body, String rawQuery) {
        return verify(a, headers, Unpooled.wrappedBuffer(body), rawQuery);
    }

    static AuthResult.Accepted assertAccepted(AuthResult r) {
        return assertInstanceOf(AuthResult.Accepted.class, r, () -> "expected accepted, got " + r);
    }

    static AuthResult.Rejected assertRejected(dev.authgate.http.Reason reason, AuthResult r) {
        AuthResult.Rejected rej = assertInstanceOf(AuthResult.Rejected.class, r, () -> "expected " + reason
                + ", got " + r);
        assertEquals(reason, rej.reason(), () -> "detail: " + rej.detail());
        return rej;
    }

    /** Fails when {@code text} contains any of the secrets (checked without printing them). */
    static void assertNoSecret(String text, String... secrets) {
        for (String s : secrets) {
            assertFalse(text != null && text.contains(s), "output contains a secret");
        }
    }

    // ---- an independent HMAC: plain JCA over concatenated bytes ----

    static byte[] hmac(String jca, byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(jca);
            mac.init(new SecretKeySpec(key, jca));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] sha256(String key, byte[]... parts) {
        return hmac("HmacSHA256", utf8(key), parts);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
