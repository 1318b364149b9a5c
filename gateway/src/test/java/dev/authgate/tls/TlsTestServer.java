package dev.authgate.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal TLS echo server on 127.0.0.1, port 0: the {@link SslContext} under test, then an echo. Records each
 * handshake outcome so a test can prove a refusal happened on the server, not just in the client.
 */
final class TlsTestServer implements AutoCloseable {
    private final Channel channel;
    private final SslContext context;
    private final List<Channel> accepted = new CopyOnWriteArrayList<>();
    private final BlockingQueue<SslHandshakeCompletionEvent> handshakes = new LinkedBlockingQueue<>();

    private TlsTestServer(EventLoopGroup group, SslContext context) throws InterruptedException {
        this.context = context;
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        ch.pipeline().addLast(context.newHandler(ch.alloc()), new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    static TlsTestServer start(EventLoopGroup group, SslContext context) throws InterruptedException {
        return new TlsTestServer(group, context);
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The next handshake outcome seen by the server; fails the test if none arrives within 20 s. */
    SslHandshakeCompletionEvent nextHandshake() throws InterruptedException {
        SslHandshakeCompletionEvent e = handshakes.poll(20, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("the server saw no TLS handshake complete or fail within 20 s");
        }
        return e;
    }

    @Override
    public void close() throws InterruptedException {
        channel.close().sync();
        // A close queues the pipeline teardown, which frees the TLS engine, on the channel's loop: wait for it too.
        for (Channel ch : accepted) {
            ch.close().sync();
            ch.eventLoop().submit(() -> { }).sync();
        }
        ReferenceCountUtil.release(context); // the server owns the context it was started with
    }

    private final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent e) {
                handshakes.add(e);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);   // ownership of the buffer passes to the write
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();              // handshake failures land here too; the event above already recorded them
        }
    }
}
