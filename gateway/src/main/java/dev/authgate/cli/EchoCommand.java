package dev.authgate.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code authgate echo --listen HOST:PORT}: a request-inspector upstream for the demo and for debugging a route.
 *
 * <p>Every request is answered {@code 200 application/json} with what arrived: {@code method}, {@code uri},
 * {@code path}, {@code query} (the raw query string, null when the URI has no {@code ?}), {@code protocol},
 * {@code client} (the socket peer), {@code headers} (every header in arrival order with its name as sent, as
 * {@code [name, value]} pairs, so duplicates and case survive), {@code body_size} and {@code body_sha256} (hex).
 * A HEAD request gets the same headers without a body. Bodies up to 16 MiB are accepted (larger: 413), heads up to
 * 64 KiB; connections are kept alive as HTTP/1.1 allows.
 *
 * <p>Built on Netty rather than the JDK's {@code com.sun.net.httpserver}: that server folds header names to
 * {@code Xxx-yyy} and groups them in a map, which hides exactly what an inspector must show (the case, order and
 * duplicates the gateway forwarded); Netty keeps them, and it is already the gateway's transport.
 *
 * <p>Prints {@code echo listening on HOST:PORT} on standard output once bound (port 0 binds an ephemeral port) and
 * one line per request on standard error ({@code --quiet} turns that off). The line names the method, path (never the
 * query string, which may carry a credential), status and body size.
 */
@Command(mixinStandardHelpOptions = true, name = "echo", description = "Start a request-inspector upstream: answers 200 with the request as JSON "
        + "(method, path, query, headers, body size and SHA-256).")
public final class EchoCommand implements Callable<Integer> {
    /** The largest body accepted (larger: 413). Generous, so it never hides a gateway limit. */
    public static final int MAX_BODY = 16 * 1024 * 1024;
    private static final int MAX_HEAD = 64 * 1024;
    private static final JsonFactory JSON = new JsonFactory();
    /** The request's headers as they came off the wire, before the aggregator rewrites chunked/Expect framing. */
    private static final AttributeKey<HttpHeaders> RECEIVED_HEADERS = AttributeKey.valueOf("authgate.echo.received");

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:3000",
            description = "address to listen on; port 0 picks a free port (default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--quiet", description = "do not log requests to standard error")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        InetSocketAddress address;
        try {
            address = parseListen(listen);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
        }
        ExecutorService logger = quiet ? null : stderrLogger();
        Running running;
        try {
            running = start(address, logger == null ? line -> { } : line -> logger.execute(() -> System.err.println(line)));
        } catch (IOException e) {
            System.err.println("echo: cannot listen on " + hostPort(address) + ": " + e.getMessage());
            return 1;
        }
        System.out.println("echo listening on " + hostPort(running.address()));
        System.out.flush();
        running.channel.closeFuture().sync();
        return 0;
    }

    /**
     * Binds an echo server (used by {@code echo} and usable as a test upstream).
     *
     * @param address where to listen; port 0 binds an ephemeral port, see {@link Running#address()}
     * @param log     receives one line per request; called on an event loop, so it must not block
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public static Running start(InetSocketAddress address, Consumer<String> log) throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(MAX_HEAD)
                                        .setMaxHeaderSize(MAX_HEAD)))
                                .addLast("keepAlive", new HttpServerKeepAliveHandler())
                                .addLast("snapshot", HeaderSnapshotHandler.INSTANCE)
                                .addLast("aggregator", new HttpObjectAggregator(MAX_BODY))
                                .addLast("echo", new EchoHandler(log));
                    }
                });
        ChannelFuture bind = bootstrap.bind(address).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            Throwable cause = bind.cause();
            if (cause instanceof IOException) throw (IOException) cause;
            throw new IOException(String.valueOf(cause.getMessage()), cause);
        }
        return new Running(bind.channel(), group);
    }

    /** A bound echo server; {@link #close()} stops it and its threads. */
    public static final class Running implements AutoCloseable {
        private final Channel channel;
        private final EventLoopGroup group;

        private Running(Channel channel, EventLoopGroup group) {
            this.channel = channel;
            this.group = group;
        }

        /** The bound address (with the real port when 0 was asked for). */
        public InetSocketAddress address() {
            return (InetSocketAddress) channel.localAddress();
        }

        @Override
        public void close() {
            channel.close().awaitUninterruptibly();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    /** Parses {@code HOST:PORT} or {@code [IPv6]:PORT}. */
    static InetSocketAddress parseListen(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("'" + value + "' (expected: HOST:PORT, e.g. 127.0.0.1:3000)");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "': port is not a number (expected: HOST:PORT)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + value + "': port " + port + " (expected: 0-65535)");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) throw new IllegalArgumentException("'" + value + "': unknown host " + host);
        return address;
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        if (address.getAddress() instanceof Inet6Address) host = "[" + host + "]";
        return host + ":" + address.getPort();
    }

    /** Writes log lines off the event loop; drops lines rather than queue without bound if stderr stalls. */
    private static ExecutorService stderrLogger() {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "echo-log");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    /** Keeps a copy of each request's headers as received; the aggregator drops Transfer-Encoding and Expect. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class HeaderSnapshotHandler extends ChannelInboundHandlerAdapter {
        static final HeaderSnapshotHandler INSTANCE = new HeaderSnapshotHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                ctx.channel().attr(RECEIVED_HEADERS).set(((HttpRequest) msg).headers().copy());
            }
            ctx.fireChannelRead(msg);
        }
    }

    private static final class EchoHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Consumer<String> log;

        EchoHandler(Consumer<String> log) {
            this.log = log;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (request.decoderResult().isFailure()) {
                FullHttpResponse bad = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                        Unpooled.EMPTY_BUFFER);
                bad.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(bad).addListener(ChannelFutureListener.CLOSE);
                log.accept("echo: 400 malformed request from " + ctx.channel().remoteAddress());
                return;
            }
            HttpHeaders received = ctx.channel().attr(RECEIVED_HEADERS).getAndSet(null);
            byte[] json = describe(request, received != null ? received : request.headers(),
                    (InetSocketAddress) ctx.channel().remoteAddress());
            boolean head = HttpMethod.HEAD.equals(request.method());
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(json));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CONTENT_LENGTH, json.length);
            log.accept("echo: " + request.method() + " " + pathOf(request.uri()) + " 200 body="
                    + request.content().readableBytes() + "B");
            // HttpServerKeepAliveHandler adds Connection: close and closes when the request asked for it.
            ctx.writeAndFlush(response);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset by the peer or a broken request: nothing to answer, so drop the connection.
            log.accept("echo: connection from " + ctx.channel().remoteAddress() + " failed: " + cause.getMessage());
            ctx.close();
        }
    }

    static byte[] describe(FullHttpRequest request, HttpHeaders headers, InetSocketAddress client) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        ByteBuf body = request.content();
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + 64 * headers.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("method", request.method().name());
            g.writeStringField("uri", uri);
            g.writeStringField("path", q < 0 ? uri : uri.substring(0, q));
            if (q < 0) g.writeNullField("query");
            else g.writeStringField("query", uri.substring(q + 1));
            g.writeStringField("protocol", request.protocolVersion().text());
            g.writeStringField("client", client == null ? null : hostPort(client));
            g.writeArrayFieldStart("headers");
            for (Map.Entry<String, String> h : headers) {
                g.writeStartArray();
                g.writeString(h.getKey());
                g.writeString(h.getValue());
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeNumberField("body_size", body.readableBytes());
            g.writeStringField("body_sha256", sha256Hex(body));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static String sha256Hex(ByteBuf body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // nioBuffers() are views: hashing them neither copies the body nor moves its reader index.
            for (ByteBuffer b : body.nioBuffers()) sha.update(b);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }
}
