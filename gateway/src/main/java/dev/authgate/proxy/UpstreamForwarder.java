package dev.authgate.proxy;

import dev.authgate.http.Reason;
import dev.authgate.proxy.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;
import java.util.concurrent.RejectedExecutionException;

/**
 * The gateway's {@link Forwarder}: HTTP/1.1 to the upstream over keep-alive connections pooled per event loop
 * ({@link UpstreamPool}), the response streamed back with backpressure.
 *
 * <p>Upstream connections run on the client channel's own event loop with the client's channel class (HexDumpProxy
 * style), so relaying never hops threads. A client channel that is not a {@link SocketChannel} (a test's embedded
 * channel) gets {@link NioSocketChannel}, which only works on an NIO event loop; elsewhere the connect fails and the
 * outcome is {@code upstream_unavailable}.
 *
 * <p>Failure kinds and retry (see also {@link Forwarder}):
 * <ul>
 *   <li>{@code connect} ({@link Reason#UPSTREAM_UNAVAILABLE}, 502): refused, unresolvable host, or no connection
 *       within {@code connect_timeout}. A connect timeout is a 502 {@code connect}, not a 504: 504 means
 *       {@code response_timeout} (docs/troubleshooting.md), and the metric's {@code timeout} kind stays "the upstream was
 *       reached but did not answer". A failed connect (except a timeout, which would double the operator's budget)
 *       is retried once on a fresh connection: nothing had reached the upstream.
 *   <li>{@code reset} (502): the upstream closed or reset the connection, or sent an invalid or 101 response, after
 *       the request was handed to it and before the response head. Never retried: the upstream may have acted on it.
 *       This includes the rare race of a pooled connection that the upstream closes just as we reuse it.
 *   <li>{@code timeout} ({@link Reason#UPSTREAM_TIMEOUT}, 504): no response head within {@code response_timeout},
 *       counted from the request's last byte written (a write that never completes is bounded by the same amount).
 * </ul>
 * After the head was relayed, the same kinds are reported with {@code responseWritten=true} and the client
 * connection is closed: a reset or close mid-body ({@code reset}), or a silence of the upstream longer than
 * {@code response_timeout} between two reads of the body ({@code timeout}, like nginx's
 * {@code proxy_read_timeout}; time spent waiting for a slow client does not count).
 *
 * <p>Call {@link #close()} when this forwarder is retired (drain, reload): idle upstream connections are closed and
 * connections in use are closed, not pooled, when their call ends.
 */
public final class UpstreamForwarder implements Forwarder, AutoCloseable {

    private final UpstreamPool pool;
    private final Class<? extends Channel> upstreamChannelClass; // null: the client's own transport

    /** A forwarder with its own pool ({@link UpstreamPool#DEFAULT_IDLE_TIMEOUT}, default idle cap). */
    public UpstreamForwarder() {
        this(new UpstreamPool());
    }

    /** A forwarder over {@code pool}, which it closes in {@link #close()}. */
    public UpstreamForwarder(UpstreamPool pool) {
        this(pool, null);
    }

    /** With a fixed upstream channel class (tests inject connect faults through it). */
    UpstreamForwarder(UpstreamPool pool, Class<? extends Channel> upstreamChannelClass) {
        this.pool = pool;
        this.upstreamChannelClass = upstreamChannelClass;
    }

    @Override
    public CompletionStage<ForwardOutcome> forward(Channel client, ForwardRequest request, IntConsumer onResponseHead) {
        CompletableFuture<ForwardOutcome> result = new CompletableFuture<>();
        UpstreamCall call;
        try {
            Class<? extends Channel> channelClass =
                    upstreamChannelClass != null ? upstreamChannelClass : channelClassFor(client);
            call = new UpstreamCall(pool, channelClass, client, request, onResponseHead, result);
        } catch (RuntimeException e) {
            request.request().release();
            result.complete(ForwardOutcome.failed(UpstreamFailure.CONNECT, 0, "cannot forward: " + e.getMessage()));
            return result;
        }
        EventLoop loop = client.eventLoop();
        if (loop.inEventLoop()) {
            call.start();
        } else {
            try {
                loop.execute(call::start);
            } catch (RejectedExecutionException e) {
                call.fail(UpstreamFailure.CONNECT, "the client's event loop is shut down");
            }
        }
        return result;
    }

    @Override
    public void close() {
        pool.close();
    }

    @SuppressWarnings("unchecked")
    static Class<? extends Channel> channelClassFor(Channel client) {
        // The accepted child channel's class is also a client channel class for the same transport
        // (NioSocketChannel, EpollSocketChannel, IoUringSocketChannel all have public no-arg constructors).
        return client instanceof SocketChannel ? client.getClass() : NioSocketChannel.class;
    }
}
