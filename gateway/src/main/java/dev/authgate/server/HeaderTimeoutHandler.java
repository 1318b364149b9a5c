package dev.authgate.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The slowloris guard ({@code limits.header_timeout}): bounds the time from the first byte of a request to the end of
 * its head. It sits before the HTTP codec because only there the first byte is visible; the request handler reports
 * the head's arrival ({@link #headReceived}) and re-arms it for the next request ({@link #awaitNextHead}). On expiry
 * it fires {@link #TIMED_OUT} down the pipeline and the request handler answers 408.
 *
 * <p>Bytes of a next request that arrived together with the previous request's body (pipelining) start no timer;
 * the idle timeout still bounds such a connection.
 */
final class HeaderTimeoutHandler extends ChannelInboundHandlerAdapter {
    /** The user event fired when a head did not complete in time. */
    static final Object TIMED_OUT = new Object() {
        @Override
        public String toString() {
            return "HEADER_TIMEOUT";
        }
    };

    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private boolean awaiting = true;
    private boolean inHead;
    private ScheduledFuture<?> timer;

    HeaderTimeoutHandler(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (awaiting && msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
            awaiting = false;
            inHead = true;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * The timer starts when the read that brought the head's first bytes ends with the head still incomplete. Most
     * heads arrive whole in one read, and then no timer is scheduled and cancelled for them at all; for the others
     * the clock starts a read's duration (microseconds) late.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (inHead && timer == null) {
            timer = ctx.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelReadComplete();
    }

    /** Whether bytes of a head have arrived and the head is not complete yet. */
    boolean inHead() {
        return inHead;
    }

    /** The head is complete: stop the clock. */
    void headReceived() {
        awaiting = false;
        inHead = false;
        cancel();
    }

    /** The previous request is answered: the next byte starts the clock again. */
    void awaitNextHead() {
        awaiting = true;
    }

    /** The connection is closing: no more timeouts. */
    void stop() {
        awaiting = false;
        inHead = false;
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void expire() {
        timer = null;
        if (inHead) {
            inHead = false;
            ctx.fireUserEventTriggered(TIMED_OUT);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
