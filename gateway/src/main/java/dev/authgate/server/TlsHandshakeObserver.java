package dev.authgate.server;

import dev.authgate.observe.Metrics;
import dev.authgate.observe.TlsFailureCause;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a failed client TLS handshake in {@code authgate_tls_handshake_failures_total{cause}}
 * ({@link TlsFailureCause#classify}). It sits before the {@link SslHandler} to see whether the client sent anything
 * at all: a connection that closes without a byte (a load balancer's TCP probe, a port scan) is not a failed
 * handshake. It removes itself once the handshake is decided.
 */
final class TlsHandshakeObserver extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeObserver.class);

    private final SslHandler ssl;
    private final Metrics metrics;
    private boolean sawBytes;

    TlsHandshakeObserver(SslHandler ssl, Metrics metrics) {
        this.ssl = ssl;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // The future completes on the channel's event loop, as this handler's callbacks do.
        ssl.handshakeFuture().addListener(f -> {
            if (!f.isSuccess() && sawBytes) {
                String cause = TlsFailureCause.classify(f.cause());
                metrics.tlsHandshakeFailed(cause);
                LOG.debug("TLS handshake with {} failed ({}): {}", ctx.channel().remoteAddress(), cause,
                        f.cause().toString());
            }
            if (ctx.pipeline().context(this) != null) ctx.pipeline().remove(this);
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) sawBytes = true;
        ctx.fireChannelRead(msg);
    }
}
