package dev.authgate.state;

/**
 * The shared state store cannot be asked right now (not connected yet, disconnected, circuit open): the caller answers
 * by {@code state.on_failure} at once. A command that was sent and failed or timed out completes with Lettuce's own
 * exception instead; callers treat both alike.
 */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message) {
        super(message, null, false, false);
    }
}
