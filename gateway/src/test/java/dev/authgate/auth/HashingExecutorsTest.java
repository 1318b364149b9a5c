package dev.authgate.auth;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HashingExecutorsTest {

    @Test
    void sizesTheDefaultPoolByCoresWithABoundedQueue() {
        ThreadPoolExecutor pool = HashingExecutors.bcrypt();
        try {
            int cores = Runtime.getRuntime().availableProcessors();
            assertEquals(cores, pool.getCorePoolSize());
            assertEquals(cores, pool.getMaximumPoolSize());
            assertEquals(cores * HashingExecutors.QUEUE_PER_THREAD, pool.getQueue().remainingCapacity());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void runsOnNamedDaemonThreads() throws Exception {
        ThreadPoolExecutor pool = HashingExecutors.bcrypt(2, 4);
        try {
            Thread t = CompletableFuture.supplyAsync(Thread::currentThread, pool).get(30, TimeUnit.SECONDS);
            assertTrue(t.getName().matches("authgate-bcrypt-\\d+"), t.getName());
            assertTrue(t.isDaemon());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void refusesWorkWhenTheQueueIsFullAndSaysSo() throws Exception {
        ThreadPoolExecutor pool = HashingExecutors.bcrypt(1, 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        try {
            pool.execute(() -> {
                started.countDown();
                await(release);
            });
            assertTrue(started.await(30, TimeUnit.SECONDS));
            pool.execute(() -> await(release));
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
            assertEquals("password hashing pool is saturated (1 queued, 1 threads)", e.getMessage());
        } finally {
            release.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
        RejectedExecutionException closed = assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
        assertEquals("password hashing pool is shut down", closed.getMessage());
    }

    @Test
    void recognisesOverloadThroughWrappers() {
        RejectedExecutionException r = new RejectedExecutionException("full");
        assertTrue(HashingExecutors.isOverload(r));
        assertTrue(HashingExecutors.isOverload(new CompletionException(r)));
        assertTrue(HashingExecutors.isOverload(new ExecutionException(new CompletionException(r))));
        assertFalse(HashingExecutors.isOverload(new CompletionException(new IllegalStateException())));
        assertFalse(HashingExecutors.isOverload(new IllegalStateException()));
    }

    @Test
    void refusesNonsensicalSizes() {
        assertThrows(IllegalArgumentException.class, () -> HashingExecutors.bcrypt(0, 1));
        assertThrows(IllegalArgumentException.class, () -> HashingExecutors.bcrypt(1, 0));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
