package dev.authgate.auth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ReceivedTextTest {
    static String asReceived(String typed) {
        return new String(typed.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void putsUtf8SequencesBackTogether() {
        for (String typed : new String[] {"a\u200Bb", "\uFEFFx", "x\u00A0y", "\u2060", "caf\u00E9", "\uD83D\uDE00"}) {
            assertEquals(typed, ReceivedText.utf8View(asReceived(typed)));
        }
    }

    @Test
    void keepsAsciiAndLoneLatin1BytesAsTheyAre() {
        String ascii = "Bearer abc";
        assertSame(ascii, ReceivedText.utf8View(ascii));
        assertEquals("x\u00A0y", ReceivedText.utf8View("x\u00A0y"));          // a raw A0 byte: Latin-1 NBSP
        assertEquals("\u00E2\u0080", ReceivedText.utf8View("\u00E2\u0080"));   // truncated sequence
        assertEquals("\u00C0\u0080", ReceivedText.utf8View("\u00C0\u0080"));   // overlong
        assertEquals("\u00ED\u00A0\u0080", ReceivedText.utf8View("\u00ED\u00A0\u0080")); // a surrogate
        assertEquals("a\u200B\u00E2b", ReceivedText.utf8View(asReceived("a\u200B") + "\u00E2b"));
    }
}
