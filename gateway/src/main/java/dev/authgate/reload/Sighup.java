package dev.authgate.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The {@code SIGHUP} hook through {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every OpenJDK
 * build). Every failure mode (no such signal on Windows, signal reserved with {@code -Xrs}, class missing) degrades to
 * "not installed" with a warning rather than an error.
 */
final class Sighup {
    private static final Logger log = LoggerFactory.getLogger(Sighup.class);

    private final Runnable onSignal;
    private SignalHandler previous;
    private boolean installed;

    Sighup(Runnable onSignal) {
        this.onSignal = onSignal;
    }

    synchronized boolean install() {
        if (installed) {
            return true;
        }
        try {
            // runs on a JVM signal-dispatch thread: only hand off, never block
            previous = Signal.handle(new Signal("HUP"), s -> onSignal.run());
            installed = true;
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.warn("SIGHUP reload is unavailable on this platform ({}); config file changes still reload",
                    e.toString());
            return false;
        }
    }

    synchronized void restore() {
        if (!installed) {
            return;
        }
        try {
            Signal.handle(new Signal("HUP"), previous);
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.debug("restoring the SIGHUP handler: {}", e.toString());
        }
        installed = false;
    }
}
