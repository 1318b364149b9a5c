package dev.authgate.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.util.ReferenceCountUtil;

/**
 * Refuses response heads that Netty's client decoder would quietly repair: a header line without a colon
 * ({@code Bad Header} decodes as an empty {@code Bad}) or a field name with anything but token characters in it
 * ({@code X Bad: a} decodes as {@code X: a}). Such a head fails the exchange ({@code exceptionCaught}, the
 * forwarder answers 502) before the codec sees it. Allowed as RFC 9112 §5 says a proxy may: whitespace between a
 * name and its colon, which the decoder drops, and obs-fold, which it replaces with a space.
 *
 * <p>Sits before the codec. Upstream connections carry one exchange at a time, so a head begins at the first byte
 * after {@link #expectHead()} (called when an exchange takes the connection); interim (1xx) heads are followed by
 * another head, which is scanned too. Body bytes are not looked at.
 */
final class UpstreamHeadGuard extends ChannelInboundHandlerAdapter {
    private enum Scan { LEADING, STATUS_LINE, LINE_START, NAME, AFTER_NAME, VALUE, BODY, BROKEN }

    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private Scan scan = Scan.LEADING;
    private int statusChars;
    private boolean interim;

    /** An exchange took the connection: the next bytes start a response head. */
    void expectHead() {
        if (scan != Scan.BROKEN) scan = Scan.LEADING;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (scan == Scan.BROKEN) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf && scan != Scan.BODY) {
            String problem = scan((ByteBuf) msg);
            if (problem != null) {
                scan = Scan.BROKEN;
                ReferenceCountUtil.release(msg);
                ctx.fireExceptionCaught(new CorruptedFrameException("invalid response head: " + problem));
                ctx.close();
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private String scan(ByteBuf buf) {
        int end = buf.writerIndex();
        for (int i = buf.readerIndex(); i < end && scan != Scan.BODY; i++) {
            char c = (char) (buf.getByte(i) & 0xff);
            switch (scan) {
                case LEADING:
                    if (Character.isISOControl(c) || Character.isWhitespace(c)) break;
                    scan = Scan.STATUS_LINE;
                    statusChars = 0;
                    interim = false;
                    // fall through: c is the status line's first character
                case STATUS_LINE:
                    // "HTTP/1.1 1xx": the 10th character is the status code's first digit.
                    if (statusChars++ == 9) interim = c == '1';
                    if (c == '\n') scan = Scan.LINE_START;
                    break;
                case LINE_START:
                    if (c == '\n') {
                        // The empty line: an interim head is followed by another head, a final one by the body.
                        scan = interim ? Scan.LEADING : Scan.BODY;
                    } else if (c == ' ' || c == '\t') {
                        scan = Scan.VALUE; // obs-fold: the decoder joins it with a space
                    } else if (c != '\r') {
                        if (!isTchar(c)) return "invalid character in a header name";
                        scan = Scan.NAME;
                    }
                    break;
                case NAME:
                    if (c == ':') {
                        scan = Scan.VALUE;
                    } else if (c == ' ' || c == '\t') {
                        scan = Scan.AFTER_NAME;
                    } else if (c == '\r' || c == '\n') {
                        return "a header line without a colon";
                    } else if (!isTchar(c)) {
                        return "invalid character in a header name";
                    }
                    break;
                case AFTER_NAME:
                    if (c == ':') {
                        scan = Scan.VALUE;
                    } else if (c != ' ' && c != '\t') {
                        return c == '\r' || c == '\n' ? "a header line without a colon"
                                : "whitespace inside a header name";
                    }
                    break;
                case VALUE:
                    if (c == '\n') scan = Scan.LINE_START;
                    break;
                default:
                    break;
            }
        }
        return null;
    }

    /** RFC 9110 tchar by ASCII code: a table, as this runs for every byte of every upstream header name. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) TCHAR[c] = true;
        for (char c = 'a'; c <= 'z'; c++) TCHAR[c] = true;
        for (char c = 'A'; c <= 'Z'; c++) TCHAR[c] = true;
        for (int i = 0; i < TCHAR_SYMBOLS.length(); i++) TCHAR[TCHAR_SYMBOLS.charAt(i)] = true;
    }

    private static boolean isTchar(char c) {
        return c < 128 && TCHAR[c];
    }
}
