package dev.authgate.proxy.upstream;

import io.netty.channel.Channel;

/**
 * One HTTP/1.1 connection to an upstream, held by one exchange at a time, or idle in its {@link UpstreamPool}.
 * Confined to its event loop: every method is called there. Internal to the proxy.
 */
public final class UpstreamConnection {

    private final Channel channel;
    private final UpstreamHandler handler;
    private final UpstreamPool.LoopPool pool;
    private final String key;
    private final int maxIdle;
    private boolean reused;
    // Pool bookkeeping, touched only by LoopPool on this connection's event loop.
    boolean inPool;
    long idleSince;

    UpstreamConnection(Channel channel, UpstreamHandler handler, UpstreamPool.LoopPool pool, String key, int maxIdle) {
        this.channel = channel;
        this.handler = handler;
        this.pool = pool;
        this.key = key;
        this.maxIdle = maxIdle;
    }

    public Channel channel() {
        return channel;
    }

    /** True when this connection served an earlier exchange (it came from the pool). */
    public boolean reused() {
        return reused;
    }

    String key() {
        return key;
    }

    /** Idle connections its upstream allows per event loop. */
    int maxIdle() {
        return maxIdle;
    }

    void markReused() {
        reused = true;
    }

    /** Sends this connection's events to {@code listener} until {@link #release} or {@link #close}. */
    public void attach(UpstreamListener listener) {
        UpstreamHeadGuard guard = channel.pipeline().get(UpstreamHeadGuard.class);
        if (guard != null) guard.expectHead();
        handler.listener(listener);
    }

    /**
     * Ends the exchange on this connection: back to the pool when {@code reusable} (a complete response that allows
     * keep-alive, the request fully written) and the connection is still open and the pool has room, else closed.
     */
    public void release(boolean reusable) {
        handler.listener(null);
        // An exchange may have paused reading for backpressure; an idle connection must read to notice a close.
        channel.config().setAutoRead(true);
        if (reusable && channel.isActive() && pool.offer(this)) return;
        channel.close();
    }

    /** Ends the exchange and closes the connection (failure, abandoned response). */
    public void close() {
        handler.listener(null);
        channel.close();
    }

    @Override
    public String toString() {
        return "UpstreamConnection[" + key + ", " + channel + "]";
    }
}
