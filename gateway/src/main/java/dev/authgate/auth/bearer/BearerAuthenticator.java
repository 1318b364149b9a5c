package dev.authgate.auth.bearer;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.AuthorizationHeader;
import dev.authgate.auth.BearerHeader;
import dev.authgate.auth.Challenges;
import dev.authgate.auth.Credential;
import dev.authgate.auth.CredentialMatcher;
import dev.authgate.auth.CredentialMistakes;
import dev.authgate.auth.MisplacedCredentials;
import dev.authgate.http.Reason;

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
        return CompletableFuture.completedFuture(decide(request));
    }

    AuthResult decide(AuthRequest request) {
        BearerHeader.Read read = BearerHeader.read(request.headers());
        if (read.rejected() != null) {
            AuthResult.Rejected r = read.rejected();
            return r.reason() == Reason.CREDENTIALS_MISSING ? elsewhere(request, r.detail()) : r;
        }
        Credential match = tokens.match(read.token());
        if (match != null && match.expired(clock)) {
            return present(Reason.CREDENTIALS_EXPIRED, match.expiredDetail("token", clock.instant()));
        }
        if (match != null) {
            return AuthResult.Accepted.of(SCHEME, match.identity(),
                    "bearer token matched (" + count() + ")", AuthorizationHeader.NAME);
        }
        // Named only when the decoded form is a configured token: otherwise it says nothing about any token.
        String decoded = CredentialMistakes.percentDecoded(read.token());
        if (decoded != null && tokens.match(decoded) != null) {
            return present(Reason.CREDENTIALS_MALFORMED, CredentialMistakes.urlEncodedDetail("the Bearer token"));
        }
        return present(Reason.CREDENTIALS_INVALID, "Bearer token is not one of the " + count());
    }

    /** No Authorization: a valid token in another header or the query string is named (a sender mistake). */
    private AuthResult elsewhere(AuthRequest request, String absent) {
        MisplacedCredentials.Found found = MisplacedCredentials.search(request, tokens, AuthorizationHeader.NAME,
                false);
        if (found.valid().isEmpty()) {
            return missing(absent);
        }
        int cut = absent.indexOf(" (expected");
        return present(Reason.CREDENTIALS_IN_WRONG_HEADER, (cut < 0 ? absent : absent.substring(0, cut))
                + MisplacedCredentials.validDetail(found.valid(), "token")
                + " (expected: Authorization: Bearer <token>)");
    }

    private String count() {
        return tokens.size() == 1 ? "1 configured token" : tokens.size() + " configured tokens";
    }

    private static AuthResult missing(String detail) {
        return new AuthResult.Rejected(Reason.CREDENTIALS_MISSING, detail, false);
    }

    private static AuthResult present(Reason reason, String detail) {
        return new AuthResult.Rejected(reason, detail, true);
    }
}
