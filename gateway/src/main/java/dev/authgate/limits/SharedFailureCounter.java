package dev.authgate.limits;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Failed-auth counts shared by several instances ({@code state.store: redis}): one atomic call per failure that
 * counts it in a fixed window anchored at the first failure and answers the count and the window's remaining time.
 * The stage fails when the shared store cannot be asked; {@link AuthFailureThrottle} then applies
 * {@code state.on_failure.throttle}.
 */
public interface SharedFailureCounter {

    /** The IP's failures in its current window, and how long the window still runs. */
    record Count(long failures, long remainingMillis) {
    }

    CompletionStage<Count> increment(String ip, Duration window);
}
