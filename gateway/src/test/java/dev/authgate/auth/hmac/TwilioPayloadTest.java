package dev.authgate.auth.hmac;

import dev.authgate.auth.AuthResult;
import dev.authgate.http.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.authgate.auth.hmac.HmacFixtures.Config;
import static dev.authgate.auth.hmac.HmacFixtures.assertAccepted;
import static dev.authgate.auth.hmac.HmacFixtures.assertRejected;
import static dev.authgate.auth.hmac.HmacFixtures.authenticator;
import static dev.authgate.auth.hmac.HmacFixtures.b64;
import static dev.authgate.auth.hmac.HmacFixtures.headers;
import static dev.authgate.auth.hmac.HmacFixtures.hmac;
import static dev.authgate.auth.hmac.HmacFixtures.utf8;
import static dev.authgate.auth.hmac.HmacFixtures.verify;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Twilio's form and query decoding, and bodies that are not form data. */
class TwilioPayloadTest {
    static final String URL = "https://example.com/twilio";
    static final String TOKEN = "twilio-test-token";

    static List<String[]> params(String body) {
        ByteBuf b = Unpooled.wrappedBuffer(utf8(body));
        try {
            return TwilioPayload.sortedParams(b);
        } finally {
            b.release();
        }
    }

    @Test
    void decodesPercentEscapesPlusAndUtf8AndKeepsBrokenEscapesLiterally() {
        List<String[]> p = params("b=%2B1%20555&a=hello+world&c=%E2%82%AC&d=100%&e=%zz&f&=x&&");
        assertArrayEquals(new String[]{"", "x"}, p.get(0));
        assertArrayEquals(new String[]{"a", "hello world"}, p.get(1));
        assertArrayEquals(new String[]{"b", "+1 555"}, p.get(2));
        assertArrayEquals(new String[]{"c", "\u20ac"}, p.get(3));
        assertArrayEquals(new String[]{"d", "100%"}, p.get(4));
        assertArrayEquals(new String[]{"e", "%zz"}, p.get(5));
        assertArrayEquals(new String[]{"f", ""}, p.get(6));
        assertEquals(7, p.size());
    }

    @Test
    void sortsRepeatedNamesByValue() {
        List<String[]> p = params("Media=b&Media=a&Body=x");
        assertEquals("Body", p.get(0)[0]);
        assertEquals("a", p.get(1)[1]);
        assertEquals("b", p.get(2)[1]);
    }

    @Test
    void decodesTheBodyHashQueryParameter() {
        assertEquals("ab+c d", TwilioPayload.queryParam("x=1&body%53HA256=ab%2Bc+d", "bodySHA256"));
        assertNull(TwilioPayload.queryParam("x=1", "bodySHA256"));
        assertNull(TwilioPayload.queryParam(null, "bodySHA256"));
    }

    @Test
    void refusesANonFormBodyWhoseUrlCarriesNoBodyHash() {
        byte[] body = utf8("{\"a\":1}");
        Map<String, String> h = Map.of("X-Twilio-Signature", b64(hmac("HmacSHA1", utf8(TOKEN), utf8(URL))),
                "Content-Type", "application/json");
        AuthResult r = verify(authenticator(Config.preset("twilio").secrets(TOKEN).publicUrl(URL).build()),
                headers(h), body, null);
        assertEquals("the body is not form data and the URL has no bodySHA256, so the body is not signed",
                assertRejected(Reason.SIGNATURE_MISMATCH, r).detail());
    }

    @Test
    void acceptsAnEmptyBodySignedWithTheUrlAlone() {
        Map<String, String> h = Map.of("X-Twilio-Signature",
                b64(hmac("HmacSHA1", utf8(TOKEN), utf8(URL + "?CallSid=CA1"))));
        assertAccepted(verify(authenticator(Config.preset("twilio").secrets(TOKEN).publicUrl(URL).build()),
                headers(h), new byte[0], "CallSid=CA1"));
    }

    @Test
    void refusesABodyHashThatIsNotHex() {
        String query = "bodySHA256=xyz";
        Map<String, String> h = Map.of("X-Twilio-Signature",
                b64(hmac("HmacSHA1", utf8(TOKEN), utf8(URL + "?" + query))), "Content-Type", "application/json");
        assertEquals("bodySHA256 in the URL is not 64 hex characters (got 3 base64 characters)",
                assertRejected(Reason.SIGNATURE_MISMATCH, verify(authenticator(Config.preset("twilio")
                        .secrets(TOKEN).publicUrl(URL).build()), headers(h), utf8("{}"), query)).detail());
    }
}
