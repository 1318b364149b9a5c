package dev.authgate.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.Appender;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchingConsoleAppenderTest {

    private static Logger logger(LoggerContext ctx, BatchingConsoleAppender appender, PrintStream out, int queueSize) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%msg%n");
        encoder.start();
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.setQueueSize(queueSize);
        appender.useStream(out);
        appender.start();
        Logger log = ctx.getLogger("authgate.access");
        log.setAdditive(false);
        log.addAppender(appender);
        return log;
    }

    @Test
    void writesEveryLineFromSeveralThreadsInEachThreadsOrder() throws InterruptedException {
        LoggerContext ctx = new LoggerContext();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        BatchingConsoleAppender appender = new BatchingConsoleAppender();
        Logger log = logger(ctx, appender, new PrintStream(sink, true, StandardCharsets.UTF_8), 100_000);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                for (int i = 0; i < 5_000; i++) log.info("t{} line {}", id, i);
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        appender.stop(); // writes what is still queued

        String[] lines = sink.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(10_000, lines.length);
        int[] next = new int[2];
        for (String line : lines) {
            int t = line.charAt(1) - '0';
            assertEquals("t" + t + " line " + next[t], line);
            next[t]++;
        }
    }

    @Test
    void dropsLinesRatherThanBlockWhenTheOutputIsStuck() throws InterruptedException {
        LoggerContext ctx = new LoggerContext();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                blocked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (written) {
                    written.write(b, off, len);
                }
            }
        };
        BatchingConsoleAppender appender = new BatchingConsoleAppender();
        Logger log = logger(ctx, appender, new PrintStream(stuck, true, StandardCharsets.UTF_8), 4);
        log.info("first");
        assertTrue(blocked.await(10, TimeUnit.SECONDS), "the writer took \"first\" and is blocked writing it");
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) log.info("line {}", i);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMs < 5_000, "logging waited on the stuck output for " + tookMs + " ms");
        release.countDown();
        appender.stop();
        String out;
        synchronized (written) {
            out = written.toString(StandardCharsets.UTF_8);
        }
        assertTrue(out.startsWith("first\n"), out);
        // first, then what the queue (4 lines) held while the output was stuck; the rest was dropped
        String[] lines = out.split("\n");
        assertTrue(lines.length >= 5 && lines.length < 101, lines.length + " lines: " + out);
        for (int i = 1; i < lines.length; i++) assertTrue(lines[i].startsWith("line "), lines[i]);
    }

    @Test
    void theBuiltInLogbackConfigSendsTheAccessLogThroughIt() throws Exception {
        assertAccessAppenderStarts(BatchingConsoleAppenderTest.class.getResource("/logback.xml"));
    }

    @Test
    void theOperatorsExampleLogbackConfigSendsTheAccessLogThroughIt() throws Exception {
        Path example = Path.of("..", "config", "logback.xml");
        assertTrue(Files.isRegularFile(example), example.toAbsolutePath().toString());
        assertAccessAppenderStarts(example.toUri().toURL());
    }

    private static void assertAccessAppenderStarts(URL config) throws Exception {
        LoggerContext ctx = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(ctx);
        configurator.doConfigure(config);
        Appender<?> access = ctx.getLogger(AccessLog.LOGGER_NAME).getAppender("ACCESS");
        assertInstanceOf(BatchingConsoleAppender.class, access);
        assertTrue(access.isStarted(), "the ACCESS appender did not start: " + ctx.getStatusManager().getCopyOfStatusList());
        ctx.stop();
    }
}
