package dev.authgate.server;

import dev.authgate.http.Problem;
import dev.authgate.http.Reason;
import dev.authgate.http.Responses;
import dev.authgate.observe.AccessLogEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads one request at a time (the channel does not auto-read: it reads only while a request's head or body is
 * awaited; messages decoded ahead, such as pipelined requests, wait in order), asks the {@link RequestGate} about its
 * head, buffers its body, then hands it to {@link ExchangeFlow} for auth and forwarding. Owns every gateway-made
 * answer on the connection and the decision to keep it alive or close it; a response followed by a close is flushed
 * first, and when request bytes may still be unread the close lingers ({@link Closing#lingerAndClose}) so that the
 * client gets the response, not a reset.
 */
final class RequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);
    /** How long a closing connection keeps draining unread request bytes after its last response. */
    static final long LINGER_MILLIS = 2_000;

    enum State { AWAIT_HEAD, READING_BODY, DISPATCHED, CLOSING }

    /** Fired by the server to every connection when it starts draining. */
    static final Object DRAIN = new Object() {
        @Override
        public String toString() {
            return "DRAIN";
        }
    };

    private final ServerContext server;
    private final HeaderTimeoutHandler headTimeout;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(4);
    private ExchangeFlow flow;
    private Exchange.Connection connection;
    private State state = State.AWAIT_HEAD;
    private Exchange exchange;
    private ChannelHandlerContext ctx;
    private int served;                     // request heads read on this connection
    private ScheduledFuture<?> bodyTimer;   // limits.body_timeout while a body is read
    private long lastBodyNanos;

    RequestHandler(ServerContext server, HeaderTimeoutHandler headTimeout) {
        this.server = server;
        this.headTimeout = headTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.flow = new ExchangeFlow(server, this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CLOSING) {
            ReferenceCountUtil.release(msg); // a closing connection drains what the client still sends
            return;
        }
        pending.add(msg);
        drain();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readIfWanted();
    }

    /**
     * Handles queued messages while the connection is reading a request. A read can decode several messages (a
     * head with its body, pipelined requests); those that arrive while a request is dispatched wait here, in order.
     */
    private void drain() {
        while (!pending.isEmpty() && (state == State.AWAIT_HEAD || state == State.READING_BODY)) {
            Object msg = pending.poll();
            if (state == State.AWAIT_HEAD) {
                if (msg instanceof HttpRequest) {
                    onHead((HttpRequest) msg);
                } else {
                    // The empty last content that follows a bodyless request answered from its head.
                    ReferenceCountUtil.release(msg);
                }
            } else if (msg instanceof HttpContent) {
                onContent((HttpContent) msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
        if (state == State.CLOSING) releasePending();
        readIfWanted();
    }

    /** Asks for more bytes when reading a request and nothing is queued (the channel does not auto-read). */
    private void readIfWanted() {
        if ((state == State.AWAIT_HEAD || state == State.READING_BODY) && pending.isEmpty()) {
            ctx.read();
        }
    }

    private void releasePending() {
        Object msg;
        while ((msg = pending.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpRequest req) {
        headTimeout.headReceived();
        Exchange ex = new Exchange(server.runtime(), server.metrics(), connection(), req);
        exchange = ex;
        boolean hasBody = HttpUtil.isTransferEncodingChunked(req) || declaredLength(req) > 0;
        if (req.decoderResult().isFailure()) {
            ReferenceCountUtil.release(req);
            answer(ex, RequestGate.decoderFailure(req.decoderResult().cause(), ex.runtime.limits()), true, true);
            return;
        }
        // limits.max_requests_per_connection: the last one allowed is answered with Connection: close.
        ex.keepAlive = HttpUtil.isKeepAlive(req) && req.protocolVersion().equals(HttpVersion.HTTP_1_1)
                && ++served < ex.runtime.limits().maxRequestsPerConnection();
        if (server.draining()) {
            ReferenceCountUtil.release(req);
            answer(ex, Problem.of(Reason.SHUTTING_DOWN, "the gateway is draining; retry on another instance", null),
                    true, hasBody);
            return;
        }
        RequestGate.HeadDecision decision = ex.runtime.gate().decideHead(req.protocolVersion(),
                req.method().name(), req.uri(), req.headers());
        ex.target = decision.target();
        if (decision instanceof RequestGate.Refused) {
            RequestGate.Refused refused = (RequestGate.Refused) decision;
            ex.route = refused.route();
            ReferenceCountUtil.release(req);
            // A malformed or oversized head says nothing good about what follows it on the connection.
            Reason reason = refused.problem().reason();
            boolean suspect = reason == Reason.BAD_REQUEST || reason == Reason.HEADERS_TOO_LARGE;
            answer(ex, refused.problem(), hasBody || suspect || !ex.keepAlive, hasBody);
            return;
        }
        RequestGate.Admitted admitted = (RequestGate.Admitted) decision;
        ex.route = admitted.route();
        if (HttpUtil.is100ContinueExpected(req)) {
            ctx.writeAndFlush(Responses.continueResponse());
        }
        long max = ex.runtime.limits().maxBody();
        if (admitted.contentLength() > 0) {
            ex.body(ctx.alloc().buffer((int) admitted.contentLength(), (int) admitted.contentLength()));
        } else if (admitted.contentLength() < 0) {
            ex.body(ctx.alloc().buffer((int) Math.min(8192, max), (int) max));
        } else {
            ex.body(Unpooled.EMPTY_BUFFER);
        }
        state = State.READING_BODY;
        startBodyTimer(ex);
        if (req instanceof HttpContent) {
            onContent((HttpContent) req);
        }
    }

    private void onContent(HttpContent content) {
        Exchange ex = exchange;
        try {
            if (content.decoderResult().isFailure()) {
                ex.releaseBody();
                answer(ex, RequestGate.decoderFailure(content.decoderResult().cause(), ex.runtime.limits()), true, true);
                return;
            }
            ByteBuf data = content.content();
            long total = ex.bytesIn + data.readableBytes();
            if (total > ex.runtime.limits().maxBody()) {
                ex.bytesIn = total;
                ex.releaseBody();
                answer(ex, ex.runtime.gate().bodyTooLarge(ex.route, total), true, true);
                return;
            }
            if (data.isReadable()) {
                ex.body().writeBytes(data);
                lastBodyNanos = System.nanoTime();
            }
            ex.bytesIn = total;
        } finally {
            content.release();
        }
        if (content instanceof LastHttpContent) {
            cancelBodyTimer();
            state = State.DISPATCHED;
            flow.dispatch(ex);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HeaderTimeoutHandler.TIMED_OUT) {
            if (state == State.AWAIT_HEAD) headTimedOut();
        } else if (evt instanceof IdleStateEvent) {
            onIdle();
        } else if (evt == DRAIN) {
            if (state == State.AWAIT_HEAD && !headTimeout.inHead()) closeNow();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    private void headTimedOut() {
        Exchange ex = new Exchange(server.runtime(), server.metrics(), connection(), null);
        exchange = ex;
        answer(ex, Problem.of(Reason.REQUEST_TIMEOUT, "request head not complete within limits.header_timeout ("
                + ex.runtime.limits().headerTimeout().toMillis() + " ms)", null), true, true);
    }

    private void onIdle() {
        // A body being read is bounded by limits.body_timeout (onBodyTimer), not by idle_timeout.
        if (state == State.AWAIT_HEAD) {
            if (headTimeout.inHead()) {
                headTimedOut();
            } else {
                closeNow(); // an idle kept-alive connection: nothing to answer
            }
        }
    }

    private void startBodyTimer(Exchange ex) {
        lastBodyNanos = System.nanoTime();
        bodyTimer = ctx.executor().schedule(() -> onBodyTimer(ex), ex.runtime.limits().bodyTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /** Fires at most once per body_timeout: 408 when no body byte came for that long, else waits for the rest. */
    private void onBodyTimer(Exchange ex) {
        bodyTimer = null;
        if (state != State.READING_BODY || exchange != ex) return;
        long timeout = ex.runtime.limits().bodyTimeout().toNanos();
        long silent = System.nanoTime() - lastBodyNanos;
        if (silent < timeout) {
            bodyTimer = ctx.executor().schedule(() -> onBodyTimer(ex), timeout - silent, TimeUnit.NANOSECONDS);
            return;
        }
        ex.releaseBody();
        answer(ex, Problem.of(Reason.REQUEST_TIMEOUT, "no body bytes for limits.body_timeout ("
                + ex.runtime.limits().bodyTimeout().toMillis() + " ms) after " + ex.bytesIn + " bytes",
                ex.route == null ? null : ex.route.name()), true, true);
    }

    private void cancelBodyTimer() {
        if (bodyTimer != null) {
            bodyTimer.cancel(false);
            bodyTimer = null;
        }
    }

    /**
     * Writes a gateway-made problem response, logs the request, then reads the next request or closes.
     *
     * @param close  send {@code Connection: close} and close after the response
     * @param linger request bytes may be unread: shut the output and drain the input before closing
     */
    void answer(Exchange ex, Problem problem, boolean close, boolean linger) {
        boolean closing = close || !ex.keepAlive || server.draining();
        FullHttpResponse response = ex.runtime.responses().problem(ctx.alloc(), problem, ex.requestId, closing);
        int bytesOut = response.content().readableBytes();
        send(ex, response, closing, linger, () -> ex.logGateway(problem, bytesOut));
    }

    /** Writes a bodyless gateway-made response ({@code respond:} routes, acknowledged duplicates). */
    void answerEmpty(Exchange ex, int status, String reason, String detail) {
        boolean closing = !ex.keepAlive || server.draining();
        FullHttpResponse response = ex.runtime.responses().empty(status, ex.requestId, closing);
        send(ex, response, closing, false,
                () -> ex.log(status, AccessLogEntry.SOURCE_GATEWAY, reason, detail, 0));
    }

    private void send(Exchange ex, FullHttpResponse response, boolean close, boolean linger, Runnable log) {
        cancelBodyTimer();
        state = close ? State.CLOSING : State.DISPATCHED;
        if (close) {
            headTimeout.stop();
            releasePending();
        }
        ChannelFuture write = ctx.writeAndFlush(response);
        write.addListener(f -> {
            log.run();
            if (!f.isSuccess()) {
                closeNow();
            } else if (!close) {
                next(ex);
            } else if (linger) {
                Closing.lingerAndClose(ctx, LINGER_MILLIS);
            } else {
                ctx.close();
            }
        });
    }

    /** The upstream's response was relayed: read the next request or close. */
    void relayed(Exchange ex, boolean close) {
        if (close || !ctx.channel().isActive()) {
            closeNow();
        } else {
            next(ex);
        }
    }

    private void next(Exchange ex) {
        if (exchange != ex) return;
        exchange = null;
        if (server.draining() || !ctx.channel().isActive()) {
            closeNow();
            return;
        }
        state = State.AWAIT_HEAD;
        headTimeout.awaitNextHead();
        drain();
    }

    /** Whether {@code ex} is still the request this connection is serving, on a live connection. */
    boolean current(Exchange ex) {
        return exchange == ex && state == State.DISPATCHED && ctx.channel().isActive();
    }

    ChannelHandlerContext ctx() {
        return ctx;
    }

    private void closeNow() {
        cancelBodyTimer();
        state = State.CLOSING;
        headTimeout.stop();
        releasePending();
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State was = state;
        state = State.CLOSING;
        cancelBodyTimer();
        headTimeout.stop();
        releasePending();
        Exchange ex = exchange;
        if (was == State.READING_BODY && ex != null) {
            ex.releaseBody();
            ex.log(499, AccessLogEntry.SOURCE_GATEWAY, null,
                    "client closed the connection while sending the body", 0);
        }
        // A DISPATCHED exchange finishes in ExchangeFlow, which sees the closed channel and logs it.
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Exchange ex = exchange;
        String id = ex == null ? "-" : ex.requestId;
        if (Closing.isPeerProblem(cause)) {
            LOG.debug("connection {} request_id={}: {}", connection(), id, cause.toString());
        } else {
            LOG.warn("connection {} request_id={}: closing after an unexpected error", connection(), id, cause);
        }
        if (state == State.READING_BODY && ex != null) ex.releaseBody();
        closeNow();
    }

    private Exchange.Connection connection() {
        if (connection == null) connection = Exchange.Connection.of(ctx);
        return connection;
    }

    private static long declaredLength(HttpRequest req) {
        try {
            return HttpUtil.getContentLength(req, 0L);
        } catch (NumberFormatException e) {
            return 1; // unreadable: assume there is a body we will not read
        }
    }
}
