package dev.authgate.auth.apikey;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.AuthorizationHeader;
import dev.authgate.auth.Challenges;
import dev.authgate.auth.Credential;
import dev.authgate.auth.CredentialMatcher;
import dev.authgate.auth.HiddenWhitespace;
import dev.authgate.http.Reason;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
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

    /** Headers senders use for API keys elsewhere (only looked at when the configured header is absent). */
    static final List<String> OTHER_HEADERS = List.of("X-API-Key", "Api-Key", "X-Api-Token", "Api-Token",
            "X-Auth-Token", "X-Auth-Key", "X-Access-Token", "X-Token", "Token", "apikey", "X-Key",
            "Ocp-Apim-Subscription-Key", "X-Goog-Api-Key");

    /** Query string parameters senders use for API keys (matched case-insensitively). */
    static final List<String> QUERY_PARAMETERS = List.of("api_key", "apikey", "api-key", "key", "token",
            "access_token", "auth_token", "x-api-key", "x_api_key");

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
        if (match != null && match.expired(clock.instant())) {
            return new AuthResult.Rejected(Reason.CREDENTIALS_EXPIRED, match.expiredDetail("key", clock.instant()),
                    true);
        }
        if (match != null) {
            return AuthResult.Accepted.of(SCHEME, match.identity(), "api key matched (" + count() + ")", header);
        }
        AuthorizationHeader parsed = AuthorizationHeader.parse(value);
        if (parsed != null && parsed.scheme() != null && AuthorizationHeader.knownScheme(parsed.scheme()) != null
                && !parsed.credentialsBlank()) {
            return new AuthResult.Rejected(Reason.CREDENTIALS_MALFORMED, header + " starts with a '"
                    + AuthorizationHeader.knownScheme(parsed.scheme()) + " ' prefix (expected: the key alone)", true);
        }
        String ws = HiddenWhitespace.find(value);
        if (ws != null) {
            return new AuthResult.Rejected(Reason.CREDENTIALS_WHITESPACE,
                    "hidden whitespace in " + header + ": " + ws, true);
        }
        return new AuthResult.Rejected(Reason.CREDENTIALS_INVALID, header + " is not one of the " + count(), true);
    }

    /** The configured header holds nothing: find the key where senders misplace it, to say where it belongs. */
    private AuthResult lookElsewhere(AuthRequest request, String absent) {
        List<Place> valid = new ArrayList<>();
        List<Place> other = new ArrayList<>();
        HttpHeaders headers = request.headers();
        if (!header.equalsIgnoreCase(AuthorizationHeader.NAME)) {
            for (String value : headers.getAll(AuthorizationHeader.NAME)) {
                inAuthorization(value, valid, other);
            }
        }
        for (String name : OTHER_HEADERS) {
            if (name.equalsIgnoreCase(header)) {
                continue;
            }
            for (String value : headers.getAll(name)) {
                classify(AuthorizationHeader.trimOws(value),
                        new Place("in the " + name + " header", "the " + name + " header"), valid, other);
            }
        }
        if (request.rawQuery() != null) {
            inQuery(request.rawQuery(), valid, other);
        }
        if (!valid.isEmpty()) {
            return new AuthResult.Rejected(Reason.CREDENTIALS_IN_WRONG_HEADER,
                    absent + "; a valid key was sent " + valid.get(0).asSent
                            + (valid.size() > 1 ? " (and " + (valid.size() - 1) + " more place(s))" : ""), true);
        }
        String detail = absent;
        if (!other.isEmpty()) {
            List<String> nouns = new ArrayList<>();
            for (Place p : other) {
                nouns.add(p.noun);
            }
            detail += "; " + String.join(" and ", nouns) + (other.size() == 1
                    ? " carries a value that is not a configured key"
                    : " carry values that are not configured keys");
        }
        return new AuthResult.Rejected(Reason.CREDENTIALS_MISSING, detail, false);
    }

    private void inAuthorization(String raw, List<Place> valid, List<Place> other) {
        AuthorizationHeader h = AuthorizationHeader.parse(raw);
        if (h == null) {
            return;
        }
        if (h.scheme() == null) {
            classify(h.credentials(), new Place("as Authorization without a scheme",
                    "Authorization (without a scheme)"), valid, other);
            return;
        }
        String known = AuthorizationHeader.knownScheme(h.scheme());
        if ("Basic".equals(known)) {
            // Some clients put the key in Basic as the user name (Stripe style) or as the password.
            byte[] decoded = decodeBase64(h.credentials());
            String text = decoded == null ? null : new String(decoded, StandardCharsets.UTF_8);
            int colon = text == null ? -1 : text.indexOf(':');
            if (colon >= 0) {
                classify(text.substring(0, colon), new Place("as the user name in Authorization: Basic",
                        "the user name in Authorization: Basic"), valid, other);
                classify(text.substring(colon + 1), new Place("as the password in Authorization: Basic",
                        "the password in Authorization: Basic"), valid, other);
                return;
            }
        }
        String label = "Authorization: " + (known != null ? known : "<another scheme>");
        classify(h.credentials(), new Place("as " + label, label), valid, other);
    }

    private void inQuery(String rawQuery, List<Place> valid, List<Place> other) {
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name;
            String value;
            try {
                name = QueryStringDecoder.decodeComponent(pair.substring(0, eq), StandardCharsets.UTF_8);
                value = QueryStringDecoder.decodeComponent(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException badEncoding) {
                continue;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (QUERY_PARAMETERS.contains(lower)) {
                classify(value, new Place("in the query string parameter " + lower,
                        "the query string parameter " + lower), valid, other);
            }
        }
    }

    private void classify(String value, Place place, List<Place> valid, List<Place> other) {
        if (value.isEmpty()) {
            return;
        }
        (keys.match(value) != null ? valid : other).add(place);
    }

    private static byte[] decodeBase64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String count() {
        return keys.size() == 1 ? "1 configured key" : keys.size() + " configured keys";
    }

    /** Where a misplaced value was found: "as Authorization: Bearer" / "Authorization: Bearer". */
    private record Place(String asSent, String noun) {
    }
}
