package dev.authgate.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.authgate.observe.AccessLog;
import dev.authgate.observe.AccessLogEntry;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Captures the access log (logger {@code authgate.access}) with a logback {@link ListAppender}. Lines are written
 * after the response is flushed, so a test that just read a response waits for its line with {@link #await}.
 */
public final class AccessLogCapture implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private AccessLogCapture() {
        appender.start();
        logger.addAppender(appender);
    }

    public static AccessLogCapture attach() {
        return new AccessLogCapture();
    }

    /** The text lines so far. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        synchronized (appender) {
            for (ILoggingEvent e : appender.list) lines.add(e.getFormattedMessage());
        }
        return lines;
    }

    /** The entries so far. */
    public List<AccessLogEntry> entries() {
        List<AccessLogEntry> entries = new ArrayList<>();
        synchronized (appender) {
            for (ILoggingEvent e : appender.list) entries.add((AccessLogEntry) e.getArgumentArray()[0]);
        }
        return entries;
    }

    /** The entry for {@code requestId}, waiting up to 15 s for it. */
    public AccessLogEntry await(String requestId) {
        try {
            return Await.value("the access-log line for request_id " + requestId, () -> {
                for (AccessLogEntry e : entries()) {
                    if (e.requestId().equals(requestId)) return e;
                }
                return null;
            });
        } catch (AssertionError e) {
            throw new AssertionError("no access-log line for request_id " + requestId + " in " + lines(), e);
        }
    }

    /** Waits until {@code count} lines were written (up to 15 s) and returns all entries. */
    public List<AccessLogEntry> awaitCount(int count) {
        try {
            return Await.value(count + " access-log lines", () -> {
                List<AccessLogEntry> entries = entries();
                return entries.size() >= count ? entries : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError("expected " + count + " access-log lines, got " + lines(), e);
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
