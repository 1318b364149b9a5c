package dev.authgate.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code SIGTERM} and {@code SIGINT} through {@code sun.misc.Signal} (module {@code jdk.unsupported}): the first runs
 * {@code onStop} on a new thread ({@code authgate-drain}); a second one while it runs calls {@code onSecond} (exit now).
 *
 * <p>Why not a shutdown hook: the JVM's own handler runs the hooks and then exits with 128 + 15 = 143 whatever they
 * do, and a hook cannot change that; a drain that ends with {@code exit 0} needs the signal itself. Where signals are
 * unavailable (Windows, {@code -Xrs}) installation fails with a warning and the caller falls back to a shutdown hook.
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /** @return whether both handlers are installed */
    static boolean install(Runnable onStop, Runnable onSecond) {
        AtomicBoolean stopping = new AtomicBoolean();
        // runs on the JVM's signal dispatch thread: hand off, never block it
        SignalHandler handler = signal -> {
            if (stopping.compareAndSet(false, true)) {
                LOG.info("SIG{} received", signal.getName());
                Thread t = new Thread(onStop, "authgate-drain");
                t.start();
            } else {
                onSecond.run();
            }
        };
        try {
            Signal.handle(new Signal("TERM"), handler);
            Signal.handle(new Signal("INT"), handler);
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LOG.warn("cannot handle SIGTERM/SIGINT on this platform ({}); stopping still drains, through a shutdown "
                    + "hook, but the exit code is the JVM's", e.toString());
            return false;
        }
    }
}
