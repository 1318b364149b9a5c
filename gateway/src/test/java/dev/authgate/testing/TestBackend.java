package dev.authgate.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real upstream for end-to-end tests: an HTTP/1.1 server on 127.0.0.1, port 0. It records every request (method,
 * uri, headers, body bytes, which connection) and answers with {@link #answer}: by default 200 with a small JSON body
 * naming the method and path. {@link Reply#hanging()} never answers (for 504s), {@link Reply#closing()} closes without
 * answering (for 502s). It counts accepted connections, so tests can check keep-alive reuse.
 */
public final class TestBackend implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger received = new AtomicInteger();
    private volatile Function<Recorded, Reply> answer = r -> Reply.json(200,
            "{\"method\":\"" + r.method() + "\",\"uri\":\"" + r.uri() + "\"}");
    private final Channel channel;

    private TestBackend(int port) {
        Channel bound;
        try {
            bound = bind(port);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        channel = bound;
    }

    private Channel bind(int port) {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int id = connections.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024 * 1024),
                                new Handler(id));
                    }
                })
                .bind("127.0.0.1", port).syncUninterruptibly().channel();
    }

    public static TestBackend start() {
        return new TestBackend(0);
    }

    /**
     * A backend on a given port: to bring an upstream back on the port it had (start one, record {@link #port()},
     * close it, then start again on that port). Fails if something else took the port meanwhile.
     */
    public static TestBackend start(int port) {
        return new TestBackend(port);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** How the backend answers from now on. */
    public TestBackend answer(Function<Recorded, Reply> reply) {
        this.answer = reply;
        return this;
    }

    /** The next request received, waiting up to 15 s; fails when none arrives. */
    public Recorded takeRequest() {
        try {
            Recorded r = requests.poll(15, TimeUnit.SECONDS);
            if (r == null) throw new AssertionError("the backend received no request within 15 s");
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Requests received and not taken yet. */
    public int pendingRequests() {
        return requests.size();
    }

    /** Requests received so far, taken or not (hostile-input tests assert that it does not move). */
    public int requestCount() {
        return received.get();
    }

    /** Connections accepted so far. */
    public int connectionCount() {
        return connections.get();
    }

    /** Stops listening and closes every connection (the port then refuses). */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * A request as the backend received it.
     *
     * @param connection which accepted connection carried it (1, 2, ...)
     */
    public record Recorded(String method, String uri, HttpHeaders headers, byte[] body, int connection) {
        public String header(String name) {
            return headers.get(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer; {@code status} 0 with {@code hangs} or {@code closes} for the failure modes. */
    public record Reply(int status, Map<String, String> headers, byte[] body, boolean hangs, boolean closes) {
        public static Reply json(int status, String json) {
            return new Reply(status, Map.of("Content-Type", "application/json"),
                    json.getBytes(StandardCharsets.UTF_8), false, false);
        }

        public static Reply of(int status, Map<String, String> headers, byte[] body) {
            return new Reply(status, headers, body, false, false);
        }

        /** Never answers (the connection stays open). */
        public static Reply hanging() {
            return new Reply(0, Map.of(), new byte[0], true, false);
        }

        /** Closes the connection without answering. */
        public static Reply closing() {
            return new Reply(0, Map.of(), new byte[0], false, true);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final int connection;

        Handler(int connection) {
            this.connection = connection;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            Recorded r = new Recorded(req.method().name(), req.uri(), req.headers().copy(),
                    ByteBufUtil.getBytes(req.content()), connection);
            received.incrementAndGet();
            requests.add(r);
            Reply reply = answer.apply(r);
            if (reply.hangs()) return;
            if (reply.closes()) {
                ctx.close();
                return;
            }
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
            reply.headers().forEach((k, v) -> res.headers().set(k, v));
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(res, keepAlive);
            var f = ctx.writeAndFlush(res);
            if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
