package dev.authgate.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/** Executors and a clock for watching what authenticators hand to {@link AuthSupport#hashing()}. */
public final class TestExecutors {
    private TestExecutors() {
    }

    /** Counts submissions and records the name of the thread each task ran on. */
    public static final class Counting implements Executor {
        public final AtomicInteger submissions = new AtomicInteger();
        public final List<String> threads = new CopyOnWriteArrayList<>();
        private final Executor delegate;

        public Counting(Executor delegate) {
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable task) {
            submissions.incrementAndGet();
            delegate.execute(() -> {
                threads.add(Thread.currentThread().getName());
                task.run();
            });
        }
    }

    /** Holds tasks until {@link #runAll()}: proves that nothing runs inline on the caller's thread. */
    public static final class Holding implements Executor {
        private final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            held.add(task);
        }

        public int size() {
            return held.size();
        }

        public void runAll() {
            List<Runnable> tasks = new ArrayList<>(held);
            held.clear();
            tasks.forEach(Runnable::run);
        }
    }
}
