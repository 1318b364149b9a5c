package dev.authgate.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code auth: none}: accepts every request, with no identity. */
final class NoneAuthenticator implements Authenticator {
    static final NoneAuthenticator INSTANCE = new NoneAuthenticator();
    private static final CompletableFuture<AuthResult> ACCEPTED =
            CompletableFuture.completedFuture(AuthResult.Accepted.of("none", null, "open route"));

    private NoneAuthenticator() {
    }

    @Override
    public String scheme() {
        return "none";
    }

    @Override
    public String challenge() {
        return null;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        return ACCEPTED;
    }
}
