package dev.authgate.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;
import java.util.function.Consumer;

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
    private enum Scan { LEADING, REQUEST_LINE, LINE_START, IN_LINE, BODY }

    private final Consumer<HttpRequest> onRequest;
    private long consumed;       // stream offset of the input's reader index
    private long scanned;        // stream offset of the next byte to scan
    private Scan scan = Scan.LEADING;
    private String problem;      // the current head's refusal, once found
    private boolean refused;     // a request was refused: decode nothing more

    /** A decoder with {@code config} (use {@link RequestGate#decoderConfig}). */
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
}
