package dev.authgate.auth.bearer;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.AuthorizationHeader;
import dev.authgate.auth.BearerHeader;
import dev.authgate.auth.Challenges;
import dev.authgate.auth.Credential;
import dev.authgate.auth.CredentialMatcher;
import dev.authgate.auth.HiddenWhitespace;
import dev.authgate.http.Reason;
import io.netty.handler.codec.http.HttpHeaders;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code bearer:}: {@code Authorization: Bearer <token>} (scheme word case-insensitive) against the configured
 * tokens, compared in constant time. Identity: the token's id, else its fingerprint. Runs inline: the check is a
 * few SHA-256 digests, cheap enough for the event loop.
 */
final class BearerAuthenticator implements Authenticator {
    static final String SCHEME = BearerConfig.NAME;

    private final CredentialMatcher tokens;
    private final String challenge;
    private final Clock clock;

    BearerAuthenticator(BearerConfig config) {
        this(config, Clock.systemUTC());
    }

    BearerAuthenticator(BearerConfig config, Clock clock) {
        this.clock = clock;
        this.tokens = new CredentialMatcher(config.tokens());
        this.challenge = "Bearer realm=" + Challenges.quoted(Challenges.realm(config.realm()));
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String challenge() {
        return challenge;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        return CompletableFuture.completedFuture(decide(request.headers()));
    }

    AuthResult decide(HttpHeaders headers) {
        BearerHeader.Read read = BearerHeader.read(headers);
        if (read.rejected() != null) {
            return read.rejected();
        }
        Credential match = tokens.match(read.token());
        if (match != null && match.expired(clock.instant())) {
            return present(Reason.CREDENTIALS_EXPIRED, match.expiredDetail("token", clock.instant()));
        }
        if (match != null) {
            return AuthResult.Accepted.of(SCHEME, match.identity(),
                    "bearer token matched (" + count() + ")", AuthorizationHeader.NAME);
        }
        String ws = HiddenWhitespace.find(read.token());
        if (ws != null) {
            return present(Reason.CREDENTIALS_WHITESPACE, "hidden whitespace in the Bearer token: " + ws);
        }
        return present(Reason.CREDENTIALS_INVALID, "Bearer token is not one of the " + count());
    }

    private String count() {
        return tokens.size() == 1 ? "1 configured token" : tokens.size() + " configured tokens";
    }

    private static AuthResult present(Reason reason, String detail) {
        return new AuthResult.Rejected(reason, detail, true);
    }
}
