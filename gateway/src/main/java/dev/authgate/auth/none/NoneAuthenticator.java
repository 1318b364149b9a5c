package dev.authgate.auth.none;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.Authenticator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code auth: none}: accepts every request, with no identity. */
final class NoneAuthenticator implements Authenticator {
    static final NoneAuthenticator INSTANCE = new NoneAuthenticator();
    private static final CompletableFuture<AuthResult> ACCEPTED =
            CompletableFuture.completedFuture(AuthResult.Accepted.of(NoneConfig.NAME, null, "open route"));

    private NoneAuthenticator() {
    }

    @Override
    public String scheme() {
        return NoneConfig.NAME;
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
