package dev.authgate.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A captured chunked body read leniently (LF or CRLF framing lines, as hand-edited captures have), rewritten with
 * CRLF framing for the strict decoder; chunk data untouched. Part of reading a capture ({@link CapturedRequest}).
 */
final class LenientChunkedBody {
    byte[] crlf;
    int end;

    /** Null when the chunks are malformed or cut short. */
    static LenientChunkedBody parse(byte[] b, int from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = from;
        while (true) {
            int lf = CapturedRequest.indexOf(b, (byte) '\n', i);
            if (lf < 0) return null;
            String sizeLine = line(b, i, lf);
            out.writeBytes((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            i = lf + 1;
            String hex = sizeLine.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{1,7}")) return null;
            int size = Integer.parseInt(hex, 16);
            if (size == 0) {
                while (true) { // trailers, then an empty line (or the end of the file)
                    int next = CapturedRequest.indexOf(b, (byte) '\n', i);
                    if (next < 0) {
                        out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        return done(out, b.length);
                    }
                    String trailer = line(b, i, next);
                    out.writeBytes((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    i = next + 1;
                    if (trailer.isEmpty()) return done(out, i);
                }
            }
            if (i + size > b.length) return null;
            out.write(b, i, size);
            i += size;
            if (i < b.length && b[i] == '\r') i++;
            if (i >= b.length || b[i] != '\n') return null;
            i++;
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static LenientChunkedBody done(ByteArrayOutputStream out, int end) {
        LenientChunkedBody c = new LenientChunkedBody();
        c.crlf = out.toByteArray();
        c.end = end;
        return c;
    }

    private static String line(byte[] b, int from, int lf) {
        int end = lf > from && b[lf - 1] == '\r' ? lf - 1 : lf;
        return new String(b, from, end - from, StandardCharsets.ISO_8859_1);
    }
}
