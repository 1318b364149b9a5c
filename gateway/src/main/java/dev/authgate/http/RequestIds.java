package dev.authgate.http;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids (docs/configuration.md, "What goes upstream"): an incoming {@code X-Request-Id} of 1–128 characters
 * of {@code [A-Za-z0-9._:-]} is kept, so a sender's id correlates across systems; anything else is replaced by a new
 * id.
 *
 * <p>New ids are ULID-shaped: 26 Crockford base32 characters, 48 bits of milliseconds then 80 random bits, so they
 * sort by time. They correlate, they do not authenticate: {@link ThreadLocalRandom} is enough and costs no lock.
 */
public final class RequestIds {
    public static final int MAX_LENGTH = 128;
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private RequestIds() {
    }

    /** The incoming id when it is valid, else a new one; never null. */
    public static String acceptOrGenerate(CharSequence incoming) {
        return isValid(incoming) ? incoming.toString() : generate();
    }

    /** Whether {@code id} may be passed on as it is: 1–128 characters of {@code [A-Za-z0-9._:-]}. */
    public static boolean isValid(CharSequence id) {
        if (id == null || id.length() == 0 || id.length() > MAX_LENGTH) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) return false;
        }
        return true;
    }

    /** A new ULID-shaped id. */
    public static String generate() {
        return generate(System.currentTimeMillis(), ThreadLocalRandom.current());
    }

    static String generate(long millis, java.util.Random random) {
        char[] out = new char[26];
        // 48-bit timestamp: 10 characters of 5 bits (the first carries only 3 bits).
        long t = millis & 0xFFFF_FFFF_FFFFL;
        for (int i = 9; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (t & 31)];
            t >>>= 5;
        }
        // 80 random bits: 16 characters of 5 bits, from two longs.
        long hi = random.nextLong();
        long lo = random.nextLong();
        for (int i = 0; i < 8; i++) {
            out[10 + i] = CROCKFORD[(int) (hi & 31)];
            hi >>>= 5;
            out[18 + i] = CROCKFORD[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }
}
