package dev.authgate.auth;

import dev.authgate.http.Reason;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Bearer reading that {@code jwt:} shares names the sender mistakes of docs/troubleshooting.md ("Sender mistakes")
 * as {@code bearer:} does, from the header as the codec hands it over (ISO-8859-1: one char per byte).
 */
class BearerHeaderTest {
    private static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";

    /** The header as Netty's codec decodes it: each byte of the UTF-8 the sender typed becomes one char. */
    private static HttpHeaders sent(String typed) {
        String asReceived = new String(typed.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        return new DefaultHttpHeaders().add("Authorization", asReceived);
    }

    private static AuthResult.Rejected rejected(String typed) {
        BearerHeader.Read read = BearerHeader.read(sent(typed));
        assertNull(read.token(), typed);
        return read.rejected();
    }

    @Test
    void readsAWellFormedToken() {
        assertEquals(TOKEN, BearerHeader.read(sent("Bearer " + TOKEN)).token());
    }

    @Test
    void namesAZeroWidthSpaceSentAsRawUtf8() {
        AuthResult.Rejected r = rejected("Bearer " + TOKEN + "\u200B");
        assertEquals(Reason.CREDENTIALS_WHITESPACE, r.reason());
        assertTrue(r.detail().contains("zero-width"), r.detail());
        assertFalse(r.detail().contains(TOKEN), r.detail());
    }

    @Test
    void namesAUrlEncodedQuotedOrDoubledBearer() {
        assertEquals(Reason.CREDENTIALS_MALFORMED, rejected("Bearer%20" + TOKEN).reason());
        assertTrue(rejected("Bearer%20" + TOKEN).detail().contains("URL-encoded"));
        assertTrue(rejected("Bearer \"" + TOKEN + "\"").detail().contains("quotes"));
        assertTrue(rejected("Bearer Bearer " + TOKEN).detail().contains("twice"));
    }
}
