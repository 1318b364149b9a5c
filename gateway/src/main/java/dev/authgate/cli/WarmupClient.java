package dev.authgate.cli;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in warm-up's load: a few keep-alive TLS connections, each sending the next request of a fixed list as soon
 * as the previous answer arrived (a closed loop), until a deadline. Netty on one NIO thread, so that the client costs
 * little next to the gateway it drives.
 */
final class WarmupClient {
    /** One request of the mix. */
    record Call(HttpMethod method, String path, Map<String, String> headers, byte[] body) {
    }

    private WarmupClient() {
    }

    /** Runs the mix over {@code connections} connections until {@code budget} has passed; returns the answers. */
    static long run(InetSocketAddress server, X509Certificate trusted, List<Call> calls, int connections,
                    Duration budget) throws SSLException, InterruptedException {
        SslContext tls = SslContextBuilder.forClient().trustManager(trusted).build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        AtomicLong answered = new AtomicLong();
        CountDownLatch closed = new CountDownLatch(connections);
        long deadline = System.nanoTime() + budget.toNanos();
        try {
            Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), server.getHostString(), server.getPort()),
                                    new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                    new Loop(calls, deadline, answered));
                        }
                    });
            for (int i = 0; i < connections; i++) connect(b, server, deadline, closed);
            closed.await(budget.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            return answered.get();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** One connection slot: a connection that closes before the deadline (a 401 may close it) is replaced. */
    private static void connect(Bootstrap b, InetSocketAddress server, long deadline, CountDownLatch closed) {
        b.connect(server).addListener((io.netty.channel.ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                closed.countDown();
                return;
            }
            f.channel().closeFuture().addListener(c -> {
                if (System.nanoTime() - deadline < 0) {
                    connect(b, server, deadline, closed);
                } else {
                    closed.countDown();
                }
            });
        });
    }

    /** Sends request i, and on its answer request i + 1 (from a per-connection offset), until the deadline. */
    private static final class Loop extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final List<Call> calls;
        private final long deadline;
        private final AtomicLong answered;
        private int next;

        Loop(List<Call> calls, long deadline, AtomicLong answered) {
            this.calls = calls;
            this.deadline = deadline;
            this.answered = answered;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            next = (int) (System.nanoTime() & 0xff); // connections start at different places of the mix
            send(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            answered.incrementAndGet();
            if (System.nanoTime() - deadline < 0) {
                send(ctx);
            } else {
                ctx.close();
            }
        }

        private void send(ChannelHandlerContext ctx) {
            Call call = calls.get(next++ % calls.size());
            FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, call.method(), call.path(),
                    Unpooled.wrappedBuffer(call.body()));
            r.headers().set(HttpHeaderNames.HOST, "localhost");
            if (call.body().length > 0) r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, call.body().length);
            call.headers().forEach(r.headers()::set);
            ctx.writeAndFlush(r);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a warm-up connection that fails just ends early
        }
    }
}
