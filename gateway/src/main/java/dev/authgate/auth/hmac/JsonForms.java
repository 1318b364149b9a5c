package dev.authgate.auth.hmac;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The serializations a sender may have signed instead of the JSON body it sent (PRODUCT.md §12): a short, fixed
 * list, written from the delivered body's tokens with jackson-core's streaming parser. Keys keep their order (and
 * their duplicates); numbers keep the literal text they arrived with ({@code 1.0} stays {@code 1.0}); strings keep
 * their value, escaped as each serializer escapes. A body that is not exactly one JSON value gives no form.
 */
final class JsonForms {

    /** A serialization, with the words a hint uses for it. */
    enum Form {
        COMPACT("compact JSON, as JavaScript's JSON.stringify writes it", 0, ",", ":", Escape.JS),
        INDENT_2("JSON indented by 2 spaces, as JSON.stringify(body, null, 2) writes it", 2, ",", ": ", Escape.JS),
        INDENT_4("JSON indented by 4 spaces", 4, ",", ": ", Escape.JS),
        PYTHON("JSON as Python's json.dumps writes it by default (', ' and ': ' separators, \\uXXXX escapes)", 0,
                ", ", ": ", Escape.PYTHON_ASCII),
        PYTHON_UNICODE("JSON as Python's json.dumps(..., ensure_ascii=False) writes it (', ' and ': ' separators)",
                0, ", ", ": ", Escape.PYTHON_UNICODE),
        NO_WHITESPACE("the delivered JSON with its whitespace removed", 0, ",", ":", null);

        final String words;
        final int indent;
        final String itemSeparator;
        final String keySeparator;
        final Escape escape;

        Form(String words, int indent, String itemSeparator, String keySeparator, Escape escape) {
            this.words = words;
            this.indent = indent;
            this.itemSeparator = itemSeparator;
            this.keySeparator = keySeparator;
            this.escape = escape;
        }
    }

    private enum Escape { JS, PYTHON_ASCII, PYTHON_UNICODE }

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonForms() {
    }

    /**
     * Each form of {@code body} that differs from it and from the forms before it, in {@link Form} order; empty when
     * the body is not JSON.
     */
    static Map<Form, byte[]> of(byte[] body) {
        List<Object[]> tokens = tokens(body);
        Map<Form, byte[]> out = new LinkedHashMap<>();
        if (tokens == null) {
            return out;
        }
        List<byte[]> seen = new ArrayList<>();
        seen.add(body);
        for (Form f : Form.values()) {
            byte[] bytes = f == Form.NO_WHITESPACE ? withoutWhitespace(body) : write(tokens, f);
            boolean duplicate = false;
            for (byte[] s : seen) {
                duplicate |= Arrays.equals(s, bytes);
            }
            if (!duplicate) {
                out.put(f, bytes);
                seen.add(bytes);
            }
        }
        return out;
    }

    /**
     * The tokens as {token, text} pairs, or null when the body is not one JSON value in UTF-8 (RFC 8259; jackson's
     * byte parser would also detect UTF-16 and UTF-32, which no webhook sender signs).
     */
    private static List<Object[]> tokens(byte[] body) {
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException notUtf8) {
            return null;
        }
        List<Object[]> out = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                String text = switch (t) {
                    case FIELD_NAME, VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
                    default -> null;
                };
                out.add(new Object[] {t, text});
                if (p.getParsingContext().inRoot()) {
                    // One value only: anything after it other than whitespace makes the body not JSON.
                    if (p.nextToken() != null) {
                        return null;
                    }
                    return out;
                }
            }
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
        return null;
    }

    private static byte[] write(List<Object[]> tokens, Form f) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        boolean first = true;          // the next item is the first of its container
        boolean afterKey = false;      // the next value follows a field name
        for (int i = 0; i < tokens.size(); i++) {
            JsonToken t = (JsonToken) tokens.get(i)[0];
            String text = (String) tokens.get(i)[1];
            boolean closing = t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY;
            if (closing) {
                depth--;
                if (!first) {
                    newline(sb, f, depth);
                }
                sb.append(t == JsonToken.END_OBJECT ? '}' : ']');
                first = false;
                continue;
            }
            if (!afterKey && depth > 0) {
                if (!first) {
                    sb.append(f.indent > 0 ? "," : f.itemSeparator);
                }
                newline(sb, f, depth);
            }
            afterKey = false;
            switch (t) {
                case START_OBJECT, START_ARRAY -> {
                    sb.append(t == JsonToken.START_OBJECT ? '{' : '[');
                    depth++;
                    first = true;
                    continue;
                }
                case FIELD_NAME -> {
                    string(sb, text, f.escape);
                    sb.append(f.keySeparator);
                    afterKey = true;
                }
                case VALUE_STRING -> string(sb, text, f.escape);
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> sb.append(text);
                case VALUE_TRUE -> sb.append("true");
                case VALUE_FALSE -> sb.append("false");
                case VALUE_NULL -> sb.append("null");
                default -> throw new IllegalStateException("unexpected JSON token " + t);
            }
            first = false;
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void newline(StringBuilder sb, Form f, int depth) {
        if (f.indent > 0) {
            sb.append('\n').append(" ".repeat(f.indent * depth));
        }
    }

    /** A JSON string literal as the serializer writes it. */
    private static void string(StringBuilder sb, String s, Escape e) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    boolean escape = c < 0x20 || (e == Escape.PYTHON_ASCII && c > 0x7F)
                            || (Character.isSurrogate(c) && !pairedAt(s, i)); // a lone surrogate has no UTF-8: escaped
                    if (escape) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** The body with the JSON whitespace outside strings removed, every other byte as it arrived. */
    static byte[] withoutWhitespace(byte[] body) {
        byte[] out = new byte[body.length];
        int n = 0;
        boolean inString = false;
        boolean escaped = false;
        for (byte b : body) {
            if (inString) {
                out[n++] = b;
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                out[n++] = b;
                inString = b == '"';
            }
        }
        return Arrays.copyOf(out, n);
    }
}
