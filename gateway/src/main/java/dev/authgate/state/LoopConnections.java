package dev.authgate.state;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.IOUringProvider;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Redis connection per gateway event loop, registered on that loop (standalone and Sentinel stores). A call made
 * on a gateway loop is written by that loop and its answer is read and completed there: no thread hand-off on the
 * way out nor on the way back, where Lettuce's own I/O threads would cost two per command (each an eventfd wake-up
 * and a context switch on a busy machine). Calls from any other thread, and calls while a loop's connection is
 * down, use the store's own connection.
 *
 * <p>Lettuce is given the loop as its whole "event loop group" ({@link OneLoop}); it never shuts it down. Before the
 * gateway stops its loops, {@link #close} stops handing out these connections, waits for the commands already sent
 * on them (bounded: each has a command timeout) and closes them, so a replay commit sent as the last response went
 * out is not cut off by the loop's shutdown.
 */
final class LoopConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoopConnections.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final List<Lane> lanes = new ArrayList<>();
    private final Duration commandTimeout;
    private volatile boolean closing;

    /** A loop's connection and the commands sent on it that have not completed yet. */
    static final class Lane {
        private final EventExecutor loop;
        private final RedisClient client;
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile StatefulRedisConnection<String, String> connection;

        private Lane(EventExecutor loop, RedisClient client) {
            this.loop = loop;
            this.client = client;
        }

        RedisAsyncCommands<String, String> commands() {
            return connection.async(); // set before the lane is handed out, never unset
        }

        /** The command sent on this lane completed. */
        void settled() {
            inFlight.decrementAndGet();
        }
    }

    private LoopConnections(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    /**
     * Whether Lettuce would make the same kind of channel as the gateway's loops run (epoll with epoll, NIO with NIO):
     * a channel of another transport cannot be registered on them.
     */
    static boolean supported() {
        return !IOUringProvider.isAvailable() && EpollProvider.isAvailable() == Epoll.isAvailable();
    }

    /** Starts one connection per loop of {@code loops}, in the background, retrying until it connects. */
    static LoopConnections open(EventLoopGroup loops, ClientResources shared, ClientOptions options, RedisURI uri,
                                Duration commandTimeout) {
        LoopConnections all = new LoopConnections(commandTimeout);
        for (EventExecutor loop : loops) {
            ClientResources resources = shared.mutate().eventLoopGroupProvider(new OneLoop((EventLoop) loop)).build();
            RedisClient client = RedisClient.create(resources);
            client.setOptions(options);
            Lane lane = new Lane(loop, client);
            all.lanes.add(lane);
            all.connect(lane, uri);
        }
        return all;
    }

    private void connect(Lane lane, RedisURI uri) {
        if (closing) return;
        lane.client.connectAsync(StringCodec.UTF8, uri).whenComplete((conn, error) -> {
            if (error != null) {
                if (!closing) lane.loop.schedule(() -> connect(lane, uri), RETRY.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            if (closing) {
                conn.closeAsync();
                return;
            }
            lane.connection = conn;
        });
    }

    /**
     * The calling thread's lane, counted as one more command in flight (the caller must call {@link Lane#settled}),
     * or null: not a gateway loop, its connection is not up, or this is closing.
     */
    Lane current() {
        if (closing) return null;
        for (Lane lane : lanes) {
            if (!lane.loop.inEventLoop()) continue;
            StatefulRedisConnection<String, String> c = lane.connection;
            if (c == null || !c.isOpen()) return null;
            lane.inFlight.incrementAndGet();
            if (closing) { // close() set closing, then may have read inFlight before this increment: back off
                lane.inFlight.decrementAndGet();
                return null;
            }
            return lane;
        }
        return null;
    }

    /** How many loops have their connection up (for tests). */
    int open() {
        int n = 0;
        for (Lane lane : lanes) {
            StatefulRedisConnection<String, String> c = lane.connection;
            if (c != null && c.isOpen()) n++;
        }
        return n;
    }

    /**
     * Stops handing out lanes, waits for their commands in flight (at most a command timeout and a second), then
     * closes the connections. Called before the loops shut down, on a thread that is not one of them.
     */
    @Override
    public void close() {
        closing = true;
        long deadline = System.nanoTime() + commandTimeout.plusSeconds(1).toNanos();
        for (Lane lane : lanes) {
            while (lane.inFlight.get() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (lane.inFlight.get() > 0) {
                LOG.warn("state store: {} command(s) still in flight on a loop's connection at shutdown",
                        lane.inFlight.get());
            }
        }
        // a client's shutdown closes its connection (closing that first as well makes Lettuce warn "already closed")
        List<CompletableFuture<Void>> shutdowns = new ArrayList<>();
        for (Lane lane : lanes) shutdowns.add(lane.client.shutdownAsync(0, 2, TimeUnit.SECONDS));
        try {
            CompletableFuture.allOf(shutdowns.toArray(CompletableFuture[]::new)).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("state store: the event loops' connections did not close cleanly ({})", e.toString());
        }
    }

    /**
     * A gateway loop as Lettuce's whole event loop group: every channel Lettuce makes (the connection and its
     * reconnects) is registered on it, and Lettuce's release and shutdown leave it running (the gateway owns it).
     */
    private record OneLoop(EventLoop loop) implements EventLoopGroupProvider {
        @Override
        @SuppressWarnings("unchecked")
        public <T extends EventLoopGroup> T allocate(Class<T> type) {
            return (T) loop;
        }

        @Override
        public int threadPoolSize() {
            return 1;
        }

        @Override
        public Future<Boolean> release(EventExecutorGroup group, long quiet, long timeout, TimeUnit unit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }

        @Override
        public Future<Boolean> shutdown(long quiet, long timeout, TimeUnit unit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }
    }
}
