package dev.authgate.state;

import dev.authgate.config.StateConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.IOUringProvider;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce's settings for a request path (its defaults queue commands while disconnected, without bound, and find a
 * dead peer in minutes): what {@link RedisStateStore} builds its clients with. docs/configuration.md and NOTES
 * ("Shared state through Redis") give the reasons in full.
 */
final class LettuceSettings {
    /** Commands waiting for an answer on the connection, at most; one more fails at once instead of queueing. */
    static final int REQUEST_QUEUE = 4096;
    static final Duration RETRY_MIN = Duration.ofMillis(100);
    static final Duration RETRY_MAX = Duration.ofSeconds(5);
    private static final Duration KEEPALIVE_IDLE = Duration.ofSeconds(5);
    private static final Duration USER_TIMEOUT = Duration.ofSeconds(10);
    /** Flushes held back at most, when a turn of the loop writes more commands than that. */
    private static final int FLUSH_AFTER = 256;

    private LettuceSettings() {
    }

    /**
     * Two I/O threads, one computation thread, the command timer given (Lettuce's default wheel ticks every 100 ms),
     * reconnects with full-jitter back-off 100 ms to 5 s, and writes flushed once per turn of the event loop.
     */
    static ClientResources resources(Timer timer) {
        return ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(1)
                .timer(timer)
                .reconnectDelay(Delay.fullJitter(RETRY_MIN, RETRY_MAX, 2, TimeUnit.MILLISECONDS))
                .nettyCustomizer(new FlushOncePerTurn())
                .build();
    }

    /**
     * Rejects commands while disconnected (no queue of stale work), bounds the queue, times every command out after
     * {@code command_timeout}, bounds a connection attempt by {@code connect_timeout}, and finds a silently dead peer
     * in seconds (TCP keepalive; TCP_USER_TIMEOUT where a native transport offers it: Lettuce refuses to connect when
     * asked for it on NIO).
     */
    static ClientOptions options(StateConfig.RedisConfig config) {
        SocketOptions.Builder socket = SocketOptions.builder()
                .connectTimeout(config.connectTimeout())
                .keepAlive(SocketOptions.KeepAliveOptions.builder().enable().idle(KEEPALIVE_IDLE)
                        .interval(Duration.ofSeconds(1)).count(3).build());
        if (EpollProvider.isAvailable() || IOUringProvider.isAvailable()) {
            socket.tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder().enable().tcpUserTimeout(USER_TIMEOUT)
                    .build());
        }
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE)
                .socketOptions(socket.build())
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                .build();
    }

    /**
     * {@code options} for a Cluster. Per-node connections open lazily at a node's first command, so rejecting commands
     * while a node connection is not up yet would refuse that first command; they are accepted instead: queued
     * commands still fail after {@code command_timeout}, the queue is bounded and the breaker stops a pile-up. The
     * slot map is refreshed on MOVED, ASK and reconnects, and every 30 s.
     */
    static ClusterClientOptions clusterOptions(ClientOptions options) {
        return ClusterClientOptions.builder(options)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(30)).build())
                .build();
    }

    /**
     * Netty's flush consolidation on every Redis channel: a command written outside a read of that channel is flushed
     * by a task at the end of the loop's current turn, with the others written in that turn. Under load one write (and
     * one read on Redis's side) carries several claims and commits; measured, it halves redis-server's CPU per
     * delivery (docs/performance.md). Alone there is nothing to wait for: the task runs in the same turn.
     */
    private static final class FlushOncePerTurn implements NettyCustomizer {
        @Override
        public void afterChannelInitialized(Channel channel) {
            channel.pipeline().addFirst("flush-once-per-turn", new FlushConsolidationHandler(FLUSH_AFTER, true));
        }
    }
}
