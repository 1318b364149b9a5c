package dev.authgate.observe;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@link AccessLogEntry} lines on the logger {@value #LOGGER_NAME} at INFO. The entry is the single argument
 * of the event, so a JSON layout can render the record's fields; the message is its text form.
 *
 * <p>Called on event loops: the shipped logback config puts this logger behind a {@link BatchingConsoleAppender}
 * (the JSON set-up of {@link AccessLogFormat} behind an {@code AsyncAppender}), each of which drops lines rather than
 * block when its queue is full.
 */
public final class AccessLog {
    public static final String LOGGER_NAME = "authgate.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    private AccessLog() {
    }

    public static void write(AccessLogEntry entry) {
        LOG.info("{}", entry);
    }

    /**
     * Until the returned handle is closed, access-log lines are formatted as usual and then dropped: the built-in
     * warm-up (cli/Warmup) drives requests through the real code, the access log included, and none of them may reach
     * the log. Without logback as the backend, nothing changes (the warm-up's lines are then written).
     */
    public static AutoCloseable discardLines() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext)) return () -> { };
        LoggerContext context = (LoggerContext) factory;
        ch.qos.logback.classic.Logger access = context.getLogger(LOGGER_NAME);
        List<Appender<ILoggingEvent>> saved = new ArrayList<>();
        access.iteratorForAppenders().forEachRemaining(saved::add);
        boolean additive = access.isAdditive();
        AppenderBase<ILoggingEvent> sink = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                event.getFormattedMessage(); // the formatting is part of the path being warmed
            }
        };
        sink.setContext(context);
        sink.setName("authgate-warmup-discard");
        sink.start();
        access.addAppender(sink);
        access.setAdditive(false);
        saved.forEach(access::detachAppender);
        return () -> {
            saved.forEach(access::addAppender);
            access.setAdditive(additive);
            access.detachAppender(sink);
            sink.stop();
        };
    }
}
