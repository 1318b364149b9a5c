package dev.authgate.auth.bearer;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.AuthorizationHeader;
import dev.authgate.auth.Challenges;
import dev.authgate.auth.Credential;
import dev.authgate.auth.CredentialMatcher;
import dev.authgate.auth.CredentialMistakes;
import dev.authgate.auth.HiddenWhitespace;
import dev.authgate.auth.MisplacedCredentials;
import dev.authgate.auth.ReceivedText;
import dev.authgate.http.Reason;
import io.netty.handler.codec.http.HttpHeaderNames;

import java.time.Clock;
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
        List<String> values = request.headers().getAll(HttpHeaderNames.AUTHORIZATION);
        if (values.isEmpty()) {
            return elsewhere(request, "Authorization header absent (expected: Authorization: Bearer <token>)");
        }
        if (values.size() > 1) {
            return present(Reason.CREDENTIALS_MALFORMED,
                    values.size() + " Authorization headers (expected: exactly one)");
        }
        String raw = values.get(0);
        AuthorizationHeader h = AuthorizationHeader.parse(raw);
        if (h == null) {
            return elsewhere(request, "Authorization header is empty (expected: Bearer <token>)");
        }
        if (h.hasScheme("Bearer") && h.spacingProblem() == null && !h.credentialsBlank()) {
            Credential match = tokens.match(h.credentials());
            if (match != null && match.expired(clock.instant())) {
                return present(Reason.CREDENTIALS_EXPIRED, match.expiredDetail("token", clock.instant()));
            }
            if (match != null) {
                return AuthResult.Accepted.of(SCHEME, match.identity(),
                        "bearer token matched (" + count() + ")", AuthorizationHeader.NAME);
            }
        }
        // Matching is on the value as received; the diagnosis on the value as typed, so that UTF-8 that arrived as
        // several ISO-8859-1 chars (a zero-width space is E2 80 8B) is recognised as the one character it is.
        return diagnose(AuthorizationHeader.parse(ReceivedText.utf8View(raw)));
    }

    /** Why a present Authorization value is not a known Bearer token, most specific mistake first. */
    private AuthResult diagnose(AuthorizationHeader h) {
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
        String credentials = h.credentials();
        String twice = CredentialMistakes.schemeTwice(credentials, "Bearer");
        if (twice != null) {
            return present(Reason.CREDENTIALS_MALFORMED, twice);
        }
        if (h.spacingProblem() != null) {
            return present(Reason.CREDENTIALS_WHITESPACE, "hidden whitespace in Authorization: "
                    + h.spacingProblem() + " (expected: Bearer, one space, the token)");
        }
        if (CredentialMistakes.quoted(credentials)) {
            return present(Reason.CREDENTIALS_MALFORMED, CredentialMistakes.quotedDetail("the Bearer token"));
        }
        String decoded = CredentialMistakes.percentDecoded(credentials);
        if (decoded != null && tokens.match(decoded) != null) {
            return present(Reason.CREDENTIALS_MALFORMED, CredentialMistakes.urlEncodedDetail("the Bearer token"));
        }
        String ws = HiddenWhitespace.findWhere(credentials, "token");
        if (ws != null) {
            return present(Reason.CREDENTIALS_WHITESPACE, "hidden whitespace in the Bearer token: " + ws);
        }
        return present(Reason.CREDENTIALS_INVALID, "Bearer token is not one of the " + count());
    }

    /** No Authorization: a valid token in another header or the query string is named (it is a mistake of §12). */
    private AuthResult elsewhere(AuthRequest request, String absent) {
        MisplacedCredentials.Found found = MisplacedCredentials.search(request, tokens, AuthorizationHeader.NAME,
                false);
        if (found.valid().isEmpty()) {
            return missing(absent);
        }
        return present(Reason.CREDENTIALS_IN_WRONG_HEADER, absent.substring(0, absent.indexOf(" (expected"))
                + MisplacedCredentials.validDetail(found.valid(), "token")
                + " (expected: Authorization: Bearer <token>)");
    }

    private AuthResult bare(AuthorizationHeader h) {
        String value = h.credentials();
        if (value.isEmpty()) {
            return present(Reason.CREDENTIALS_WHITESPACE, "Authorization holds only hidden whitespace: "
                    + h.spacingProblem().replace(" before the scheme", ""));
        }
        String encoded = CredentialMistakes.urlEncodedScheme(value, "Bearer");
        if (encoded != null) {
            return present(Reason.CREDENTIALS_MALFORMED, encoded);
        }
        if (CredentialMistakes.quoted(value)) {
            AuthorizationHeader inside = AuthorizationHeader.parse(CredentialMistakes.unquoted(value));
            if (inside != null && inside.hasScheme("Bearer")) {
                return present(Reason.CREDENTIALS_MALFORMED, CredentialMistakes.quotedDetail("the Authorization value"));
            }
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
