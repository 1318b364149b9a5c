package dev.authgate.auth.hmac;

import java.util.Base64;
import java.util.HexFormat;

/** How a MAC is written in a header: {@code hex} (either case) or standard {@code base64} (padding optional). */
enum SignatureEncoding {
    HEX("hex") {
        @Override
        byte[] decode(String text) {
            if ((text.length() & 1) != 0 || !isHex(text)) {
                return null;
            }
            return HexFormat.of().parseHex(text);
        }

        @Override
        String encode(byte[] mac) {
            return HexFormat.of().formatHex(mac);
        }

        @Override
        int encodedLength(int macLength) {
            return macLength * 2;
        }
    },
    BASE64("base64") {
        @Override
        byte[] decode(String text) {
            try {
                return Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        @Override
        String encode(byte[] mac) {
            return Base64.getEncoder().encodeToString(mac);
        }

        @Override
        int encodedLength(int macLength) {
            return (macLength + 2) / 3 * 4;
        }
    };

    static final String KNOWN = "hex or base64";

    private final String configName;

    SignatureEncoding(String configName) {
        this.configName = configName;
    }

    static SignatureEncoding byName(String name) {
        for (SignatureEncoding e : values()) {
            if (e.configName.equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** The decoded bytes, or null when {@code text} is not in this encoding. */
    abstract byte[] decode(String text);

    abstract String encode(byte[] mac);

    /** Characters of an encoded MAC of {@code macLength} bytes (base64 with padding). */
    abstract int encodedLength(int macLength);

    String configName() {
        return configName;
    }

    /** The other encoding, for the "hex sent where base64 is expected" hint. */
    SignatureEncoding other() {
        return this == HEX ? BASE64 : HEX;
    }

    /**
     * Describes the shape of a received value without revealing it, e.g. {@code 44 base64 characters}: hex when every
     * character is a hex digit, base64 when all are in the base64 alphabet, else "characters that are neither".
     */
    static String describe(String text) {
        if (text.isEmpty()) {
            return "an empty value";
        }
        String n = text.length() == 1 ? "1 " : text.length() + " ";
        String chars = text.length() == 1 ? "character" : "characters";
        if (isHex(text)) {
            return n + "hex " + chars;
        }
        if (isBase64Alphabet(text)) {
            return n + "base64 " + chars;
        }
        return n + chars + " that are neither hex nor base64";
    }

    static boolean isHex(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex) {
                return false;
            }
        }
        return text.length() > 0;
    }

    /** Standard or URL-safe alphabet, '=' padding only at the end. */
    static boolean isBase64Alphabet(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '=' && text.length() - end < 2) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            boolean b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/' || c == '-' || c == '_';
            if (!b64) {
                return false;
            }
        }
        return end > 0;
    }
}
