package dev.authgate.auth.hmac;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authgate.auth.AuthResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.authgate.auth.hmac.HmacFixtures.CLOCK;
import static dev.authgate.auth.hmac.HmacFixtures.NOW;
import static dev.authgate.auth.hmac.HmacFixtures.request;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes every signature-header parser (Stripe's {@code t=,v1=} list, Standard Webhooks' {@code v1,} list, prefixes,
 * hex and base64, timestamps, ids, Twilio's form payload) through {@link HmacAuthenticator}: a valid delivery of a
 * preset or of a generic scheme, then fuzzed headers, body, timestamp and query. Invariants: a verdict for every input,
 * never an exception, and neither secret (nor its base64) in any detail unless the request itself carried it.
 */
class HmacFuzzTest {
    private static final List<String> PRESETS = List.copyOf(HmacSchemes.presetNames());
    private static final Map<String, HmacAuthenticator> AUTHENTICATORS = new LinkedHashMap<>();
    private static final List<String> FORBIDDEN = new ArrayList<>();

    static {
        for (String preset : PRESETS) {
            String now = PresetsTest.newSecret(preset);
            String old = PresetsTest.oldSecret(preset);
            AUTHENTICATORS.put(preset, PresetsTest.authenticator(preset, now, old));
            for (String s : List.of(now, old)) {
                FORBIDDEN.add(s);
                FORBIDDEN.add(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
            }
        }
        FORBIDDEN.add("new-test-key-0123456789");
        FORBIDDEN.add("old-test-key-9876543210");
        AUTHENTICATORS.put("generic", new HmacAuthenticator(HmacFixtures.Config.generic("X-Sig").algorithm("sha512")
                .encoding("base64").prefix("v1=").payload("{timestamp}.{method}.{path}.{body}")
                .timestampHeader("X-Ts").idHeader("X-Id").secrets(PresetsTest.newSecret("github")).build(),
                HmacFixtures.support(CLOCK)));
    }

    @FuzzTest
    void judgesAnyDeliveryWithoutLeakingASecret(FuzzedDataProvider data) {
        String name = data.pickValue(new ArrayList<>(AUTHENTICATORS.keySet()));
        String preset = name.equals("generic") ? "github" : name;
        long ts = NOW + data.consumeLong(-400_000L, 400_000L) * (data.consumeBoolean() ? 1 : 1000);
        byte[] body = data.consumeBytes(data.consumeInt(0, 2048));
        ProviderSender.Sent sent = ProviderSender.send(preset, PresetsTest.newSecret(preset), body,
                "application/json", ts, "id-" + data.consumeInt(), null);
        Map<String, String> h = new LinkedHashMap<>(sent.headers());
        if (name.equals("generic")) {
            h.put("X-Sig", "v1=" + data.consumeString(100));
            h.put("X-Ts", Long.toString(ts));
        }
        List<String> names = new ArrayList<>(h.keySet());
        names.add("X-Extra");
        int edits = data.consumeInt(0, 3);
        for (int i = 0; i < edits && !names.isEmpty(); i++) {
            String header = data.pickValue(names);
            switch (data.consumeInt(0, 3)) {
                case 0 -> h.remove(header);
                case 1 -> h.put(header, data.consumeString(200));
                case 2 -> h.put(header, h.getOrDefault(header, "") + data.consumeString(20));
                default -> h.put(header, data.consumeString(8) + h.getOrDefault(header, ""));
            }
        }
        String query = data.consumeBoolean() ? data.consumeString(80) : sent.query();
        byte[] tail = data.consumeRemainingAsBytes();
        ByteBuf buf = Unpooled.wrappedBuffer(sent.body(), tail);
        try {
            HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
            h.forEach(headers::add);
            AuthResult result;
            try {
                CompletableFuture<AuthResult> f = AUTHENTICATORS.get(name).authenticate(request(headers, buf, query))
                        .toCompletableFuture();
                result = f.get(1, TimeUnit.SECONDS);
            } catch (Exception | StackOverflowError e) {
                fail(name + " failed instead of judging " + h, e);
                return;
            }
            assertNotNull(result);
            String text = result.toString();
            // A value the sender put in the request may be echoed (a malformed timestamp is quoted); a secret the
            // request does not carry may not.
            String sentText = h + " " + query + " " + new String(body, StandardCharsets.ISO_8859_1)
                    + new String(tail, StandardCharsets.ISO_8859_1);
            for (String secret : FORBIDDEN) {
                assertFalse(text.contains(secret) && !sentText.contains(secret), name + " leaked a secret: " + text);
            }
        } finally {
            buf.release();
        }
    }
}
