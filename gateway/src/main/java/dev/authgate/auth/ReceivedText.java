package dev.authgate.auth;

/**
 * A header value as the sender typed it. The HTTP codec decodes header octets as ISO-8859-1, one char per byte, so
 * a sender's UTF-8 arrives spread over several chars: a zero-width space (U+200B) is the three chars
 * {@code \u00E2\u0080\u008B}, a non-breaking space (U+00A0) the two chars {@code \u00C2\u00A0}. This view puts them
 * back together, leniently: every well-formed UTF-8 sequence is decoded to its code point, every other char (ASCII,
 * a lone Latin-1 byte such as a raw {@code A0}, anything above U+00FF) is kept as it is.
 *
 * <p>Used to diagnose a credential that failed, never to accept one: matching stays on the value as received.
 */
public final class ReceivedText {
    private ReceivedText() {
    }

    /** The value with its well-formed UTF-8 sequences decoded; the same instance when there is nothing to decode. */
    public static String utf8View(String value) {
        int first = -1;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0xC2 && c <= 0xF4) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        out.append(value, 0, first);
        int i = first;
        while (i < value.length()) {
            int n = sequenceLength(value, i);
            if (n == 0) {
                out.append(value.charAt(i));
                i++;
                continue;
            }
            int cp = value.charAt(i) & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
            for (int k = 1; k < n; k++) {
                cp = (cp << 6) | (value.charAt(i + k) & 0x3F);
            }
            out.appendCodePoint(cp);
            i += n;
        }
        return out.toString();
    }

    /** The length of the well-formed UTF-8 sequence starting at {@code i} (2 to 4), or 0 when there is none. */
    private static int sequenceLength(String s, int i) {
        char lead = s.charAt(i);
        int n;
        char min = 0x80;
        char max = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            n = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            n = 3;
            if (lead == 0xE0) min = 0xA0;       // no overlong forms
            if (lead == 0xED) max = 0x9F;       // no surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            n = 4;
            if (lead == 0xF0) min = 0x90;       // no overlong forms
            if (lead == 0xF4) max = 0x8F;       // nothing above U+10FFFF
        } else {
            return 0;
        }
        if (i + n > s.length()) {
            return 0;
        }
        for (int k = 1; k < n; k++) {
            char c = s.charAt(i + k);
            char lo = k == 1 ? min : 0x80;
            char hi = k == 1 ? max : 0xBF;
            if (c < lo || c > hi) {
                return 0;
            }
        }
        return n;
    }
}
