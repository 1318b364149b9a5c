package dev.authgate.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The I/O transport: {@code epoll} when Netty's native Linux transport loaded (fewer syscalls and no selector garbage
 * per event), else {@code nio}. {@code -Dio.netty.transport.noNative=true} forces {@code nio}. Upstream connections
 * use the same transport: the proxy opens them with the accepted channel's class on its event loop.
 */
final class Transport {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    private Transport() {
    }

    static String name() {
        return Epoll.isAvailable() ? "epoll" : "nio";
    }

    /** @param threads 0 for Netty's default (twice the cores) */
    static EventLoopGroup eventLoops(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name), ioHandler());
    }

    static Class<? extends ServerChannel> serverChannel() {
        return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Logs the choice once the listener is bound, with why epoll did not load when it did not. */
    static void logChoice() {
        if (Epoll.isAvailable()) {
            LOG.info("transport: epoll");
        } else {
            LOG.info("transport: nio (native epoll unavailable: {})", String.valueOf(Epoll.unavailabilityCause()));
        }
    }

    private static IoHandlerFactory ioHandler() {
        return Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /**
     * A close queues the channel's pipeline teardown (which frees its TLS engine) as a task on its loop; a task
     * submitted now runs after it, so once each loop has run one, nothing is left for the shutdown to race with.
     */
    static void awaitTeardown(EventLoopGroup group) {
        if (group == null) return;
        for (EventExecutor loop : group) {
            try {
                loop.submit(() -> { }).awaitUninterruptibly(1, TimeUnit.SECONDS);
            } catch (RejectedExecutionException ignored) {
                // already shutting down: its own shutdown runs the remaining tasks
            }
        }
    }

    /** Shuts the groups down at once (no quiet period) and waits up to 5 s each for their threads; skips nulls. */
    static void shutdown(EventLoopGroup... groups) {
        for (EventLoopGroup g : groups) {
            if (g != null) g.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        for (EventLoopGroup g : groups) {
            if (g != null) g.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
