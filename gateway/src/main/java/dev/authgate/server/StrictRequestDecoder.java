package dev.authgate.server;

import dev.authgate.config.LimitsConfig;
import dev.authgate.http.Problem;
import dev.authgate.http.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.TransferEncodingNotAllowedException;

import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Netty's {@link HttpRequestDecoder} plus what it lets through: a header line that starts with a space or tab
 * (obs-fold, RFC 9112 §5.2, or whitespace before the first header, §2.2). Netty joins such a line to the previous
 * header's value (or trims it into a header of its own), so {@code Transfer-Encoding:\r\n chunked} or
 * {@code Host: a\r\n Transfer-Encoding: chunked} decode into framing the sender may not have meant and an upstream
 * may read otherwise. A request whose head has one is emitted with a failed {@link DecoderResult} (the server
 * answers 400 {@code bad_request} and closes), and nothing after it is decoded.
 *
 * <p>How the head is found: the decoder consumes a head line by line, so each head is scanned once, byte by byte, as
 * its bytes arrive, from where the previous request's {@link LastHttpContent} left the input to the head's empty
 * line. Offsets are counted on the stream (what the decoder consumed), not on the input buffer, which the
 * accumulation may reallocate or compact between calls.
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {
    /** Bytes per body chunk handed up by the codec; the body is copied into one buffer anyway. */
    private static final int MAX_CHUNK_SIZE = 16 * 1024;
    /** A quoted name with whitespace in it: keeps what comes before the whitespace. */
    private static final Pattern QUOTED_NAME_TAIL = Pattern.compile("'([^'\\s]*)\\s[^']*'");
    private enum Scan { LEADING, REQUEST_LINE, LINE_START, IN_LINE, BODY }

    private final Consumer<HttpRequest> onRequest;
    private long consumed;       // stream offset of the input's reader index
    private long scanned;        // stream offset of the next byte to scan
    private Scan scan = Scan.LEADING;
    private String problem;      // the current head's refusal, once found
    private boolean refused;     // a request was refused: decode nothing more

    /** A decoder with {@code config} (use {@link #config}). */
    public StrictRequestDecoder(HttpDecoderConfig config) {
        this(config, r -> { });
    }

    /** A decoder that also tells {@code onRequest} about every request head it emits, in order. */
    StrictRequestDecoder(HttpDecoderConfig config, Consumer<HttpRequest> onRequest) {
        super(config);
        this.onRequest = onRequest;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        scanHead(in);
        int from = in.readerIndex();
        int first = out.size();
        super.decode(ctx, in, out);
        consumed += in.readerIndex() - from;
        for (int i = first; i < out.size(); i++) {
            Object msg = out.get(i);
            if (msg instanceof HttpRequest) {
                HttpRequest req = (HttpRequest) msg;
                if (problem != null && req.decoderResult().isSuccess()) {
                    req.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(problem)));
                }
                if (req.decoderResult().isFailure()) refused = true;
                onRequest.accept(req);
            }
            if (msg instanceof LastHttpContent && !refused) {
                // The decoder returns right after a message's end: the next head starts at the reader index.
                scan = Scan.LEADING;
                scanned = consumed;
                problem = null;
            }
        }
        if (refused) in.skipBytes(in.readableBytes());
    }

    private void scanHead(ByteBuf in) {
        if (scan == Scan.BODY || problem != null) return;
        if (scanned < consumed) scanned = consumed; // only after a decoder failure, which ends decoding anyway
        int end = in.writerIndex();
        for (int i = in.readerIndex() + (int) (scanned - consumed); i < end; i++) {
            char c = (char) (in.getByte(i) & 0xff);
            scanned++;
            switch (scan) {
                case LEADING:
                    // Netty skips control characters and whitespace before the request line; so do we.
                    if (!(Character.isISOControl(c) || Character.isWhitespace(c))) scan = Scan.REQUEST_LINE;
                    break;
                case REQUEST_LINE:
                case IN_LINE:
                    if (c == '\n') scan = Scan.LINE_START;
                    break;
                case LINE_START:
                    if (c == ' ' || c == '\t') {
                        problem = "header line starts with whitespace (obs-fold or a space before a header name)";
                        return;
                    }
                    if (c == '\n') {
                        scan = Scan.BODY; // the empty line: the head is complete
                        return;
                    }
                    if (c != '\r') scan = Scan.IN_LINE;
                    break;
                default:
                    return;
            }
        }
    }

    /**
     * The HTTP/1.1 decoder settings the server uses for {@code limits}: request line and headers each capped at
     * {@code max_header_bytes}, and ambiguous framing (Content-Length with Transfer-Encoding, Transfer-Encoding on
     * HTTP/1.0 or not ending in chunked, several Content-Length values, bare LF line ends) refused instead of quietly
     * repaired. An offline reader of captured requests decodes with the same settings.
     */
    public static HttpDecoderConfig config(LimitsConfig limits) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxHeaderBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(MAX_CHUNK_SIZE)
                .setUseRfc9112TransferEncoding(true)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true);
    }

    /** The answer to a request the decoder refused: 431 for a line or headers over the limit, else 400. */
    public static Problem failure(Throwable cause, LimitsConfig limits) {
        int max = limits.maxHeaderBytes();
        if (cause instanceof TooLongHttpLineException) {
            return Problem.of(Reason.HEADERS_TOO_LARGE, "request line exceeds limits.max_header_bytes (" + max
                    + " bytes)", null);
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return Problem.of(Reason.HEADERS_TOO_LARGE, "request headers exceed limits.max_header_bytes (" + max
                    + " bytes)", null);
        }
        if (cause instanceof ContentLengthNotAllowedException) {
            return Problem.of(Reason.BAD_REQUEST, "both Content-Length and Transfer-Encoding", null);
        }
        if (cause instanceof TransferEncodingNotAllowedException) {
            return Problem.of(Reason.BAD_REQUEST, "Transfer-Encoding is only allowed in HTTP/1.1", null);
        }
        return Problem.of(Reason.BAD_REQUEST, "malformed HTTP: " + describe(cause), null);
    }

    /**
     * Netty's message names the rule broken, but some quote what broke it: {@code Content-Length value is not a
     * number: <value>}, {@code ... of header '<name with a space and more>'}. A client's header value (a token typed
     * into the wrong header) must reach neither the response nor the access log, so the message is cut at its first
     * {@code ": "} and a quoted header name at its first whitespace (found by RequestHeadFuzzTest).
     */
    static String describe(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int quote = message.indexOf(": ");
        if (quote > 0) message = message.substring(0, quote);
        message = QUOTED_NAME_TAIL.matcher(message).replaceAll("'$1...'");
        if (message.length() > 120) message = message.substring(0, 120) + "...";
        return message;
    }
}
