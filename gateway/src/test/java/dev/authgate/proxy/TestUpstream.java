package dev.authgate.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real upstream on port 0 that records what it receives (method, uri, headers, body SHA-256 and length, which
 * connection) and answers per the request's {@code X-Test-Mode} header. Responses are written as raw bytes so a test
 * controls framing exactly:
 * <ul>
 *   <li>(none): 200 {@code ok} with Content-Length
 *   <li>{@code hang}: never answers; {@code close}: closes without answering; {@code reset}: RST without answering
 *   <li>{@code mid-body}: 200 with Content-Length 100000, 1000 bytes, then close
 *   <li>{@code stall}: 200 with Content-Length 100, 10 bytes, then silence
 *   <li>{@code chunked:N}: N pseudo-random bytes in 32 KiB chunks, {@code X-Body-Sha256} header
 *   <li>{@code close-delimited:N}: N pseudo-random bytes without length, then close
 *   <li>{@code pattern:N}: N bytes with Content-Length (a repeated block; {@link #lastResponseFlushed} completes when
 *       the whole response was handed to the kernel)
 *   <li>{@code head}: a HEAD answer with Content-Length 1234; {@code early-hints}: 103 then 200
 *   <li>{@code headers}: a response with hop-by-hop headers, Via and an X-Request-Id of its own
 *   <li>{@code conn-close}: 200 with {@code Connection: close}, then close
 * </ul>
 */
final class TestUpstream implements AutoCloseable {

    record Received(int connection, String method, String uri, HttpHeaders headers, String sha256, int length) {
    }

    final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    volatile CompletableFuture<Void> lastResponseFlushed = new CompletableFuture<>();

    private final EventLoopGroup group;
    private final Channel server;

    TestUpstream() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-upstream", true),
                NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.SO_SNDBUF, 64 * 1024)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int id = connections.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(),
                                new HttpObjectAggregator(64 * 1024 * 1024),
                                new Handler(id));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    Received take() throws InterruptedException {
        Received r = received.poll(10, TimeUnit.SECONDS);
        if (r == null) throw new AssertionError("the upstream received no request");
        return r;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final int connection;

        Handler(int connection) {
            this.connection = connection;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            byte[] body = ByteBufUtil.getBytes(req.content());
            String mode = req.headers().get("x-test-mode", "");
            // Replaced before the request is visible in `received`, so a test that took it sees this one.
            if (mode.startsWith("pattern:")) lastResponseFlushed = new CompletableFuture<>();
            requests.incrementAndGet();
            received.add(new Received(connection, req.method().name(), req.uri(), req.headers().copy(),
                    sha256(body), body.length));
            String arg = mode.contains(":") ? mode.substring(mode.indexOf(':') + 1) : "";
            switch (mode.contains(":") ? mode.substring(0, mode.indexOf(':')) : mode) {
                case "hang":
                    break;
                case "close":
                    ctx.close();
                    break;
                case "reset":
                    ((SocketChannel) ctx.channel()).config().setSoLinger(0);
                    ctx.close();
                    break;
                case "mid-body":
                    raw(ctx, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
                    raw(ctx, Unpooled.wrappedBuffer(new byte[1000])).addListener(f -> ctx.close());
                    break;
                case "stall":
                    raw(ctx, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
                    break;
                case "chunked": {
                    byte[] data = randomBytes(Integer.parseInt(arg), 42);
                    raw(ctx, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Body-Sha256: " + sha256(data)
                            + "\r\n\r\n");
                    for (int off = 0; off < data.length; off += 32 * 1024) {
                        int len = Math.min(32 * 1024, data.length - off);
                        raw(ctx, Integer.toHexString(len) + "\r\n");
                        raw(ctx, Unpooled.wrappedBuffer(data, off, len));
                        raw(ctx, "\r\n");
                    }
                    raw(ctx, "0\r\n\r\n");
                    break;
                }
                case "close-delimited": {
                    byte[] data = randomBytes(Integer.parseInt(arg), 7);
                    raw(ctx, "HTTP/1.1 200 OK\r\nConnection: close\r\nX-Body-Sha256: " + sha256(data) + "\r\n\r\n");
                    raw(ctx, Unpooled.wrappedBuffer(data)).addListener(f -> ctx.close());
                    break;
                }
                case "pattern": {
                    int n = Integer.parseInt(arg);
                    CompletableFuture<Void> flushed = lastResponseFlushed;
                    raw(ctx, "HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n");
                    ByteBuf block = Unpooled.wrappedBuffer(randomBytes(64 * 1024, 3));
                    for (int off = 0; off < n; off += block.capacity()) {
                        int len = Math.min(block.capacity(), n - off);
                        ctx.pipeline().firstContext().write(block.retainedSlice(0, len));
                    }
                    block.release();
                    ctx.pipeline().firstContext().writeAndFlush(Unpooled.EMPTY_BUFFER)
                            .addListener(f -> flushed.complete(null));
                    break;
                }
                case "head":
                    raw(ctx, "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: text/plain\r\n\r\n");
                    break;
                case "early-hints":
                    raw(ctx, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                            + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal");
                    break;
                case "headers":
                    raw(ctx, "HTTP/1.1 201 Created\r\nContent-Length: 2\r\nConnection: X-Hop-Secret\r\n"
                            + "X-Hop-Secret: s3cr3t\r\nKeep-Alive: timeout=5\r\nProxy-Authenticate: Basic realm=x\r\n"
                            + "Upgrade: h2c\r\nVia: 1.0 upstream-cache\r\nX-Request-Id: upstream-made\r\n"
                            + "X-App: kept\r\n\r\nok");
                    break;
                case "conn-close":
                    raw(ctx, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                            .addListener(f -> ctx.close());
                    break;
                default:
                    raw(ctx, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                            + "X-Upstream-Connection: " + connection + "\r\n\r\nok");
            }
        }

        /** Writes raw bytes past the codec (from the first handler's context straight to the socket). */
        private io.netty.channel.ChannelFuture raw(ChannelHandlerContext ctx, String s) {
            return raw(ctx, Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1));
        }

        private io.netty.channel.ChannelFuture raw(ChannelHandlerContext ctx, ByteBuf buf) {
            return ctx.pipeline().firstContext().writeAndFlush(buf);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Reads a whole stream (test helper). */
    static byte[] readAll(java.io.InputStream in) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
