package dev.authgate.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authgate.auth.AuthSupport;
import dev.authgate.config.LimitsConfig;
import dev.authgate.server.GatewayRuntime;
import dev.authgate.server.RequestGate;
import dev.authgate.testing.TestConfigs;
import io.netty.handler.codec.http.HttpRequest;

import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the raw-request reader that {@code authgate explain} uses on captured requests, then the head decisions on
 * what it read. The documented outcomes are a request (possibly with a decoding problem) or {@link
 * CapturedRequest.Unusable}; anything else is a finding. The read body is always released (leak detection runs at
 * paranoid level in tests).
 */
class CapturedRequestFuzzTest {
    private static final LimitsConfig LIMITS = new LimitsConfig(4096, 2048, java.time.Duration.ofSeconds(10),
            java.time.Duration.ofSeconds(60), null, java.util.List.of());
    private static final RequestGate GATE = GatewayRuntime.create(TestConfigs.gateway().maxBody(4096)
            .maxHeaderBytes(2048).route(TestConfigs.respondPrefix("all", "/", TestConfigs.none())).build(),
            new AuthSupport(Runnable::run, Clock.systemUTC())).gate();

    @FuzzTest
    void readsAnyCaptureIntoARequestOrUnusable(byte[] capture) {
        CapturedRequest c;
        try {
            c = CapturedRequest.read(capture, LIMITS);
        } catch (CapturedRequest.Unusable e) {
            assertNotNull(e.getMessage());
            return;
        } catch (RuntimeException | StackOverflowError e) {
            fail("undocumented " + e.getClass().getName(), e);
            return;
        }
        try (c) {
            assertNotNull(c.notes());
            HttpRequest head = c.head();
            if (head != null && c.headFailure() == null) {
                RequestGate.HeadDecision d = GATE.decideHead(head.protocolVersion(), head.method().name(),
                        head.uri(), head.headers());
                assertNotNull(d.target());
            }
            assertTrue(c.body().readableBytes() >= 0);
        }
    }
}
