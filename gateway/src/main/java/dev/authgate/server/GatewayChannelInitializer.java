package dev.authgate.server;

import dev.authgate.config.LimitsConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.tls.ServerTls;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client-facing pipeline; {@link PipelineNames} has the diagram. Limits are those of the runtime current when
 * the connection is accepted. A connection over {@code limits.max_connections} is closed at once, before its TLS
 * handshake.
 */
final class GatewayChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayChannelInitializer.class);
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ServerContext server;
    private final ChannelGroup channels;
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong lastRefusalLog = new AtomicLong(System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS);

    GatewayChannelInitializer(ServerContext server, ChannelGroup channels) {
        this.server = server;
        this.channels = channels;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        LimitsConfig limits = server.runtime().limits();
        if (channels.size() >= limits.maxConnections()) {
            // Closed before a byte is read: the connections already open keep being served.
            refused(limits.maxConnections());
            ch.close();
            return;
        }
        channels.add(ch);
        Metrics metrics = server.metrics();
        metrics.connectionOpened();
        ch.closeFuture().addListener(f -> metrics.connectionClosed());
        ChannelPipeline p = ch.pipeline();
        addTls(p, ch, limits);
        HeaderTimeoutHandler headTimeout = addHeaderTimeout(p, limits);
        addHttpCodec(p, limits);
        addIdleTimeout(p, limits);
        addRequestHandling(p, headTimeout);
    }

    private void addTls(ChannelPipeline p, SocketChannel ch, LimitsConfig limits) {
        ServerTls tls = server.tls();
        if (tls != null) {
            SslHandler ssl = tls.context().newHandler(ch.alloc());
            // The handshake is the first part of getting a request head: header_timeout bounds it too (Netty's
            // default would be a fixed 10 s).
            ssl.setHandshakeTimeoutMillis(Math.max(1, limits.headerTimeout().toMillis()));
            p.addLast(PipelineNames.TLS_OBSERVER, new TlsHandshakeObserver(ssl, server.metrics()));
            p.addLast(PipelineNames.TLS, ssl);
        }
    }

    /** Logs refusals at most every 10 s, with how many there were. */
    private void refused(int max) {
        long n = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastRefusalLog.get();
        if (now - last >= REFUSAL_LOG_INTERVAL_NANOS && lastRefusalLog.compareAndSet(last, now)) {
            refusedSinceLog.addAndGet(-n);
            LOG.warn("limits.max_connections ({}) reached: closed {} new connection(s) at accept", max, n);
        }
    }

    private static HeaderTimeoutHandler addHeaderTimeout(ChannelPipeline p, LimitsConfig limits) {
        HeaderTimeoutHandler h = new HeaderTimeoutHandler(limits.headerTimeout().toNanos());
        p.addLast(PipelineNames.HEAD_TIMEOUT, h);
        return h;
    }

    private static void addHttpCodec(ChannelPipeline p, LimitsConfig limits) {
        p.addLast(PipelineNames.HTTP_CODEC, new GatewayHttpCodec(StrictRequestDecoder.config(limits)));
    }

    private static void addIdleTimeout(ChannelPipeline p, LimitsConfig limits) {
        p.addLast(PipelineNames.IDLE, new IdleStateHandler(0, 0, limits.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
    }

    private void addRequestHandling(ChannelPipeline p, HeaderTimeoutHandler headTimeout) {
        p.addLast(PipelineNames.REQUEST, new ClientConnectionHandler(server, headTimeout));
    }
}
