package dev.authgate.limits;

import dev.authgate.config.LimitsConfig.AuthFailuresConfig;
import dev.authgate.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthFailureThrottleTest {
    private final MutableClock ticker = new MutableClock();

    private AuthFailureThrottle throttle(int max, Duration window) {
        return new AuthFailureThrottle(new AuthFailuresConfig(max, window), ticker, 1000);
    }

    @Test
    void throttlingStartsAtTheLimit() {
        AuthFailureThrottle t = throttle(3, Duration.ofMinutes(1));
        t.recordFailure("198.51.100.7");
        t.recordFailure("198.51.100.7");
        assertFalse(t.isThrottled("198.51.100.7"), "2 of 3 failures: the next attempt still runs auth");
        assertEquals(0, t.retryAfterSeconds("198.51.100.7"));
        t.recordFailure("198.51.100.7");
        assertTrue(t.isThrottled("198.51.100.7"), "3 of 3: the next attempt is refused");
        assertEquals(60, t.retryAfterSeconds("198.51.100.7"));
    }

    @Test
    void retryAfterCountsDownToTheEndOfTheWindowThatOpenedAtTheFirstFailure() {
        AuthFailureThrottle t = throttle(2, Duration.ofMinutes(1));
        t.recordFailure("ip");
        ticker.advance(Duration.ofSeconds(20));
        t.recordFailure("ip");
        assertEquals(40, t.retryAfterSeconds("ip"));
        ticker.advance(Duration.ofMillis(10_500));
        assertEquals(30, t.retryAfterSeconds("ip"), "29.5 s left rounds up");
        ticker.advance(Duration.ofMillis(29_400));
        assertEquals(1, t.retryAfterSeconds("ip"), "100 ms left is still at least 1");
    }

    @Test
    void throttlingEndsWhenTheWindowPassesAndCountingStartsOver() {
        AuthFailureThrottle t = throttle(2, Duration.ofMinutes(1));
        t.recordFailure("ip");
        t.recordFailure("ip");
        assertTrue(t.isThrottled("ip"));
        ticker.advance(Duration.ofSeconds(60));
        assertFalse(t.isThrottled("ip"));
        assertEquals(0, t.retryAfterSeconds("ip"));

        t.recordFailure("ip");
        assertFalse(t.isThrottled("ip"), "a new window holds one failure");
        t.recordFailure("ip");
        assertEquals(60, t.retryAfterSeconds("ip"));
    }

    @Test
    void failuresSpreadOverMoreThanAWindowNeverThrottle() {
        AuthFailureThrottle t = throttle(3, Duration.ofMinutes(1));
        for (int i = 0; i < 10; i++) {
            t.recordFailure("ip");
            t.recordFailure("ip");
            ticker.advance(Duration.ofSeconds(61));
            assertFalse(t.isThrottled("ip"));
        }
    }

    @Test
    void clientsAreCountedSeparately() {
        AuthFailureThrottle t = throttle(1, Duration.ofMinutes(1));
        t.recordFailure("198.51.100.7");
        assertTrue(t.isThrottled("198.51.100.7"));
        assertFalse(t.isThrottled("198.51.100.8"));
        assertFalse(t.isThrottled("2001:db8::7"));
    }

    @Test
    void memoryStaysBoundedUnderManyDistinctIps() {
        AuthFailureThrottle t = throttle(20, Duration.ofMinutes(1));
        for (int i = 0; i < 50_000; i++) {
            t.recordFailure("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
        }
        assertTrue(t.trackedIps() <= 1000, "tracked: " + t.trackedIps());
    }

    @Test
    void entriesExpireWithTheirWindow() {
        AuthFailureThrottle t = throttle(20, Duration.ofMinutes(1));
        for (int i = 0; i < 100; i++) {
            t.recordFailure("10.0.0." + i);
        }
        assertEquals(100, t.trackedIps());
        ticker.advance(Duration.ofSeconds(61));
        assertEquals(0, t.trackedIps());
    }

    @Test
    void concurrentFailuresFromOneIpAreAllCounted() throws InterruptedException {
        int threads = 4;
        int each = 250;
        AuthFailureThrottle exact = throttle(threads * each, Duration.ofHours(1));
        AuthFailureThrottle oneMore = throttle(threads * each + 1, Duration.ofHours(1));
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int j = 0; j < each; j++) {
                    exact.recordFailure("ip");
                    oneMore.recordFailure("ip");
                }
            });
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(120_000);
        }
        assertTrue(exact.isThrottled("ip"));
        assertFalse(oneMore.isThrottled("ip"));
    }

    @Test
    void refusesANonPositiveBound() {
        assertThrows(IllegalArgumentException.class, () ->
                new AuthFailureThrottle(new AuthFailuresConfig(1, Duration.ofMinutes(1)), ticker, 0));
        assertThrows(IllegalArgumentException.class, () ->
                new AuthFailureThrottle(new AuthFailuresConfig(1, Duration.ZERO), ticker, 10));
    }
}
