package dev.authgate.observe;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The logback examples in {@code config/} load without errors and keep the access log asynchronous. */
class LogbackConfigsTest {
    private static final Path CONFIG = Path.of(System.getProperty("authgate.projectRoot", ".."), "config");

    private static LoggerContext load(String file) throws JoranException {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(CONFIG.resolve(file).toFile());
        List<String> problems = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() >= Status.ERROR).map(Status::toString).collect(Collectors.toList());
        assertEquals(List.of(), problems, file);
        return context;
    }

    @ParameterizedTest
    @ValueSource(strings = {"logback.xml", "logback-json.xml"})
    void theAccessLogGoesThroughANonBlockingAppender(String file) throws JoranException {
        LoggerContext context = load(file);
        try {
            Appender<ILoggingEvent> access = context.getLogger(AccessLog.LOGGER_NAME).getAppender("ACCESS");
            if (access instanceof BatchingConsoleAppender) {
                return; // never blocks by construction: a bounded queue that drops (BatchingConsoleAppenderTest)
            }
            AsyncAppender async = assertInstanceOf(AsyncAppender.class, access);
            assertTrue(async.isNeverBlock(), file);
            assertEquals(0, async.getDiscardingThreshold(), file);
        } finally {
            context.stop();
        }
    }

    @Test
    void theJsonExampleUsesTheJsonEncoder() throws JoranException {
        LoggerContext context = load("logback-json.xml");
        try {
            AsyncAppender async = (AsyncAppender) context.getLogger(AccessLog.LOGGER_NAME).getAppender("ACCESS");
            ConsoleAppender<ILoggingEvent> console =
                    assertInstanceOf(ConsoleAppender.class, async.getAppender("ACCESS_JSON_STDOUT"));
            assertInstanceOf(AccessLogJsonEncoder.class, console.getEncoder());
        } finally {
            context.stop();
        }
    }
}
