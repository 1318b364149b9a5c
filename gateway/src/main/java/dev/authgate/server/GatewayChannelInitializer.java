package dev.authgate.server;

import dev.authgate.config.LimitsConfig;
import dev.authgate.tls.ServerTls;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * The client-facing pipeline; {@link PipelineNames} has the diagram. Limits are those of the runtime current when
 * the connection is accepted.
 */
final class GatewayChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final ServerContext server;
    private final ChannelGroup channels;

    GatewayChannelInitializer(ServerContext server, ChannelGroup channels) {
        this.server = server;
        this.channels = channels;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        LimitsConfig limits = server.runtime().limits();
        ChannelPipeline p = ch.pipeline();
        addTls(p, ch);
        HeaderTimeoutHandler headTimeout = addHeaderTimeout(p, limits);
        addHttpCodec(p, limits);
        addIdleTimeout(p, limits);
        addRequestHandling(p, headTimeout);
    }

    private void addTls(ChannelPipeline p, SocketChannel ch) {
        ServerTls tls = server.tls();
        if (tls != null) {
            p.addLast(PipelineNames.TLS, tls.context().newHandler(ch.alloc()));
        }
    }

    private static HeaderTimeoutHandler addHeaderTimeout(ChannelPipeline p, LimitsConfig limits) {
        HeaderTimeoutHandler h = new HeaderTimeoutHandler(limits.headerTimeout().toNanos());
        p.addLast(PipelineNames.HEAD_TIMEOUT, h);
        return h;
    }

    private static void addHttpCodec(ChannelPipeline p, LimitsConfig limits) {
        p.addLast(PipelineNames.HTTP_CODEC, new GatewayHttpCodec(RequestGate.decoderConfig(limits)));
    }

    private static void addIdleTimeout(ChannelPipeline p, LimitsConfig limits) {
        p.addLast(PipelineNames.IDLE, new IdleStateHandler(0, 0, limits.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
    }

    private void addRequestHandling(ChannelPipeline p, HeaderTimeoutHandler headTimeout) {
        p.addLast(PipelineNames.REQUEST, new RequestHandler(server, headTimeout));
    }
}
