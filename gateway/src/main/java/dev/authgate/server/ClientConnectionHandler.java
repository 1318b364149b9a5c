package dev.authgate.server;

import dev.authgate.http.Problem;
import dev.authgate.http.Reason;
import dev.authgate.http.Responses;
import dev.authgate.observe.RequestLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
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

/**
 * The last handler of a client connection's pipeline. Reads one request at a time (the channel does not auto-read:
 * it reads only while a request's head or body is awaited; messages decoded ahead, such as pipelined requests, wait
 * in order), asks the {@link RequestGate} about its head, buffers its body within {@code max_body} and
 * {@code body_timeout}, then hands it to the {@link RequestDispatcher} for the stages after it. Owns every
 * gateway-made answer on the connection and the decision to keep it alive or close it ({@link Responder}); a
 * response followed by a close is flushed first, and when request bytes may still be unread the close lingers
 * ({@link Closing#lingerAndClose}) so that the client gets the response, not a reset.
 */
final class ClientConnectionHandler extends ChannelInboundHandlerAdapter implements Responder {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnectionHandler.class);
    /** How long a closing connection keeps draining unread request bytes after its last response. */
    static final long LINGER_MILLIS = 2_000;

    enum State { AWAIT_HEAD, READING_BODY, DISPATCHED, CLOSING }

    private final ServerContext server;
    private final HeaderTimeoutHandler headTimeout;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(4);
    private RequestDispatcher dispatcher;
    private ClientPeer peer;
    private State state = State.AWAIT_HEAD;
    private ClientRequest current;
    private ChannelHandlerContext ctx;
    private int served;                     // request heads read on this connection
    private BodyTimeout bodyTimeout;        // limits.body_timeout while a body is read

    ClientConnectionHandler(ServerContext server, HeaderTimeoutHandler headTimeout) {
        this.server = server;
        this.headTimeout = headTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.dispatcher = new RequestDispatcher(server, this);
        this.bodyTimeout = new BodyTimeout(ctx.executor());
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
        ClientRequest ex = new ClientRequest(server.runtime(), server, peer(), req);
        current = ex;
        boolean hasBody = HttpUtil.isTransferEncodingChunked(req) || FramingRules.declaredLength(req) > 0;
        if (req.decoderResult().isFailure()) {
            ReferenceCountUtil.release(req);
            answer(ex, StrictRequestDecoder.failure(req.decoderResult().cause(), ex.runtime.limits()), true, true);
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
            ex.route(refused.route());
            ReferenceCountUtil.release(req);
            // A malformed or oversized head says nothing good about what follows it on the connection.
            Reason reason = refused.problem().reason();
            boolean suspect = reason == Reason.BAD_REQUEST || reason == Reason.HEADERS_TOO_LARGE;
            answer(ex, refused.problem(), hasBody || suspect || !ex.keepAlive, hasBody);
            return;
        }
        RequestGate.Admitted admitted = (RequestGate.Admitted) decision;
        ex.route(admitted.route());
        if (HttpUtil.is100ContinueExpected(req)) {
            ctx.writeAndFlush(Responses.continueResponse());
        }
        ex.allocateBody(ctx.alloc(), admitted.contentLength());
        state = State.READING_BODY;
        bodyTimeout.start(ex.runtime.limits().bodyTimeout().toNanos(), () -> bodyTimedOut(ex));
        if (req instanceof HttpContent) {
            onContent((HttpContent) req);
        }
    }

    private void onContent(HttpContent content) {
        ClientRequest ex = current;
        try {
            if (content.decoderResult().isFailure()) {
                ex.releaseBody();
                answer(ex, StrictRequestDecoder.failure(content.decoderResult().cause(), ex.runtime.limits()), true, true);
                return;
            }
            ByteBuf data = content.content();
            long total = ex.log.bytesIn() + data.readableBytes();
            if (total > ex.runtime.limits().maxBody()) {
                ex.log.bytesIn(total);
                ex.releaseBody();
                answer(ex, ex.runtime.gate().bodyTooLarge(ex.route, total), true, true);
                return;
            }
            if (data.isReadable()) {
                ex.body().writeBytes(data);
                bodyTimeout.bytesArrived();
            }
            ex.log.bytesIn(total);
        } finally {
            content.release();
        }
        if (content instanceof LastHttpContent) {
            bodyTimeout.cancel();
            state = State.DISPATCHED;
            dispatcher.dispatch(ex);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HeaderTimeoutHandler.TIMED_OUT) {
            if (state == State.AWAIT_HEAD) headTimedOut();
        } else if (evt instanceof IdleStateEvent) {
            onIdle();
        } else if (evt == ServerContext.DRAIN) {
            if (state == State.AWAIT_HEAD && !headTimeout.inHead()) closeNow();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    private void headTimedOut() {
        ClientRequest ex = new ClientRequest(server.runtime(), server, peer(), null);
        current = ex;
        answer(ex, Problem.of(Reason.REQUEST_TIMEOUT, "request head not complete within limits.header_timeout ("
                + ex.runtime.limits().headerTimeout().toMillis() + " ms)", null), true, true);
    }

    private void onIdle() {
        // A body being read is bounded by limits.body_timeout (BodyTimeout), not by idle_timeout.
        if (state == State.AWAIT_HEAD) {
            if (headTimeout.inHead()) {
                headTimedOut();
            } else {
                closeNow(); // an idle kept-alive connection: nothing to answer
            }
        }
    }

    /** No body byte for body_timeout: 408. */
    private void bodyTimedOut(ClientRequest ex) {
        if (state != State.READING_BODY || current != ex) return;
        ex.releaseBody();
        answer(ex, Problem.of(Reason.REQUEST_TIMEOUT, "no body bytes for limits.body_timeout ("
                + ex.runtime.limits().bodyTimeout().toMillis() + " ms) after " + ex.log.bytesIn() + " bytes",
                ex.route == null ? null : ex.route.name()), true, true);
    }

    @Override
    public void answer(ClientRequest ex, Problem problem, boolean close, boolean linger) {
        boolean closing = close || !ex.keepAlive || server.draining();
        FullHttpResponse response = ex.runtime.responses().problem(ctx.alloc(), problem, ex.requestId, ex.traceId(),
                closing);
        int bytesOut = response.content().readableBytes();
        send(ex, response, closing, linger, () -> ex.logGateway(problem, bytesOut));
    }

    @Override
    public void answerEmpty(ClientRequest ex, int status, String reason, String detail) {
        boolean closing = !ex.keepAlive || server.draining();
        FullHttpResponse response = ex.runtime.responses().empty(status, ex.requestId, closing);
        send(ex, response, closing, false,
                () -> ex.log(RequestLog.Answer.gateway(status, reason, detail, 0)));
    }

    private void send(ClientRequest ex, FullHttpResponse response, boolean close, boolean linger, Runnable log) {
        bodyTimeout.cancel();
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

    @Override
    public void relayed(ClientRequest ex, boolean close) {
        if (close || !ctx.channel().isActive()) {
            closeNow();
        } else {
            next(ex);
        }
    }

    private void next(ClientRequest ex) {
        if (current != ex) return;
        current = null;
        if (server.draining() || !ctx.channel().isActive()) {
            closeNow();
            return;
        }
        state = State.AWAIT_HEAD;
        headTimeout.awaitNextHead();
        drain();
    }

    @Override
    public boolean current(ClientRequest ex) {
        return current == ex && state == State.DISPATCHED && ctx.channel().isActive();
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    private void closeNow() {
        bodyTimeout.cancel();
        state = State.CLOSING;
        headTimeout.stop();
        releasePending();
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State was = state;
        state = State.CLOSING;
        bodyTimeout.cancel();
        headTimeout.stop();
        releasePending();
        ClientRequest ex = current;
        if (was == State.READING_BODY && ex != null) {
            ex.releaseBody();
            ex.log(RequestLog.Answer.gateway(499, null, "client closed the connection while sending the body", 0));
        }
        // A DISPATCHED request finishes in the RequestDispatcher, which sees the closed channel and logs it.
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ClientRequest ex = current;
        String id = ex == null ? "-" : ex.requestId;
        if (Closing.isPeerProblem(cause)) {
            LOG.debug("connection {} request_id={}: {}", peer(), id, cause.toString());
        } else {
            LOG.warn("connection {} request_id={}: closing after an unexpected error", peer(), id, cause);
        }
        if (state == State.READING_BODY && ex != null) ex.releaseBody();
        closeNow();
    }

    private ClientPeer peer() {
        if (peer == null) peer = ClientPeer.of(ctx, server);
        return peer;
    }
}
