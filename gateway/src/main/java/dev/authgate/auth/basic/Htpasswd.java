package dev.authgate.auth.basic;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An Apache htpasswd file: {@code user:hash} lines; blank lines and {@code #} comments are skipped. Only the shape is
 * checked here; {@link BasicAuthScheme} checks that each hash is bcrypt.
 */
final class Htpasswd {
    private Htpasswd() {
    }

    /** One {@code user:hash} line; {@code line} is 1-based. */
    record Entry(String user, String hash, int line) {
    }

    /**
     * @throws IllegalArgumentException {@code "3: expected user:hash"}, the 1-based line first (the line itself is
     *                                  never quoted: it may be a password typed in by mistake)
     */
    static List<Entry> parse(byte[] content) {
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\r?\n", -1);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int colon = line.indexOf(':');
            if (colon <= 0 || colon == line.length() - 1) {
                throw new IllegalArgumentException((i + 1) + ": expected user:hash");
            }
            entries.add(new Entry(line.substring(0, colon), line.substring(colon + 1), i + 1));
        }
        return entries;
    }
}
