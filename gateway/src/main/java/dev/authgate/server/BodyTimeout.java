package dev.authgate.server;

import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code limits.body_timeout} for the body being read on one connection: fires when no body byte came for that long.
 * One timer per body, re-armed for the remaining silence when it fires early (no timer per read). Confined to the
 * connection's event loop.
 */
final class BodyTimeout {
    private final EventExecutor loop;
    private ScheduledFuture<?> timer;
    private long lastBytesNanos;
    private long timeoutNanos;
    private Runnable onTimeout;

    BodyTimeout(EventExecutor loop) {
        this.loop = loop;
    }

    /** Starts timing a new body; {@code onTimeout} runs on the loop, at most once, unless {@link #cancel} ran. */
    void start(long timeoutNanos, Runnable onTimeout) {
        cancel();
        this.timeoutNanos = timeoutNanos;
        this.onTimeout = onTimeout;
        this.lastBytesNanos = System.nanoTime();
        timer = loop.schedule(this::fire, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Body bytes arrived: the silence starts again. */
    void bytesArrived() {
        lastBytesNanos = System.nanoTime();
    }

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void fire() {
        timer = null;
        long silent = System.nanoTime() - lastBytesNanos;
        if (silent < timeoutNanos) {
            timer = loop.schedule(this::fire, timeoutNanos - silent, TimeUnit.NANOSECONDS);
            return;
        }
        onTimeout.run();
    }
}
