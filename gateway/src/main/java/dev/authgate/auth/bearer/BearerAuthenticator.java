package dev.authgate.auth.bearer;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.AuthorizationHeader;
import dev.authgate.auth.Challenges;
import dev.authgate.auth.Credential;
import dev.authgate.auth.CredentialMatcher;
import dev.authgate.auth.HiddenWhitespace;
import dev.authgate.http.Reason;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;
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

    BearerAuthenticator(BearerConfig config) {
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
        List<String> values = headers.getAll(HttpHeaderNames.AUTHORIZATION);
        if (values.isEmpty()) {
            return missing("Authorization header absent (expected: Authorization: Bearer <token>)");
        }
        if (values.size() > 1) {
            return present(Reason.CREDENTIALS_MALFORMED,
                    values.size() + " Authorization headers (expected: exactly one)");
        }
        AuthorizationHeader h = AuthorizationHeader.parse(values.get(0));
        if (h == null) {
            return missing("Authorization header is empty (expected: Bearer <token>)");
        }
        if (h.scheme() == null) {
            return bare(h);
        }
        if (!h.hasScheme("Bearer")) {
            String known = AuthorizationHeader.knownScheme(h.scheme());
            if (known == null && h.credentialsBlank()) {
                // "abc123<zero-width space>": a bare token that dragged invisible whitespace along.
                return bareToken(h.spacingProblem());
            }
            return present(Reason.SCHEME_MISMATCH, "Authorization uses "
                    + (known != null ? "the " + known + " scheme" : "a scheme other than Bearer")
                    + " (expected: Bearer)");
        }
        if (h.credentialsBlank()) {
            return present(Reason.CREDENTIALS_MALFORMED, "Authorization: Bearer carries no token");
        }
        if (h.spacingProblem() != null) {
            return present(Reason.CREDENTIALS_WHITESPACE, "hidden whitespace in Authorization: "
                    + h.spacingProblem() + " (expected: Bearer, one space, the token)");
        }
        Credential match = tokens.match(h.credentials());
        if (match != null) {
            return AuthResult.Accepted.of(SCHEME, match.identity(),
                    "bearer token matched (" + count() + ")", AuthorizationHeader.NAME);
        }
        String ws = HiddenWhitespace.find(h.credentials());
        if (ws != null) {
            return present(Reason.CREDENTIALS_WHITESPACE, "hidden whitespace in the Bearer token: " + ws);
        }
        return present(Reason.CREDENTIALS_INVALID, "Bearer token is not one of the " + count());
    }

    private AuthResult bare(AuthorizationHeader h) {
        String value = h.credentials();
        if (value.isEmpty()) {
            return present(Reason.CREDENTIALS_WHITESPACE, "Authorization holds only hidden whitespace: "
                    + h.spacingProblem().replace(" before the scheme", ""));
        }
        if (AuthorizationHeader.isSchemeWordAlone(value, "Bearer")) {
            return present(Reason.CREDENTIALS_MALFORMED, value.length() == "Bearer".length()
                    ? "Authorization: Bearer carries no token"
                    : "Authorization: Bearer is followed by a colon or equals sign (expected: one space, the token)");
        }
        String known = AuthorizationHeader.knownScheme(value);
        if (known != null) {
            return present(Reason.SCHEME_MISMATCH,
                    "Authorization holds the " + known + " scheme with no credentials (expected: Bearer)");
        }
        String ws = h.spacingProblem() != null ? h.spacingProblem() : HiddenWhitespace.find(value);
        return bareToken(ws);
    }

    private static AuthResult bareToken(String whitespace) {
        return present(Reason.BEARER_PREFIX_MISSING, "Authorization holds a bare token without the 'Bearer ' prefix"
                + (whitespace == null ? "" : "; it also carries hidden whitespace: " + whitespace));
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
