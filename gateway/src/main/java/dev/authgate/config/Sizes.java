package dev.authgate.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Config sizes in bytes: a whole number with an optional binary unit, {@code 512}, {@code 512B}, {@code 64KiB},
 * {@code 1MiB}, {@code 1GiB}. Decimal units ({@code MB}) are refused rather than guessed at.
 */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})(B|KiB|MiB|GiB)?");

    private Sizes() {
    }

    /**
     * @throws IllegalArgumentException {@code "expected a size like 64KiB, 1MiB or a number of bytes, got '1MB'"}
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text);
        IllegalArgumentException bad = new IllegalArgumentException(
                "expected a size like 64KiB, 1MiB or a number of bytes, got '" + echo(text) + "'");
        if (!m.matches()) throw bad;
        try {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "B" : m.group(2);
            switch (unit) {
                case "KiB": return Math.multiplyExact(n, 1024L);
                case "MiB": return Math.multiplyExact(n, 1024L * 1024);
                case "GiB": return Math.multiplyExact(n, 1024L * 1024 * 1024);
                default: return n;
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw bad;
        }
    }

    /** The shortest exact form: {@code 1GiB}, {@code 1MiB}, {@code 64KiB}, else bytes ({@code 1000}). */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % (1024L * 1024 * 1024) == 0) return bytes / (1024L * 1024 * 1024) + "GiB";
        if (bytes != 0 && bytes % (1024L * 1024) == 0) return bytes / (1024L * 1024) + "MiB";
        if (bytes != 0 && bytes % 1024 == 0) return bytes / 1024 + "KiB";
        return Long.toString(bytes);
    }

    /** A user-typed (never secret) value shortened for an error message. */
    public static String echo(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
