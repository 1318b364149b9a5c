package dev.authgate.auth;

import dev.authgate.http.Reason;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;

/**
 * Reads {@code Authorization: Bearer <token>} (RFC 6750 §2.1, scheme word case-insensitive) the one way every
 * Bearer-carrying scheme does ({@code bearer:} and {@code jwt:}): the token, or the precise rejection
 * ({@code credentials_missing}, {@code bearer_prefix_missing}, {@code scheme_mismatch}, {@code credentials_malformed},
 * {@code credentials_whitespace}). Never echoes a credential.
 */
public final class BearerHeader {
    private BearerHeader() {
    }

    /** The outcome: exactly one of {@code token} and {@code rejected} is set. */
    public record Read(String token, AuthResult.Rejected rejected) {
        /** Never the token: a record's generated toString would print it. */
        @Override
        public String toString() {
            return token != null ? "Read[token=<" + token.length() + " chars>]" : "Read[" + rejected + "]";
        }
    }

    /** Reads the single {@code Authorization} header of {@code headers}. */
    public static Read read(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.AUTHORIZATION);
        if (values.isEmpty()) {
            return missing("Authorization header absent (expected: Authorization: Bearer <token>)");
        }
        if (values.size() > 1) {
            return present(Reason.CREDENTIALS_MALFORMED,
                    values.size() + " Authorization headers (expected: exactly one)");
        }
        String raw = values.get(0);
        AuthorizationHeader h = AuthorizationHeader.parse(raw);
        if (h == null) {
            return missing("Authorization header is empty (expected: Bearer <token>)");
        }
        if (h.hasScheme("Bearer") && h.spacingProblem() == null && !h.credentialsBlank()) {
            String twice = CredentialMistakes.schemeTwice(h.credentials(), "Bearer");
            if (twice != null) return present(Reason.CREDENTIALS_MALFORMED, twice);
            if (CredentialMistakes.quoted(h.credentials())) {
                return present(Reason.CREDENTIALS_MALFORMED, CredentialMistakes.quotedDetail("the Bearer token"));
            }
            // UTF-8 arrives as one char per byte: a zero-width space (E2 80 8B) is found in the text as typed.
            String ws = HiddenWhitespace.findWhere(ReceivedText.utf8View(h.credentials()), "token");
            if (ws != null) {
                return present(Reason.CREDENTIALS_WHITESPACE, "hidden whitespace in the Bearer token: " + ws);
            }
            return new Read(h.credentials(), null);
        }
        // Diagnosed on the value as typed (see above), most specific mistake first.
        h = AuthorizationHeader.parse(ReceivedText.utf8View(raw));
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
        if (h.spacingProblem() == null) {
            return new Read(h.credentials(), null); // only the raw bytes looked odd; the token's own check decides
        }
        return present(Reason.CREDENTIALS_WHITESPACE, "hidden whitespace in Authorization: "
                + h.spacingProblem() + " (expected: Bearer, one space, the token)");
    }

    private static Read bare(AuthorizationHeader h) {
        String value = h.credentials();
        if (value.isEmpty()) {
            return present(Reason.CREDENTIALS_WHITESPACE, "Authorization holds only hidden whitespace: "
                    + h.spacingProblem().replace(" before the scheme", ""));
        }
        String encoded = CredentialMistakes.urlEncodedScheme(value, "Bearer");
        if (encoded != null) {
            return present(Reason.CREDENTIALS_MALFORMED, encoded);
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

    private static Read bareToken(String whitespace) {
        return present(Reason.BEARER_PREFIX_MISSING, "Authorization holds a bare token without the 'Bearer ' prefix"
                + (whitespace == null ? "" : "; it also carries hidden whitespace: " + whitespace));
    }

    private static Read missing(String detail) {
        return new Read(null, new AuthResult.Rejected(Reason.CREDENTIALS_MISSING, detail, false));
    }

    private static Read present(Reason reason, String detail) {
        return new Read(null, new AuthResult.Rejected(reason, detail, true));
    }
}
