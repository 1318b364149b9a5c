package dev.authgate.proxy;

import dev.authgate.config.UpstreamConfig;
import dev.authgate.proxy.upstream.UpstreamConnection;
import dev.authgate.proxy.upstream.UpstreamListener;
import dev.authgate.proxy.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request on its way upstream and its response on its way back. Lives on the client's event loop, which is
 * also the upstream connection's, so its state needs no synchronization.
 *
 * <pre>
 *   CONNECTING → AWAITING_HEAD → RELAYING → FINISHING → DONE
 *        └────────────┴──────────────┴─────────────────→ DONE (failure)
 * </pre>
 */
final class UpstreamCall implements UpstreamListener {

    private enum State { CONNECTING, AWAITING_HEAD, RELAYING, FINISHING, DONE }

    private final UpstreamConnector connector;
    private final IntConsumer onResponseHead;
    private final Channel client;
    private final EventLoop loop;
    private final ForwardRequest fr;
    private final UpstreamConfig upstream;
    private final String target;
    private final CompletableFuture<ForwardOutcome> result;
    private final boolean headRequest;
    private final HttpVersion clientVersion;
    private final long responseTimeoutNanos;
    private final long startNanos = System.nanoTime();

    private State state = State.CONNECTING;
    private FullHttpRequest request;     // non-null while this call owns it (until written upstream)
    private UpstreamConnection conn;
    private long sendNanos;
    private boolean requestWritten;
    private ScheduledFuture<?> timer;
    private long deadlineNanos;          // when the armed timer should act; only moves later while it is armed
    private final Runnable timerTask = this::onTimer;
    private long lastReadNanos;
    private boolean skippingInterim;
    private int status;
    private long bytesOut;
    private boolean upstreamReusable;
    private boolean closeClientAfterBody;
    private boolean paused;
    private ChannelFuture lastWrite;
    private long endNanos;

    UpstreamCall(UpstreamPool pool, Class<? extends Channel> channelClass, Channel client, ForwardRequest fr,
                 IntConsumer onResponseHead, CompletableFuture<ForwardOutcome> result) {
        this.onResponseHead = onResponseHead;
        this.client = client;
        this.loop = client.eventLoop();
        this.connector = new UpstreamConnector(pool, loop, channelClass, fr.upstream());
        this.fr = fr;
        this.upstream = fr.upstream();
        this.target = upstream.host() + ":" + upstream.port();
        this.result = result;
        this.request = fr.request();
        this.headRequest = HttpMethod.HEAD.equals(fr.request().method());
        this.clientVersion = fr.request().protocolVersion();
        this.responseTimeoutNanos = Math.max(1, upstream.responseTimeout().toNanos());
    }

    void start() {
        try {
            ForwardedHeaders.rewriteRequest(fr);
        } catch (RuntimeException e) {
            // A header value the codec refuses (e.g. from a hand-built ForwardRequest): nothing was sent.
            fail(UpstreamFailure.CONNECT, "cannot build the upstream request for " + target
                    + ": " + e.getMessage());
            return;
        }
        UpstreamConnection idle = connector.pollIdle();
        if (idle != null) {
            send(idle);
        } else {
            connector.connect(() -> state == State.CONNECTING, this::send,
                    detail -> fail(UpstreamFailure.CONNECT, detail));
        }
    }

    private void send(UpstreamConnection connection) {
        conn = connection;
        state = State.AWAITING_HEAD;
        connection.attach(this);
        sendNanos = System.nanoTime();
        // Armed now so that a write that never completes (an upstream that stops reading) is bounded too; re-armed
        // for the full response_timeout once the last byte is written.
        arm(responseTimeoutNanos);
        FullHttpRequest r = request;
        request = null;
        connection.channel().writeAndFlush(r).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                requestWritten = true;
                if (state == State.AWAITING_HEAD) arm(responseTimeoutNanos);
            } else {
                // Some bytes may have reached the upstream: never retried.
                upstreamBroke("failed while receiving the request (" + UpstreamFailure.message(f.cause()) + ")");
            }
        });
    }

    @Override
    public void onMessage(HttpObject msg) {
        if (state != State.AWAITING_HEAD && state != State.RELAYING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse) {
            onHead((HttpResponse) msg);
        } else if (msg instanceof HttpContent) {
            onContent((HttpContent) msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpResponse response) {
        if (state != State.AWAITING_HEAD || response.decoderResult().isFailure()) {
            String why = state == State.AWAITING_HEAD
                    ? "sent an invalid response (" + UpstreamFailure.message(response.decoderResult().cause()) + ")"
                    : "sent a second response head";
            ReferenceCountUtil.release(response);
            upstreamBroke(why);
            return;
        }
        int code = response.status().code();
        if (code == 101) {
            ReferenceCountUtil.release(response);
            fail(UpstreamFailure.RESET, "upstream " + target
                    + " answered 101 Switching Protocols; the gateway does not tunnel (Upgrade is stripped)");
            return;
        }
        if (code >= 100 && code < 200) {
            // An interim response (we strip Expect, so 100 is unexpected, 102/103 are hints): not relayed, the
            // response_timeout keeps running until the final head.
            skippingInterim = true;
            ReferenceCountUtil.release(response);
            return;
        }
        status = code;
        state = State.RELAYING;
        onResponseHead.accept(code);
        lastReadNanos = System.nanoTime();
        boolean bodyless = headRequest || code == 204 || code == 304;
        upstreamReusable = HttpUtil.isKeepAlive(response) && (bodyless || HttpUtil.isTransferEncodingChunked(response)
                || HttpUtil.isContentLengthSet(response));
        closeClientAfterBody = ForwardedHeaders.rewriteResponse(response, fr.requestId(), fr.gatewayName(),
                bodyless, clientVersion, fr.closeAfter());
        lastWrite = client.write(response);
        lastWrite.addListener(f -> {
            if (!f.isSuccess()) clientGone();
        });
        // From here response_timeout bounds each silence of the upstream mid-body (nginx's proxy_read_timeout).
        arm(responseTimeoutNanos);
    }

    private void onContent(HttpContent content) {
        if (skippingInterim) {
            if (content instanceof LastHttpContent) skippingInterim = false;
            content.release();
            return;
        }
        if (state != State.RELAYING) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            String why = "sent an invalid response body (" + UpstreamFailure.message(content.decoderResult().cause()) + ")";
            content.release();
            upstreamBroke(why);
            return;
        }
        lastReadNanos = System.nanoTime();
        int n = content.content().readableBytes();
        if (content instanceof LastHttpContent) {
            endNanos = lastReadNanos;
            state = State.FINISHING;
            cancelTimer();
            // The upstream connection is free as soon as its response is read, whatever the client's pace.
            releaseConnection();
            client.writeAndFlush(content).addListener((ChannelFuture f) -> finished(f, n));
            return;
        }
        lastWrite = client.write(content);
        lastWrite.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                bytesOut += n;
            } else {
                clientGone();
            }
        });
        if (!client.isWritable()) pause();
    }

    @Override
    public void onReadComplete() {
        if (state == State.RELAYING) client.flush();
    }

    @Override
    public void onInactive() {
        upstreamBroke("closed the connection");
    }

    @Override
    public void onError(Throwable cause) {
        upstreamBroke("failed (" + UpstreamFailure.message(cause) + ")");
    }

    /** The client can't keep up: stop reading the upstream until everything written so far has left. */
    private void pause() {
        if (paused) return;
        paused = true;
        conn.channel().config().setAutoRead(false);
        // Writes complete in order, so when the latest one is done the client's outbound buffer holds none of ours.
        lastWrite.addListener(f -> resume());
    }

    private void resume() {
        if (!paused || state != State.RELAYING) return;
        paused = false;
        // The upstream's silence is measured from now: while paused we were not asking it for anything.
        lastReadNanos = System.nanoTime();
        conn.channel().config().setAutoRead(true);
    }

    private void onTimer() {
        long left = deadlineNanos - System.nanoTime();
        timer = left > 0 ? loop.schedule(timerTask, left, TimeUnit.NANOSECONDS) : null;
        if (timer != null) return; // the deadline moved since this timer was set: wait for the rest
        if (state == State.AWAITING_HEAD) {
            fail(UpstreamFailure.TIMEOUT, "no response from upstream " + target + " within "
                    + upstream.responseTimeout().toMillis() + "ms (response_timeout)");
        } else if (state == State.RELAYING) {
            long silent = System.nanoTime() - lastReadNanos;
            if (paused) {
                // Waiting for the client, not for the upstream.
                arm(responseTimeoutNanos);
            } else if (silent >= responseTimeoutNanos) {
                cut(UpstreamFailure.TIMEOUT, "upstream " + target + " stalled mid-response after "
                        + bytesOut + " body bytes (response_timeout)");
            } else {
                arm(responseTimeoutNanos - silent);
            }
        }
    }

    private void upstreamBroke(String what) {
        if (state == State.AWAITING_HEAD) {
            fail(UpstreamFailure.RESET, "upstream " + target + " " + what + " before answering");
        } else if (state == State.RELAYING) {
            cut(UpstreamFailure.RESET, "upstream " + target + " " + what + " mid-response after "
                    + bytesOut + " body bytes");
        }
    }

    /** Failure before anything reached the client: nothing is written, the caller answers 502/504. */
    void fail(UpstreamFailure kind, String detail) {
        if (state == State.DONE) return;
        state = State.DONE;
        cancelTimer();
        if (conn != null) conn.close();
        if (request != null) {
            request.release();
            request = null;
        }
        long from = sendNanos != 0 ? sendNanos : startNanos;
        result.complete(ForwardOutcome.failed(kind, System.nanoTime() - from, detail));
    }

    /** Failure after the head went to the client: the response is cut and the client connection closed. */
    private void cut(UpstreamFailure kind, String detail) {
        state = State.DONE;
        cancelTimer();
        conn.close();
        // Let what was relayed go out, then close: a truncated body must not look complete.
        client.flush();
        client.close();
        result.complete(ForwardOutcome.relayed(status, bytesOut, System.nanoTime() - sendNanos, kind, detail));
    }

    /** A write to the client failed: it went away. The upstream's partial response is abandoned. */
    private void clientGone() {
        if (state != State.RELAYING) return; // FINISHING: finished() sees the failure of the last write
        state = State.DONE;
        cancelTimer();
        conn.close();
        client.close();
        result.complete(ForwardOutcome.relayed(status, bytesOut, System.nanoTime() - sendNanos, null,
                "client closed the connection during the response"));
    }

    private void finished(ChannelFuture lastWriteOfBody, int n) {
        if (state != State.FINISHING) return;
        state = State.DONE;
        if (lastWriteOfBody.isSuccess()) {
            bytesOut += n;
            if (closeClientAfterBody) client.close();
            result.complete(ForwardOutcome.relayed(status, bytesOut, endNanos - sendNanos, null, null));
        } else {
            client.close();
            result.complete(ForwardOutcome.relayed(status, bytesOut, endNanos - sendNanos, null,
                    "client closed the connection before the response was complete"));
        }
    }

    private void releaseConnection() {
        paused = false;
        // Not reusable while our request is still being written (an early response): the codec would be mid-message.
        conn.release(upstreamReusable && requestWritten);
    }

    /**
     * Bounds the current wait to {@code nanos} from now: one timer per call, moved by a field, instead of a schedule
     * and a cancel at the write, the head and mid-body. Callers only extend an armed bound.
     */
    private void arm(long nanos) {
        deadlineNanos = System.nanoTime() + nanos;
        if (timer == null) timer = loop.schedule(timerTask, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
