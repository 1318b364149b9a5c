package dev.authgate.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Captures one logger's events (level and formatted message) with a logback {@link ListAppender}. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String name) {
        logger = (Logger) LoggerFactory.getLogger(name);
        appender.start();
        logger.addAppender(appender);
    }

    public static LogCapture attach(Class<?> type) {
        return new LogCapture(type.getName());
    }

    /** Every logger under {@code name}, e.g. {@code "io.lettuce"} or {@code "dev.authgate"}. */
    public static LogCapture attach(String name) {
        return new LogCapture(name);
    }

    /** {@code LEVEL message} lines so far, e.g. {@code WARN listen.address: changed ...}. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        synchronized (appender) {
            for (ILoggingEvent e : appender.list) lines.add(e.getLevel() + " " + e.getFormattedMessage());
        }
        return lines;
    }

    /** Lines at {@code level}. */
    public List<String> lines(Level level) {
        List<String> lines = new ArrayList<>();
        for (String l : lines()) {
            if (l.startsWith(level + " ")) lines.add(l.substring(level.toString().length() + 1));
        }
        return lines;
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
