package dev.authgate.auth;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Looks for a configured credential where senders misplace it, once the place the route names holds nothing: other
 * common key headers ({@code X-API-Key}, {@code Api-Key}, {@code Token}, ...), {@code Authorization} with or without a
 * scheme (and inside Basic, as user name or password), the query string ({@code api_key=}, {@code access_token=}).
 * A valid one found there becomes {@code credentials_in_wrong_header} with a detail naming where it was, so the
 * sender knows what to move. Values are never echoed: only where they were.
 */
public final class MisplacedCredentials {

    /** Headers senders use for keys and tokens elsewhere. */
    public static final List<String> OTHER_HEADERS = List.of("X-API-Key", "Api-Key", "X-Api-Token", "Api-Token",
            "X-Auth-Token", "X-Auth-Key", "X-Access-Token", "X-Token", "Token", "apikey", "X-Key",
            "Ocp-Apim-Subscription-Key", "X-Goog-Api-Key");

    /** Query string parameters senders use for keys and tokens (matched case-insensitively). */
    public static final List<String> QUERY_PARAMETERS = List.of("api_key", "apikey", "api-key", "key", "token",
            "access_token", "auth_token", "x-api-key", "x_api_key");

    /**
     * Where a misplaced value was found.
     *
     * @param asSent e.g. "in the X-API-Key header", "as Authorization: Bearer", "in the query string parameter key"
     * @param noun   e.g. "the X-API-Key header", "Authorization: Bearer"
     */
    public record Place(String asSent, String noun) {
    }

    /**
     * What was found: the places holding a configured credential, and those holding some other value.
     */
    public record Found(List<Place> valid, List<Place> other) {
    }

    private MisplacedCredentials() {
    }

    /**
     * Searches the request.
     *
     * @param skipHeader    the header the route names (not searched: it was looked at already)
     * @param authorization whether to look in {@code Authorization} too (not for schemes that read it)
     */
    public static Found search(AuthRequest request, CredentialMatcher matcher, String skipHeader,
                               boolean authorization) {
        List<Place> valid = new ArrayList<>();
        List<Place> other = new ArrayList<>();
        HttpHeaders headers = request.headers();
        if (authorization && !AuthorizationHeader.NAME.equalsIgnoreCase(skipHeader)) {
            for (String value : headers.getAll(AuthorizationHeader.NAME)) {
                inAuthorization(value, matcher, valid, other);
            }
        }
        for (String name : OTHER_HEADERS) {
            if (name.equalsIgnoreCase(skipHeader)) {
                continue;
            }
            for (String value : headers.getAll(name)) {
                classify(AuthorizationHeader.trimOws(value), matcher,
                        new Place("in the " + name + " header", "the " + name + " header"), valid, other);
            }
        }
        if (request.rawQuery() != null) {
            inQuery(request.rawQuery(), matcher, valid, other);
        }
        return new Found(List.copyOf(valid), List.copyOf(other));
    }

    /** "; a valid key was sent in the X-API-Key header (and 1 more place(s))", for a detail. */
    public static String validDetail(List<Place> valid, String noun) {
        return "; a valid " + noun + " was sent " + valid.get(0).asSent()
                + (valid.size() > 1 ? " (and " + (valid.size() - 1) + " more place(s))" : "");
    }

    private static void inAuthorization(String raw, CredentialMatcher matcher, List<Place> valid, List<Place> other) {
        AuthorizationHeader h = AuthorizationHeader.parse(raw);
        if (h == null) {
            return;
        }
        if (h.scheme() == null) {
            classify(h.credentials(), matcher, new Place("as Authorization without a scheme",
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
                classify(text.substring(0, colon), matcher, new Place("as the user name in Authorization: Basic",
                        "the user name in Authorization: Basic"), valid, other);
                classify(text.substring(colon + 1), matcher, new Place("as the password in Authorization: Basic",
                        "the password in Authorization: Basic"), valid, other);
                return;
            }
        }
        String label = "Authorization: " + (known != null ? known : "<another scheme>");
        classify(h.credentials(), matcher, new Place("as " + label, label), valid, other);
    }

    private static void inQuery(String rawQuery, CredentialMatcher matcher, List<Place> valid, List<Place> other) {
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
                classify(value, matcher, new Place("in the query string parameter " + lower,
                        "the query string parameter " + lower), valid, other);
            }
        }
    }

    private static void classify(String value, CredentialMatcher matcher, Place place, List<Place> valid,
                                 List<Place> other) {
        if (value.isEmpty()) {
            return;
        }
        (matcher.match(value) != null ? valid : other).add(place);
    }

    private static byte[] decodeBase64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
