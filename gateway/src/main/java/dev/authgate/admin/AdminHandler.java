package dev.authgate.admin;

import dev.authgate.config.GatewayConfig;
import dev.authgate.observe.Metrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Answers {@code /healthz}, {@code /readyz}, {@code /metrics} and the rejections explorer ({@link RejectionsEndpoints})
 * (see {@link AdminServer}). Stateless, shared.
 */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private static final String TEXT = "text/plain; charset=utf-8";

    private final Metrics metrics;
    private final BooleanSupplier ready;
    private final RejectionsEndpoints rejections;
    private final AdminToken token;
    private final Supplier<String> status;

    AdminHandler(Metrics metrics, BooleanSupplier ready, Clock clock, AdminToken token, Supplier<String> status,
                 Supplier<GatewayConfig> config) {
        this.metrics = metrics;
        this.ready = ready;
        this.rejections = new RejectionsEndpoints(metrics, clock, config);
        this.token = token;
        this.status = status;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            send(ctx, text(ctx, HttpResponseStatus.BAD_REQUEST, "bad request\n"), false, false);
            return;
        }
        boolean head = HttpMethod.HEAD.equals(request.method());
        String path = path(request.uri());
        FullHttpResponse response;
        if (!token.allows(path, request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            response = text(ctx, HttpResponseStatus.UNAUTHORIZED, "admin token required\n");
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, AdminToken.CHALLENGE);
        } else if (!path.equals("/healthz") && !path.equals("/readyz") && !path.equals("/metrics")
                && !RejectionsEndpoints.serves(path)) {
            response = text(ctx, HttpResponseStatus.NOT_FOUND, "not found\n");
        } else if (RejectionsEndpoints.verifyId(path) != null) {
            if (HttpMethod.POST.equals(request.method())) {
                response = verify(ctx, path);
            } else {
                response = text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
                response.headers().set(HttpHeaderNames.ALLOW, "POST");
            }
        } else if (!head && !HttpMethod.GET.equals(request.method())) {
            response = text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        } else if (path.equals("/healthz")) {
            response = text(ctx, HttpResponseStatus.OK, "ok\n");
        } else if (path.equals("/readyz")) {
            response = isReady()
                    ? text(ctx, HttpResponseStatus.OK, "ready\n" + status.get())
                    : text(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n");
        } else if (path.equals("/metrics")) {
            response = metrics(ctx);
        } else {
            response = rejections(ctx, path, request.uri());
        }
        send(ctx, response, keepAlive, head);
    }

    private boolean isReady() {
        try {
            return ready.getAsBoolean();
        } catch (RuntimeException e) {
            log.warn("readiness check failed, answering 503: {}", e.toString());
            return false;
        }
    }

    private FullHttpResponse metrics(ChannelHandlerContext ctx) {
        ByteBuf body = ctx.alloc().buffer(16 * 1024);
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            metrics.scrape(out);
        } catch (IOException | RuntimeException e) {
            body.release();
            log.warn("metrics scrape failed: {}", e.toString());
            return text(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed\n");
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, Metrics.CONTENT_TYPE);
        return response;
    }

    private FullHttpResponse rejections(ChannelHandlerContext ctx, String path, String uri) {
        try {
            return rejections.answer(ctx.alloc(), path, uri);
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", path, e.toString());
            return text(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "failed\n");
        }
    }

    private FullHttpResponse verify(ChannelHandlerContext ctx, String path) {
        try {
            return rejections.verify(ctx.alloc(), path);
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", path, e.toString());
            return text(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "failed\n");
        }
    }

    private static FullHttpResponse text(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
        return text(ctx.alloc(), status, body);
    }

    static FullHttpResponse text(ByteBufAllocator alloc, HttpResponseStatus status, String body) {
        ByteBuf content = ByteBufUtil.writeUtf8(alloc, body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT);
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive, boolean head) {
        response.headers()
                .set(HttpHeaderNames.SERVER, "authgate")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (head) {
            response.content().clear();   // keep Content-Length of the GET, send no body
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String path(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
