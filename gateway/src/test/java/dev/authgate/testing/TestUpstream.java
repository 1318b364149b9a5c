package dev.authgate.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one fake upstream of the tests: a real server on 127.0.0.1 (port 0 unless given) that counts connections and
 * requests. Two ways to run it:
 * <ul>
 *   <li>{@link #start()}: an HTTP/1.1 server that records every request (method, uri, headers, body, which
 *       connection; {@link #takeRequest()}) and answers with {@link #answer}: by default 200 with a small JSON body
 *       naming the method and path. A {@link Reply} is a whole response, {@link Reply#hanging()} (never answers, for
 *       504s), {@link Reply#closing()} (closes without answering, for 502s) or {@link Reply#raw} (bytes written past
 *       the codec, exactly as given: cut bodies, resets, interim responses).
 *   <li>{@link #scripted(Script)}: a plain socket server that runs a {@link Script} on each accepted connection,
 *       one thread each, reading and writing bytes exactly (garbled heads, early answers, reads left undone).
 * </ul>
 * {@link #close()} closes the listener and every connection.
 */
public final class TestUpstream implements AutoCloseable {
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger received = new AtomicInteger();
    private final BlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private volatile Function<Recorded, Reply> answer = r -> Reply.json(200,
            "{\"method\":\"" + r.method() + "\",\"uri\":\"" + r.uri() + "\"}");
    // the HTTP engine
    private final EventLoopGroup group;
    private final Channel channel;
    // the scripted engine
    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile Script script;

    private TestUpstream(int port) {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-upstream", true),
                NioIoHandler.newFactory());
        try {
            channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_SNDBUF, 64 * 1024)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            int id = connections.incrementAndGet();
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024 * 1024),
                                    new Handler(id));
                        }
                    })
                    .bind("127.0.0.1", port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        listener = null;
    }

    private TestUpstream(Script script) throws IOException {
        this.script = script;
        this.group = null;
        this.channel = null;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "test-upstream-accept");
        t.setDaemon(true);
        t.start();
    }

    /** A recording HTTP upstream on an ephemeral port. */
    public static TestUpstream start() {
        return new TestUpstream(0);
    }

    /**
     * A recording HTTP upstream on a given port: to bring an upstream back on the port it had (start one, record
     * {@link #port()}, close it, then start again on that port). Fails if something else took the port meanwhile.
     */
    public static TestUpstream start(int port) {
        return new TestUpstream(port);
    }

    /** A socket upstream that runs {@code script} on each accepted connection. */
    public static TestUpstream scripted(Script script) {
        try {
            return new TestUpstream(script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener != null ? listener.getLocalPort() : ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** How the HTTP upstream answers from now on. */
    public TestUpstream answer(Function<Recorded, Reply> reply) {
        this.answer = reply;
        return this;
    }

    /** The script for connections the scripted upstream accepts from now on. */
    public void script(Script next) {
        this.script = next;
    }

    /** The next request received, waiting up to 15 s; fails when none arrives. */
    public Recorded takeRequest() {
        try {
            Recorded r = requests.poll(15, TimeUnit.SECONDS);
            if (r == null) throw new AssertionError("the upstream received no request within 15 s");
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

    /** Request heads read by a script's {@link Conn#readHead()} so far, in order. */
    public List<String> heads() {
        return List.copyOf(heads);
    }

    /** Stops listening and closes every connection (the port then refuses). */
    @Override
    public void close() {
        if (listener == null) {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            return;
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing a test server
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a test server
            }
        }
    }

    /** {@code n} pseudo-random bytes, the same for the same seed. */
    public static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Lower-case hex SHA-256. */
    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A request as the upstream received it.
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

        public int length() {
            return body.length;
        }

        public String sha256() {
            return TestUpstream.sha256(body);
        }
    }

    /** An answer: a whole response, or {@code hangs}, {@code closes}, or {@code raw} (then the rest is unused). */
    public record Reply(int status, Map<String, String> headers, byte[] body, boolean hangs, boolean closes,
                        Consumer<Raw> raw) {
        public static Reply json(int status, String json) {
            return new Reply(status, Map.of("Content-Type", "application/json"),
                    json.getBytes(StandardCharsets.UTF_8), false, false, null);
        }

        public static Reply of(int status, Map<String, String> headers, byte[] body) {
            return new Reply(status, headers, body, false, false, null);
        }

        /** Never answers (the connection stays open). */
        public static Reply hanging() {
            return new Reply(0, Map.of(), new byte[0], true, false, null);
        }

        /** Closes the connection without answering. */
        public static Reply closing() {
            return new Reply(0, Map.of(), new byte[0], false, true, null);
        }

        /** Writes whatever {@code writer} writes, past the HTTP codec, exactly as given. */
        public static Reply raw(Consumer<Raw> writer) {
            return new Reply(0, Map.of(), new byte[0], false, false, writer);
        }
    }

    /** The connection of a {@link Reply#raw} answer: bytes go straight to the socket. */
    public static final class Raw {
        private final ChannelHandlerContext ctx;

        Raw(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        public ChannelFuture write(String text) {
            return write(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        }

        /** Writes and flushes {@code buf} (released by the write). */
        public ChannelFuture write(ByteBuf buf) {
            return ctx.pipeline().firstContext().writeAndFlush(buf);
        }

        /** Writes without flushing (follow with a {@link #write} or {@link #flush}). */
        public ChannelFuture queue(ByteBuf buf) {
            return ctx.pipeline().firstContext().write(buf);
        }

        public ChannelFuture flush() {
            return write(Unpooled.EMPTY_BUFFER);
        }

        public void close() {
            ctx.close();
        }

        /** Closes with a TCP reset (SO_LINGER 0). */
        public void reset() {
            ((SocketChannel) ctx.channel()).config().setSoLinger(0);
            ctx.close();
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
            // The answer is chosen before the request is visible, so a test that took it sees what it set up.
            Reply reply = answer.apply(r);
            received.incrementAndGet();
            requests.add(r);
            if (reply.hangs()) return;
            if (reply.closes()) {
                ctx.close();
                return;
            }
            if (reply.raw() != null) {
                reply.raw().accept(new Raw(ctx));
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

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** What a scripted upstream does with one accepted connection. */
    @FunctionalInterface
    public interface Script {
        void run(Conn conn) throws IOException;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                connections.incrementAndGet();
                open.add(s);
                Script current = script;
                Thread t = new Thread(() -> {
                    try (s) {
                        current.run(new Conn(s));
                    } catch (IOException ignored) {
                        // the gateway went away: nothing to report
                    }
                }, "test-upstream-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One connection accepted by a scripted upstream. */
    public final class Conn {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Reads a request head up to its empty line; null when the connection ends first. */
        public String readHead() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                b.write(c);
                byte[] sofar = b.toByteArray();
                int n = sofar.length;
                if (n >= 4 && sofar[n - 4] == '\r' && sofar[n - 3] == '\n' && sofar[n - 2] == '\r'
                        && sofar[n - 1] == '\n') {
                    String head = b.toString(StandardCharsets.ISO_8859_1);
                    heads.add(head);
                    received.incrementAndGet();
                    return head;
                }
            }
            return null;
        }

        /** The Content-Length of a head read by {@link #readHead}, or 0. */
        public int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return Integer.parseInt(line.substring(15).trim());
                }
            }
            return 0;
        }

        /** Reads and drops {@code n} body bytes. */
        public void skipBody(int n) throws IOException {
            in.readNBytes(n);
        }

        public void write(String text) throws IOException {
            write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Reads until the gateway closes (or {@code millis} pass). */
        public void awaitClose(int millis) throws IOException {
            socket.setSoTimeout(millis);
            try {
                while (in.read() >= 0) {
                    // drain
                }
            } catch (IOException ignored) {
                // timeout or reset: either way, done
            }
        }

        public Socket socket() {
            return socket;
        }
    }
}
