package dev.authgate.auth;

import java.util.List;
import java.util.Map;

/**
 * A request signed as a route's scheme expects it (what {@code authgate sign} prints).
 *
 * @param headers the headers to send, in order ({@code Content-Type} last), as name/value pairs
 * @param query   the query string to send without '?', or null for none: the one given, plus whatever the scheme
 *                adds (e.g. {@code bodySHA256=...} for a Twilio request whose body is not form data)
 */
public record SignedRequest(List<Map.Entry<String, String>> headers, String query) {
    public SignedRequest {
        headers = List.copyOf(headers);
    }
}
