package dev.authgate.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.authgate.observe.AccessLog;
import dev.authgate.testing.AccessLogCapture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in warm-up ({@link Warmup}) for real: a throw-away gateway over TLS on a loopback port, its upstream and
 * its client, for one second. It must serve requests (the log line says how many), write none of them to the access
 * log, and give the access log back as it found it.
 */
class WarmupTest {

    @Test
    void servesRequestsWritesNoAccessLogLineAndRestoresTheAccessLog() {
        Logger app = (Logger) LoggerFactory.getLogger("authgate");
        ListAppender<ILoggingEvent> appLog = new ListAppender<>();
        appLog.start();
        app.addAppender(appLog);
        try (AccessLogCapture access = AccessLogCapture.attach()) {
            Warmup.run(Duration.ofSeconds(1));

            List<String> lines = appLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            String summary = lines.stream().filter(l -> l.startsWith("warm-up: ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no warm-up summary in " + lines));
            Matcher m = Pattern.compile("warm-up: (\\d+) requests in (\\d+) ms").matcher(summary);
            assertTrue(m.find(), summary);
            assertTrue(Long.parseLong(m.group(1)) > 0, summary);
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("warm-up ended early")), lines::toString);
            assertEquals(List.of(), access.lines(), "warm-up requests must not reach the access log");

            LoggerFactory.getLogger(AccessLog.LOGGER_NAME).info("after the warm-up");
            assertEquals(List.of("after the warm-up"), access.lines(), "the access log's appenders are back");
        } finally {
            app.detachAppender(appLog);
        }
    }

    @Test
    void zeroTurnsItOff() {
        Logger app = (Logger) LoggerFactory.getLogger("authgate");
        ListAppender<ILoggingEvent> appLog = new ListAppender<>();
        appLog.start();
        app.addAppender(appLog);
        try {
            Warmup.run(Duration.ZERO);
            assertTrue(appLog.list.isEmpty(), () -> appLog.list.toString());
        } finally {
            app.detachAppender(appLog);
        }
    }
}
