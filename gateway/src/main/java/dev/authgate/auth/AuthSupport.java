package dev.authgate.auth;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What authenticators share at run time, passed in (never global) so tests can inject a clock.
 *
 * @param hashing bounded executor for slow hashing (bcrypt); never a Netty event loop
 * @param clock   the clock for timestamps and caches
 */
public record AuthSupport(Executor hashing, Clock clock) {
    public AuthSupport {
        Objects.requireNonNull(hashing, "hashing");
        Objects.requireNonNull(clock, "clock");
    }
}
