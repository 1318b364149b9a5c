package dev.authgate.auth.apikey;

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

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code api_key:}: the key in the configured header (default {@code X-API-Key}), compared in constant time against
 * the configured keys. Identity: the key's id, else its fingerprint.
 *
 * <p>When the header is absent, the authenticator looks where senders wrongly put keys ({@code Authorization} with
 * or without a scheme, other common key headers, the query string). A configured key found there is rejected as
 * {@code credentials_in_wrong_header} with a detail naming where it was, so the sender knows what to move; anything
 * else is {@code credentials_missing}. Values are never echoed.
 */
final class ApiKeyAuthenticator implements Authenticator {
    static final String SCHEME = ApiKeyConfig.NAME;

    private final String header;
    private final CredentialMatcher keys;
    private final String challenge;
    private final Clock clock;

    ApiKeyAuthenticator(ApiKeyConfig config) {
        this(config, Clock.systemUTC());
    }

    ApiKeyAuthenticator(ApiKeyConfig config, Clock clock) {
        this.clock = clock;
        this.header = config.header();
        this.keys = new CredentialMatcher(config.keys());
        this.challenge = "ApiKey realm=" + Challenges.quoted(Challenges.DEFAULT_REALM)
                + ", header=" + Challenges.quoted(header);
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
        List<String> values = request.headers().getAll(header);
        if (values.size() > 1) {
            return new AuthResult.Rejected(Reason.CREDENTIALS_MALFORMED,
                    values.size() + " " + header + " headers (expected: exactly one)", true);
        }
        if (values.size() == 1) {
            String value = AuthorizationHeader.trimOws(values.get(0));
            if (!value.isEmpty()) {
                return judge(value);
            }
            return lookElsewhere(request, header + " is empty");
        }
        return lookElsewhere(request, header + " absent");
    }

    private AuthResult judge(String value) {
        Credential match = keys.match(value);
        if (match != null && match.expired(clock)) {
            return new AuthResult.Rejected(Reason.CREDENTIALS_EXPIRED, match.expiredDetail("key", clock.instant()),
                    true);
        }
        if (match != null) {
            return AuthResult.Accepted.of(SCHEME, match.identity(), "api key matched (" + count() + ")", header);
        }
        // Diagnosed on the value as typed: UTF-8 that arrived as several ISO-8859-1 chars is put back together.
        String typed = ReceivedText.utf8View(value);
        AuthorizationHeader parsed = AuthorizationHeader.parse(typed);
        if (parsed != null && parsed.scheme() != null && AuthorizationHeader.knownScheme(parsed.scheme()) != null
                && !parsed.credentialsBlank()) {
            return new AuthResult.Rejected(Reason.CREDENTIALS_MALFORMED, header + " starts with a '"
                    + AuthorizationHeader.knownScheme(parsed.scheme()) + " ' prefix (expected: the key alone)", true);
        }
        if (CredentialMistakes.quoted(typed)) {
            return new AuthResult.Rejected(Reason.CREDENTIALS_MALFORMED, CredentialMistakes.quotedDetail(header), true);
        }
        String decoded = CredentialMistakes.percentDecoded(typed);
        if (decoded != null && keys.match(decoded) != null) {
            return new AuthResult.Rejected(Reason.CREDENTIALS_MALFORMED, CredentialMistakes.urlEncodedDetail(header),
                    true);
        }
        String ws = HiddenWhitespace.findWhere(typed, "key");
        if (ws != null) {
            return new AuthResult.Rejected(Reason.CREDENTIALS_WHITESPACE,
                    "hidden whitespace in " + header + ": " + ws, true);
        }
        return new AuthResult.Rejected(Reason.CREDENTIALS_INVALID, header + " is not one of the " + count(), true);
    }

    /** The configured header holds nothing: find the key where senders misplace it, to say where it belongs. */
    private AuthResult lookElsewhere(AuthRequest request, String absent) {
        MisplacedCredentials.Found found = MisplacedCredentials.search(request, keys, header, true);
        if (!found.valid().isEmpty()) {
            return new AuthResult.Rejected(Reason.CREDENTIALS_IN_WRONG_HEADER,
                    absent + MisplacedCredentials.validDetail(found.valid(), "key"), true);
        }
        String detail = absent;
        if (!found.other().isEmpty()) {
            List<String> nouns = new ArrayList<>();
            for (MisplacedCredentials.Place p : found.other()) {
                nouns.add(p.noun());
            }
            detail += "; " + String.join(" and ", nouns) + (found.other().size() == 1
                    ? " carries a value that is not a configured key"
                    : " carry values that are not configured keys");
        }
        return new AuthResult.Rejected(Reason.CREDENTIALS_MISSING, detail, false);
    }

    private String count() {
        return keys.size() == 1 ? "1 configured key" : keys.size() + " configured keys";
    }
}
