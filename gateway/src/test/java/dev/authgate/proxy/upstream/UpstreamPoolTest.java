package dev.authgate.proxy.upstream;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-event-loop pool against a real listening socket. */
class UpstreamPoolTest {

    private EventLoopGroup group;
    private EventLoop loop;
    private Channel server;
    private ChannelGroup accepted;
    private UpstreamPool pool;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        loop = group.next();
        accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.add(ctx.channel());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void stop() {
        if (pool != null) pool.close();
        server.close().syncUninterruptibly();
        accepted.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void reusesAReleasedConnectionOnTheSameEventLoop() throws Exception {
        pool = new UpstreamPool();
        UpstreamConnection c = connect("127.0.0.1");
        assertFalse(c.reused());
        onLoop(() -> {
            c.release(true);
            return null;
        });
        UpstreamConnection again = onLoop(() -> pool.pollIdle(loop, "127.0.0.1", port()));
        assertSame(c, again);
        assertTrue(again.reused());
        EventLoop other = group.next();
        assertNull(other.submit(() -> pool.pollIdle(other, "127.0.0.1", port())).get(),
                "another event loop has its own pool");
    }

    @Test
    void closesInsteadOfPoolingAConnectionThatIsNotReusable() throws Exception {
        pool = new UpstreamPool();
        UpstreamConnection c = connect("127.0.0.1");
        onLoop(() -> {
            c.release(false);
            return null;
        });
        assertTrue(c.channel().closeFuture().await(10, TimeUnit.SECONDS));
        assertNull(onLoop(() -> pool.pollIdle(loop, "127.0.0.1", port())));
    }

    @Test
    void dropsAnIdleConnectionThatTheUpstreamClosed() throws Exception {
        pool = new UpstreamPool();
        UpstreamConnection c = connect("127.0.0.1");
        onLoop(() -> {
            c.release(true);
            return null;
        });
        // The upstream side registers its channel on its own loop; a close issued before that would close nothing.
        dev.authgate.testing.Await.until("the upstream to accept the connection", () -> !accepted.isEmpty());
        assertEquals(1, accepted.size(), "the upstream accepted the connection");
        accepted.close().sync();
        assertTrue(c.channel().closeFuture().await(10, TimeUnit.SECONDS), "an idle connection notices the close");
        assertNull(onLoop(() -> pool.pollIdle(loop, "127.0.0.1", port())));
    }

    @Test
    void closesIdleConnectionsAfterTheIdleTimeout() throws Exception {
        pool = new UpstreamPool(Duration.ofMillis(200), 8);
        UpstreamConnection c = connect("127.0.0.1");
        onLoop(() -> {
            c.release(true);
            return null;
        });
        assertTrue(c.channel().closeFuture().await(10, TimeUnit.SECONDS));
        assertNull(onLoop(() -> pool.pollIdle(loop, "127.0.0.1", port())));
    }

    @Test
    void keepsAtMostMaxIdlePerUpstreamAndClosesTheRest() throws Exception {
        pool = new UpstreamPool(Duration.ofSeconds(30), 1);
        UpstreamConnection first = connect("127.0.0.1");
        UpstreamConnection second = connect("127.0.0.1");
        onLoop(() -> {
            first.release(true);
            second.release(true);
            return null;
        });
        assertTrue(second.channel().closeFuture().await(10, TimeUnit.SECONDS));
        assertTrue(first.channel().isActive());
        assertSame(first, onLoop(() -> pool.pollIdle(loop, "127.0.0.1", port())));
    }

    @Test
    void theUpstreamsOwnCapWinsOverThePoolDefault() throws Exception {
        pool = new UpstreamPool(Duration.ofSeconds(30), 8);
        UpstreamConnection unpooled = pool.connect(loop, NioSocketChannel.class, "127.0.0.1", port(),
                Duration.ofSeconds(5), 0).get(10, TimeUnit.SECONDS);
        onLoop(() -> {
            unpooled.release(true);
            return null;
        });
        assertTrue(unpooled.channel().closeFuture().await(10, TimeUnit.SECONDS), "max_idle 0: closed after use");
        assertNull(onLoop(() -> pool.pollIdle(loop, "127.0.0.1", port())));
    }

    @Test
    void sweepsOnlyTheConnectionsIdleLongerThanTheTimeout() throws Exception {
        pool = new UpstreamPool(Duration.ofMillis(300), 8);
        UpstreamConnection old = connect("127.0.0.1");
        UpstreamConnection fresh = connect("127.0.0.1");
        onLoop(() -> {
            old.release(true);
            return null;
        });
        assertTrue(old.channel().closeFuture().await(10, TimeUnit.SECONDS), "idle past the timeout: closed");
        onLoop(() -> {
            fresh.release(true);
            return null;
        });
        assertSame(fresh, onLoop(() -> pool.pollIdle(loop, "127.0.0.1", port())), "just released: still pooled");
    }

    @Test
    void closeClosesIdleConnectionsAndStopsPooling() throws Exception {
        pool = new UpstreamPool();
        UpstreamConnection idle = connect("127.0.0.1");
        UpstreamConnection inUse = connect("127.0.0.1");
        onLoop(() -> {
            idle.release(true);
            return null;
        });
        pool.close();
        assertTrue(idle.channel().closeFuture().await(10, TimeUnit.SECONDS));
        onLoop(() -> {
            inUse.release(true);
            return null;
        });
        assertTrue(inUse.channel().closeFuture().await(10, TimeUnit.SECONDS));
    }

    @Test
    void resolvesHostNamesAndReportsUnknownOnes() throws Exception {
        pool = new UpstreamPool();
        UpstreamConnection c = connect("localhost");
        assertTrue(c.channel().isActive());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> pool.connect(loop, NioSocketChannel.class, "no-such-host.invalid", port(), Duration.ofSeconds(5))
                        .get(60, TimeUnit.SECONDS));
        assertInstanceOf(UnknownHostException.class, e.getCause());
    }

    private UpstreamConnection connect(String host) throws Exception {
        return pool.connect(loop, NioSocketChannel.class, host, port(), Duration.ofSeconds(5))
                .get(10, TimeUnit.SECONDS);
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    private int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }
}
