package dev.authgate.observe;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code authgate run --log-format json}: re-points the access logger ({@value AccessLog#LOGGER_NAME}) at standard
 * output through an {@link AsyncAppender} (queue 8192, never blocking, lines dropped rather than wait when full, as
 * the built-in text set-up) whose console appender uses {@link AccessLogEntry}'s JSON form
 * ({@link AccessLogJsonEncoder}). Everything else (start-up banner, warnings) stays text on standard error.
 *
 * <p>When the operator chose a logback file ({@code -Dlogback.configurationFile=...}), that file decides the format:
 * nothing is changed and a warning says so ({@code config/logback-json.xml} shows the encoder in a file).
 */
public final class AccessLogFormat {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLogFormat.class);
    static final String APPENDER = "ACCESS";
    static final int QUEUE_SIZE = 8192;

    private AccessLogFormat() {
    }

    /**
     * Switches the access log to JSON lines on standard output. Call once at start-up, before traffic.
     *
     * @return false (with a warning) when a logback configuration file is in charge or logback is not the backend
     */
    public static boolean useJson() {
        if (System.getProperty("logback.configurationFile") != null) {
            LOG.warn("--log-format json: ignored, the logback file {} decides the access-log format (see "
                    + "config/logback-json.xml for the JSON encoder)", System.getProperty("logback.configurationFile"));
            return false;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext)) {
            LOG.warn("--log-format json: ignored, logback is not the logging backend");
            return false;
        }
        LoggerContext context = (LoggerContext) factory;
        ch.qos.logback.classic.Logger access = context.getLogger(AccessLog.LOGGER_NAME);

        AccessLogJsonEncoder encoder = new AccessLogJsonEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setName("ACCESS_JSON_STDOUT");
        console.setContext(context);
        console.setTarget("System.out");
        console.setEncoder(encoder);
        console.start();
        AsyncAppender async = new AsyncAppender();
        async.setName(APPENDER);
        async.setContext(context);
        async.setQueueSize(QUEUE_SIZE);
        async.setDiscardingThreshold(0);  // keep INFO lines until the queue is full
        async.setNeverBlock(true);        // an event loop never waits for the console
        async.setIncludeCallerData(false);
        async.addAppender(console);
        async.start();

        Appender<ILoggingEvent> old = access.getAppender(APPENDER);
        access.addAppender(async);
        access.setAdditive(false);
        if (old != null && old != async) {
            access.detachAppender(old);
            old.stop();
        }
        return true;
    }
}
