package dev.authgate.proxy;

import dev.authgate.auth.AuthResult;
import dev.authgate.config.UpstreamConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain-HTTP client side for the forwarder, standing in for the gateway's request handler: aggregates the request,
 * builds a {@link ForwardRequest} from the settings below, calls the forwarder, and answers 502/504 itself (text,
 * {@code Server: authgate}) when the forwarder wrote nothing. Reading from the client pauses while a request is
 * forwarded, as the real handler does. Every outcome is recorded.
 */
final class ForwardingHarness implements AutoCloseable {

    static final String GATEWAY_NAME = "authgate-test";

    volatile UpstreamConfig upstream;
    volatile AuthResult.Accepted auth = AuthResult.Accepted.of("bearer", "ci-bot", "token matched", "Authorization");
    volatile boolean hideCredentials;
    final LinkedBlockingQueue<ForwardOutcome> outcomes = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<String> requestIds = new LinkedBlockingQueue<>();

    private final Forwarder forwarder;
    private final EventLoopGroup group;
    private final Channel server;
    private final AtomicInteger ids = new AtomicInteger();

    ForwardingHarness(Forwarder forwarder, int threads) throws InterruptedException {
        this.forwarder = forwarder;
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("test-gateway", true),
                NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 * 1024 * 1024),
                                new Handler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    static UpstreamConfig upstream(int port, String path, Duration responseTimeout) {
        return new UpstreamConfig("test", URI.create("http://127.0.0.1:" + port + path), Duration.ofSeconds(2),
                responseTimeout);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    ForwardOutcome takeOutcome() throws InterruptedException {
        ForwardOutcome o = outcomes.poll(15, TimeUnit.SECONDS);
        if (o == null) throw new AssertionError("the forwarder did not complete");
        return o;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpRequest)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            FullHttpRequest req = (FullHttpRequest) msg;
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            String requestId = "rid-" + ids.incrementAndGet();
            requestIds.add(requestId);
            String clientIp = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
            Channel ch = ctx.channel();
            ch.config().setAutoRead(false);
            ForwardRequest fr = new ForwardRequest(req, upstream, requestId, GATEWAY_NAME, clientIp, "http", auth,
                    hideCredentials, !keepAlive);
            forwarder.forward(ch, fr).whenComplete((outcome, error) -> {
                if (error != null) outcome = new ForwardOutcome(false, 0, 0, 0, null, "exceptional: " + error);
                outcomes.add(outcome);
                if (!outcome.responseWritten()) {
                    int status = outcome.reason() == null ? 500 : outcome.reason().status();
                    String body = (outcome.reason() == null ? "none" : outcome.reason().code()) + "\n";
                    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.valueOf(status),
                            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
                    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                            .set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes())
                            .set(HttpHeaderNames.SERVER, "authgate")
                            .set("x-request-id", requestId);
                    if (!keepAlive) r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    if (keepAlive) {
                        ch.writeAndFlush(r);
                    } else {
                        ch.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
                    }
                } else if (!keepAlive) {
                    // closeAfter: the forwarder sent Connection: close; closing is the caller's job.
                    ch.close();
                }
                if (keepAlive) ch.config().setAutoRead(true);
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
