package dev.authgate.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
}
