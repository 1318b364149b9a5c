package dev.authgate.auth;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What authenticators share at run time, passed in (never global) so tests can inject a clock.
 *
 * @param hashing bounded executor for slow hashing (bcrypt); never a Netty event loop
 * @param clock    the clock for timestamps and caches
 * @param services helpers shared across routes and reloads (the JWKS fetcher), closed with the server
 */
public record AuthSupport(Executor hashing, Clock clock, AuthServices services) {
    public AuthSupport {
        Objects.requireNonNull(hashing, "hashing");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(services, "services");
    }

    /** With services of their own (tests, {@code explain}, benchmarks), whose metrics are made only when used. */
    public AuthSupport(Executor hashing, Clock clock) {
        this(hashing, clock, new AuthServices());
    }
}
