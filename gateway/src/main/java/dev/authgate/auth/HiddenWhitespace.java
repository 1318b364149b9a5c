package dev.authgate.auth;

import java.util.Locale;

/**
 * Finds whitespace that does not belong inside a credential: what a copy from a chat window, a PDF or a YAML
 * file brings along (a tab, a non-breaking or zero-width space, a line break, or the two characters {@code \n}
 * typed into a shell). Descriptions name the character, never the credential around it.
 */
public final class HiddenWhitespace {
    private HiddenWhitespace() {
    }

    /** True for any character that separates or pads words, visible or not (including the plain space). */
    public static boolean isSpaceLike(char c) {
        switch (c) {
            case '\u200B': // zero-width space
            case '\u200C': // zero-width non-joiner
            case '\u200D': // zero-width joiner
            case '\u2060': // word joiner
            case '\uFEFF': // byte order mark / zero-width no-break space
            case '\u180E': // Mongolian vowel separator (a space before Unicode 6.3)
                return true;
            default:
                // FORMAT (Cf): invisible marks such as U+200E, U+202E, U+2061, U+00AD that a copy brings along.
                return Character.isWhitespace(c) || Character.isSpaceChar(c)
                        || Character.getType(c) == Character.FORMAT;
        }
    }

    /**
     * The first hidden whitespace in {@code s}: a space-like character (see {@link #isSpaceLike}) or a literal
     * backslash escape ({@code \n}, {@code \r}, {@code \t}); null when there is none.
     *
     * @return e.g. {@code "a zero-width space (U+200B)"} or {@code "a literal \n"}
     */
    public static String find(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isSpaceLike(c)) {
                return describe(c);
            }
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                if (n == 'n' || n == 'r' || n == 't') {
                    return "a literal \\" + n;
                }
            }
        }
        return null;
    }

    /**
     * As {@link #find}, with where the character is in the credential: e.g.
     * {@code "a zero-width space (U+200B) at the start of the token"}. Only start, inside or end: never an offset.
     *
     * @param noun what the credential is called in the detail, e.g. {@code "token"}
     */
    public static String findWhere(CharSequence s, String noun) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int width = 0;
            if (isSpaceLike(c)) {
                width = 1;
            } else if (c == '\\' && i + 1 < s.length() && "nrt".indexOf(s.charAt(i + 1)) >= 0) {
                width = 2;
            }
            if (width > 0) {
                String where = i == 0 ? "at the start of the " : i + width >= s.length() ? "at the end of the "
                        : "inside the ";
                String what = width == 1 ? describe(c) : "a literal \\" + s.charAt(i + 1);
                return what + " " + where + noun;
            }
        }
        return null;
    }

    /** True when {@code s} consists of space-like characters only (or is empty). */
    public static boolean isBlank(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isSpaceLike(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A human name for a space-like character, with its code point when it is invisible. */
    public static String describe(char c) {
        switch (c) {
            case ' ':
                return "a space";
            case '\t':
                return "a tab";
            case '\r':
                return "a carriage return (CR)";
            case '\n':
                return "a line feed (LF)";
            case '\u00A0':
                return "a non-breaking space (U+00A0)";
            case '\u200B':
                return "a zero-width space (U+200B)";
            case '\u200C':
                return "a zero-width non-joiner (U+200C)";
            case '\u200D':
                return "a zero-width joiner (U+200D)";
            case '\u2060':
                return "a zero-width word joiner (U+2060)";
            case '\u00AD':
                return "an invisible soft hyphen (U+00AD)";
            case '\u200E':
                return "an invisible left-to-right mark (U+200E)";
            case '\u200F':
                return "an invisible right-to-left mark (U+200F)";
            case '\uFEFF':
                return "a zero-width no-break space / byte order mark (U+FEFF)";
            default:
                return Character.getType(c) == Character.FORMAT ? "an invisible character (" + codePoint(c) + ")"
                        : "a Unicode space (" + codePoint(c) + ")";
        }
    }

    private static String codePoint(char c) {
        return String.format(Locale.ROOT, "U+%04X", (int) c);
    }
}
