package dev.authgate.cli;

import dev.authgate.config.LimitsConfig;
import dev.authgate.http.Problem;
import dev.authgate.observe.RedactedCredentials;
import dev.authgate.server.RequestGate;
import dev.authgate.server.StrictRequestDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A raw HTTP/1.1 request read from a capture file and decoded by Netty's decoder with the server's settings
 * ({@link StrictRequestDecoder#config}), so that a request the server would refuse as malformed is refused here with
 * the same reason.
 *
 * <p>Captures are often pasted, which turns CRLF into LF: when the head has bare LF line ends it is rewritten with
 * CRLF (as are the framing lines of a chunked body), and a note says so. Body bytes are never changed. Bytes after
 * the end of the request (a trailing newline, a second request) are not part of it. Owns {@link #body()}: close it.
 */
final class CapturedRequest implements AutoCloseable {
    /** The capture cannot be judged as a request: the message says why (a usage error, exit 2). */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    private final HttpRequest head;
    private final Problem headFailure;
    private final Problem bodyFailure;
    private final ByteBuf body;
    private final boolean complete;
    private final List<String> notes;
    private final boolean lfLineEnds;
    private final List<String> rawLines;

    private CapturedRequest(HttpRequest head, Problem headFailure, Problem bodyFailure, ByteBuf body,
                            boolean complete, List<String> notes, boolean lfLineEnds, List<String> rawLines) {
        this.head = head;
        this.headFailure = headFailure;
        this.bodyFailure = bodyFailure;
        this.body = body;
        this.complete = complete;
        this.notes = notes;
        this.lfLineEnds = lfLineEnds;
        this.rawLines = rawLines;
    }

    /** The request line as captured (ISO-8859-1), even when the decoder refused it. */
    String requestLine() {
        return rawLines.get(0);
    }

    /**
     * The header names as captured, in order, each with the size of its line ({@code name: value}) in bytes; read
     * from the raw lines, so also when the decoder refused the head. Values are not kept here.
     */
    List<Map.Entry<String, Integer>> headerSizes() {
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        for (int i = 1; i < rawLines.size(); i++) {
            String line = rawLines.get(i);
            int colon = line.indexOf(':');
            out.add(Map.entry(colon < 0 ? "(a line without ':')" : line.substring(0, colon), line.length()));
        }
        return out;
    }

    /** The decoded head (method, target, version, headers); null when the decoder refused the head. */
    HttpRequest head() {
        return head;
    }

    /** The answer to a head the decoder refused (400 or 431), else null. */
    Problem headFailure() {
        return headFailure;
    }

    /** The answer to a body the decoder refused (a malformed chunk), else null. */
    Problem bodyFailure() {
        return bodyFailure;
    }

    /** The body bytes exactly as sent (de-chunked); when {@link #complete()} is false, what the capture holds. */
    ByteBuf body() {
        return body;
    }

    /** Whether the capture holds the whole body its framing announces. */
    boolean complete() {
        return complete;
    }

    /** What the reader changed or ignored, one sentence each. */
    List<String> notes() {
        return notes;
    }

    /** Whether the head had bare LF line ends (rewritten as CRLF). */
    boolean lfLineEnds() {
        return lfLineEnds;
    }

    @Override
    public void close() {
        if (body.refCnt() > 0) body.release();
    }

    /**
     * Reads a capture: the request line, headers, an empty line, then the body by Content-Length or chunked.
     *
     * @throws Unusable when the capture holds no request line at all
     */
    static CapturedRequest read(byte[] capture, LimitsConfig limits) throws Unusable {
        List<String> notes = new ArrayList<>();
        int start = 0;
        while (start < capture.length && (capture[start] == '\r' || capture[start] == '\n')) start++;
        if (start == capture.length) {
            throw new Unusable("the request file is empty (expected: a request line such as 'POST /path HTTP/1.1',"
                    + " headers, an empty line, the body)");
        }
        Head h = Head.scan(capture, start);
        if (!h.endedByBlankLine) {
            notes.add("no empty line after the headers: the head is taken to end with the file");
        }
        boolean rewrite = h.bareLf || !h.endedByBlankLine;
        byte[] headBytes = rewrite ? h.crlfHead() : Arrays.copyOfRange(capture, start, h.end);
        if (h.bareLf) {
            notes.add("the capture has bare LF line ends (pasted?): the head was read with CRLF; on the wire the"
                    + " gateway refuses bare LF with 400 bad_request");
        }
        Framing f = Framing.of(capture, h, notes);
        ByteArrayOutputStream request = new ByteArrayOutputStream(headBytes.length + f.bytes.length);
        request.writeBytes(headBytes);
        request.writeBytes(f.bytes);
        List<String> raw = new ArrayList<>(h.lines.size());
        h.lines.forEach(l -> raw.add(new String(l, StandardCharsets.ISO_8859_1)));
        return decode(request.toByteArray(), limits, notes, h.bareLf, raw);
    }

    private static CapturedRequest decode(byte[] request, LimitsConfig limits, List<String> notes, boolean lf,
                                          List<String> rawLines) {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(StrictRequestDecoder.config(limits)));
        ByteBuf body = Unpooled.buffer();
        HttpRequest head = null;
        Problem headFailure = null;
        Problem bodyFailure = null;
        boolean complete = false;
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(request));
            Object msg;
            while ((msg = ch.readInbound()) != null) {
                try {
                    if (complete || headFailure != null || bodyFailure != null) continue; // only the first request
                    if (msg instanceof HttpRequest) {
                        HttpRequest r = (HttpRequest) msg;
                        if (head != null) continue;
                        if (r.decoderResult().isFailure()) {
                            headFailure = StrictRequestDecoder.failure(r.decoderResult().cause(), limits);
                            continue;
                        }
                        head = r;
                        RedactedCredentials.standIn(head.headers(), notes);
                    }
                    if (msg instanceof HttpContent && head != null) {
                        HttpContent c = (HttpContent) msg;
                        if (c.decoderResult().isFailure()) {
                            bodyFailure = StrictRequestDecoder.failure(c.decoderResult().cause(), limits);
                            continue;
                        }
                        body.writeBytes(c.content(), c.content().readerIndex(), c.content().readableBytes());
                        complete = msg instanceof LastHttpContent;
                    }
                } finally {
                    // The head's headers stay usable after release: only content is reference-counted.
                    ReferenceCountUtil.release(msg);
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        if (lf && head != null && body.indexOf(body.readerIndex(), body.writerIndex(), (byte) '\n') >= 0
                && body.indexOf(body.readerIndex(), body.writerIndex(), (byte) '\r') < 0) {
            notes.add("the body has LF line ends: if it was pasted too, they may differ from the bytes sent, and"
                    + " a signature over it will not match");
        }
        return new CapturedRequest(head, headFailure, bodyFailure, body, complete, List.copyOf(notes), lf,
                List.copyOf(rawLines));
    }

    /** The request line and headers as lines, where they end, and whether any line ended with a bare LF. */
    private static final class Head {
        final List<byte[]> lines = new ArrayList<>();
        int end;
        boolean bareLf;
        boolean endedByBlankLine;

        static Head scan(byte[] b, int start) {
            Head h = new Head();
            int i = start;
            while (i < b.length) {
                int lf = indexOf(b, (byte) '\n', i);
                if (lf < 0) {
                    h.lines.add(Arrays.copyOfRange(b, i, b.length)); // the last line, without a line end
                    h.end = b.length;
                    return h;
                }
                boolean crlf = lf > i && b[lf - 1] == '\r';
                h.bareLf |= !crlf;
                int lineEnd = crlf ? lf - 1 : lf;
                if (lineEnd == i) {
                    h.end = lf + 1;
                    h.endedByBlankLine = true;
                    return h;
                }
                h.lines.add(Arrays.copyOfRange(b, i, lineEnd));
                i = lf + 1;
            }
            h.end = b.length;
            return h;
        }

        byte[] crlfHead() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] line : lines) {
                out.writeBytes(line);
                out.write('\r');
                out.write('\n');
            }
            out.write('\r');
            out.write('\n');
            return out.toByteArray();
        }

        /** The values of a header (name case-insensitive), trimmed, from the raw lines. */
        List<String> values(String name) {
            List<String> out = new ArrayList<>();
            for (int i = 1; i < lines.size(); i++) {
                String line = new String(lines.get(i), StandardCharsets.ISO_8859_1);
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    out.add(line.substring(colon + 1).trim());
                }
            }
            return out;
        }
    }

    /** The body bytes to hand to the decoder after the head, cut where the request ends. */
    private static final class Framing {
        final byte[] bytes;

        private Framing(byte[] bytes) {
            this.bytes = bytes;
        }

        static Framing of(byte[] b, Head h, List<String> notes) {
            int from = h.end;
            byte[] rest = Arrays.copyOfRange(b, from, b.length);
            List<String> te = h.values("Transfer-Encoding");
            List<String> cl = h.values("Content-Length");
            if (!te.isEmpty() && !cl.isEmpty()) return new Framing(rest); // the decoder refuses the head anyway
            if (!te.isEmpty()) {
                LenientChunkedBody c = LenientChunkedBody.parse(b, from);
                if (c == null) return new Framing(rest); // malformed or cut short: the decoder says which
                ignored(b, c.end, notes, "after the last chunk");
                return new Framing(h.bareLf ? c.crlf : Arrays.copyOfRange(b, from, c.end));
            }
            if (cl.size() == 1 && cl.get(0).matches("[0-9]{1,10}")) {
                long length = Long.parseLong(cl.get(0));
                if (rest.length <= length) return new Framing(rest);
                ignored(b, from + (int) length, notes, "after the Content-Length body");
                return new Framing(Arrays.copyOf(rest, (int) length));
            }
            if (cl.isEmpty() && hasContent(rest)) {
                notes.add(rest.length + " bytes follow the head, but it has neither Content-Length nor"
                        + " Transfer-Encoding: the gateway reads no body (send Content-Length: " + rest.length
                        + " if they are the body)");
                return new Framing(new byte[0]);
            }
            return new Framing(cl.isEmpty() ? new byte[0] : rest);
        }

        private static void ignored(byte[] b, int from, List<String> notes, String where) {
            byte[] rest = Arrays.copyOfRange(b, from, b.length);
            if (hasContent(rest)) {
                notes.add(rest.length + " bytes " + where + " are not part of this request (ignored)");
            }
        }

        private static boolean hasContent(byte[] b) {
            for (byte x : b) {
                if (x != '\r' && x != '\n' && x != ' ' && x != '\t') return true;
            }
            return false;
        }
    }

    static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) return i;
        }
        return -1;
    }
}
