package dev.authgate.auth;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor for {@link AuthSupport#hashing()}: where bcrypt runs, so it never runs on a Netty event loop.
 *
 * <p>{@link #bcrypt()} is a fixed pool of one thread per core (bcrypt is CPU-bound; more threads only add
 * contention) named {@code authgate-bcrypt-N}, daemon (they never hold the JVM up), with a bounded queue of
 * {@value #QUEUE_PER_THREAD} tasks per thread. When the queue is full the task is refused: the authenticator's
 * stage completes exceptionally with a {@link RejectedExecutionException} and the server answers
 * <b>503</b> (test with {@link #isOverload}) instead of queueing requests for longer than clients wait. The owner
 * (the server) shuts the pool down when it stops.
 */
public final class HashingExecutors {
    /** Queue slots per thread: at cost 12 (~0.25 s a hash) a full queue is drained in about 8 s. */
    public static final int QUEUE_PER_THREAD = 32;

    private HashingExecutors() {
    }

    /** One thread per available core, {@value #QUEUE_PER_THREAD} queued tasks per thread. */
    public static ThreadPoolExecutor bcrypt() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        return bcrypt(threads, threads * QUEUE_PER_THREAD);
    }

    /**
     * A pool of {@code threads} threads with room for {@code queueCapacity} waiting tasks; more are refused with a
     * {@link RejectedExecutionException}.
     */
    public static ThreadPoolExecutor bcrypt(int threads, int queueCapacity) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 1)");
        }
        return new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), new Named("authgate-bcrypt-"),
                (task, pool) -> {
                    throw new RejectedExecutionException(pool.isShutdown()
                            ? "password hashing pool is shut down"
                            : "password hashing pool is saturated (" + pool.getQueue().size() + " queued, "
                            + pool.getMaximumPoolSize() + " threads)");
                });
    }

    /**
     * True when an authenticator's stage failed because the hashing pool refused the work (answer 503, not 500).
     * Unwraps {@link CompletionException} and {@link ExecutionException}.
     */
    public static boolean isOverload(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof RejectedExecutionException;
    }

    private static final class Named implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger next = new AtomicInteger(1);

        Named(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + next.getAndIncrement());
            t.setDaemon(true);
            return t;
        }
    }
}
