package dev.authgate.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** How a client connection ends when the gateway ends it. */
final class Closing {
    private Closing() {
    }

    /**
     * Shuts the output (after a TLS close_notify) so the client sees the end of the last response, then reads and
     * drops what it still sends for {@code lingerMillis} before closing: closing a socket with unread input makes the
     * kernel send a reset, which can destroy the response in the client's buffers before the client reads it
     * (nginx's lingering close). The caller drops every message that still arrives.
     */
    static void lingerAndClose(ChannelHandlerContext ctx, long lingerMillis) {
        Channel ch = ctx.channel();
        if (!ch.isActive()) return;
        Runnable shutdownOutput = () -> {
            if (ch instanceof DuplexChannel) {
                ((DuplexChannel) ch).shutdownOutput();
            } else {
                ch.close();
            }
        };
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl != null) {
            ssl.closeOutbound().addListener(f -> shutdownOutput.run());
        } else {
            shutdownOutput.run();
        }
        ch.config().setAutoRead(true);
        ctx.executor().schedule(() -> ch.close(), lingerMillis, TimeUnit.MILLISECONDS);
    }

    /** Resets, TLS handshake failures, plaintext on the TLS port: the client's doing, not worth a warning. */
    static boolean isPeerProblem(Throwable cause) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        return t instanceof IOException; // SSLException is an IOException
    }
}
