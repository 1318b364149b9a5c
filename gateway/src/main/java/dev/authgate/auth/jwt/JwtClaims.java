package dev.authgate.auth.jwt;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.authgate.http.Reason;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The claim checks of a token whose signature verified, in this order: {@code exp} required and not past
 * ({@code token_expired}), {@code nbf} and {@code iat} not in the future ({@code token_not_yet_valid}), all within the
 * leeway; {@code aud} ({@code token_audience_mismatch}); {@code typ}, {@code max_lifetime}, {@code required_claims},
 * the identity claim and the forwarded claims ({@code token_claim_invalid}); then the scopes (403
 * {@code scope_insufficient}).
 */
final class JwtClaims {
    private JwtClaims() {
    }

    static JwtVerdict check(JwtConfig config, JwtIssuer issuer, JwtToken t, JwtKey key, Instant now) {
        JWTClaimsSet c = t.claims();
        Duration leeway = config.leeway();
        String lw = "leeway " + leeway.toSeconds() + "s";
        Instant exp = instant(c.getExpirationTime());
        if (exp == null) {
            return JwtVerdict.reject(Reason.TOKEN_CLAIM_INVALID, "exp is absent (the gateway requires it)", t, now);
        }
        if (now.isAfter(exp.plus(leeway))) {
            return JwtVerdict.reject(Reason.TOKEN_EXPIRED, "expired " + JwtText.span(Duration.between(exp, now))
                    + " ago at " + exp + " (" + lw + ")", t, now);
        }
        Instant nbf = instant(c.getNotBeforeTime());
        if (nbf != null && nbf.isAfter(now.plus(leeway))) {
            return JwtVerdict.reject(Reason.TOKEN_NOT_YET_VALID, "not valid before " + nbf + ", "
                    + JwtText.relative(nbf, now) + " (" + lw + "; clock skew?)", t, now);
        }
        Instant iat = instant(c.getIssueTime());
        if (iat != null && iat.isAfter(now.plus(leeway))) {
            return JwtVerdict.reject(Reason.TOKEN_NOT_YET_VALID, "issued in the future at " + iat + ", "
                    + JwtText.relative(iat, now) + " (" + lw + "; clock skew?)", t, now);
        }
        if (issuer.audiences() != null && !anyOf(c.getAudience(), issuer.audiences())) {
            return JwtVerdict.reject(Reason.TOKEN_AUDIENCE_MISMATCH, (c.getAudience() == null
                    || c.getAudience().isEmpty() ? "aud is absent" : "aud is " + JwtText.list(c.getAudience()))
                    + ", this route accepts " + JwtText.list(issuer.audiences()), t, now);
        }
        if (config.typ() != null && !typMatches(config.typ(), t.typ())) {
            return JwtVerdict.reject(Reason.TOKEN_CLAIM_INVALID, "typ is " + (t.typ() == null ? "absent"
                    : JwtText.safe(t.typ(), 40)) + ", this route requires " + config.typ(), t, now);
        }
        if (config.maxLifetime() != null) {
            if (iat == null) {
                return JwtVerdict.reject(Reason.TOKEN_CLAIM_INVALID, "iat is absent (max_lifetime "
                        + JwtText.span(config.maxLifetime()) + " needs it)", t, now);
            }
            Duration lifetime = Duration.between(iat, exp);
            if (lifetime.compareTo(config.maxLifetime()) > 0) {
                return JwtVerdict.reject(Reason.TOKEN_CLAIM_INVALID, "lifetime exp - iat is "
                        + JwtText.span(lifetime) + ", above max_lifetime " + JwtText.span(config.maxLifetime()),
                        t, now);
            }
        }
        for (String name : config.requiredClaims()) {
            if (c.getClaim(name) == null) {
                return JwtVerdict.reject(Reason.TOKEN_CLAIM_INVALID, "required claim " + name + " is absent", t, now);
            }
        }
        Object idValue = c.getClaim(config.identityClaim());
        String identity = idValue == null ? null : headerValue(idValue, false);
        if (identity == null) {
            return JwtVerdict.reject(Reason.TOKEN_CLAIM_INVALID, "identity_claim " + config.identityClaim()
                    + (idValue == null ? " is absent" : " is not a header-safe string or number"), t, now);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : config.forwardClaims().entrySet()) {
            Object v = c.getClaim(f.getValue());
            if (v == null) continue;
            String text = headerValue(v, true);
            if (text == null) {
                return JwtVerdict.reject(Reason.TOKEN_CLAIM_INVALID, "claim " + f.getValue() + " (forwarded as "
                        + f.getKey() + ") is " + kind(v) + "; forward_claims sends strings, numbers, booleans and "
                        + "string arrays of visible ASCII", t, now);
            }
            headers.put(f.getKey(), text);
        }
        List<String> missing = missingScopes(c, config.scopes());
        if (!missing.isEmpty()) {
            List<String> granted = scopes(c);
            return new JwtVerdict(Reason.SCOPE_INSUFFICIENT, "scope " + String.join(" ", missing)
                    + " missing (token has " + (granted.isEmpty() ? "none" : JwtText.list(granted))
                    + ", this route needs " + JwtText.list(config.scopes()) + ")",
                    JwtVerdict.facts(t, now), null, Map.of(), config.scopes(), 0);
        }
        return JwtVerdict.accept(identity, headers, t, key, now);
    }

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }

    private static boolean anyOf(List<String> aud, List<String> accepted) {
        if (aud == null) return false;
        for (String a : aud) {
            if (accepted.contains(a)) return true;
        }
        return false;
    }

    /** RFC 7515 §4.1.9: compared case-insensitively, with an omitted {@code application/} prefix. */
    static boolean typMatches(String required, String typ) {
        if (typ == null) return false;
        String norm = typ.toLowerCase(Locale.ROOT);
        if (norm.startsWith("application/")) norm = norm.substring("application/".length());
        String want = required.toLowerCase(Locale.ROOT);
        if (want.startsWith("application/")) want = want.substring("application/".length());
        return norm.equals(want);
    }

    /** Scopes granted: {@code scope} split on spaces, else {@code scp} (array, or a space-separated string). */
    static List<String> scopes(JWTClaimsSet c) {
        Object scope = c.getClaim("scope");
        Object scp = scope != null ? scope : c.getClaim("scp");
        List<String> out = new ArrayList<>();
        if (scp instanceof String s) {
            for (String part : s.split(" ")) {
                if (!part.isEmpty()) out.add(part);
            }
        } else if (scp instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s) out.add(s);
            }
        }
        return out;
    }

    private static List<String> missingScopes(JWTClaimsSet c, List<String> required) {
        if (required.isEmpty()) return List.of();
        List<String> granted = scopes(c);
        List<String> missing = new ArrayList<>();
        for (String r : required) {
            if (!granted.contains(r)) missing.add(r);
        }
        return missing;
    }

    /**
     * A claim as a header value: a string as it is, a number or boolean as JSON text, a string array comma-joined
     * (when {@code arrays}); null when it is another shape or holds characters a header cannot carry.
     */
    static String headerValue(Object v, boolean arrays) {
        String text;
        if (v instanceof String s) {
            text = s;
        } else if (v instanceof Number || v instanceof Boolean) {
            text = String.valueOf(v);
        } else if (arrays && v instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String s)) return null;
                parts.add(s);
            }
            text = String.join(",", parts);
        } else {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < 0x20 || ch >= 0x7f) return null;
        }
        return text;
    }

    private static String kind(Object v) {
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "an array with non-string items";
        return "not header-safe (control or non-ASCII characters)";
    }
}
