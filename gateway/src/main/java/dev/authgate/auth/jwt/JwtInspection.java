package dev.authgate.auth.jwt;

import com.nimbusds.jose.util.Base64URL;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * What {@code authgate jwt inspect} prints about a token without any key: the decoded header and claims and the time
 * facts ("expires in 12m", "issued 3h ago"). Never the signature, only its length.
 */
public final class JwtInspection {
    private JwtInspection() {
    }

    /** A token that is not a JWT: the reason, as {@code token_malformed} would say it. */
    public static final class NotAJwt extends Exception {
        private static final long serialVersionUID = 1L;

        NotAJwt(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * {@code label: value} lines about {@code token} as of {@code now}.
     *
     * @throws NotAJwt when it is not a compact JWS (the message says why, never quoting the token)
     */
    public static List<String> describe(String token, Instant now) throws NotAJwt {
        JwtToken t;
        try {
            t = JwtToken.parse(token);
        } catch (JwtToken.Malformed e) {
            throw new NotAJwt(e.getMessage());
        } catch (JwtToken.UnsignedAlgorithm e) {
            throw new NotAJwt("alg " + JwtText.safe(e.alg(), 32) + " is not a signature algorithm (an unsigned "
                    + "token is never accepted)");
        }
        List<String> out = new ArrayList<>();
        String[] parts = token.split("\\.", -1);
        out.add("header:    " + JwtText.safe(new Base64URL(parts[0]).decodeToString(), 2000));
        out.add("claims:    " + JwtText.safe(new Base64URL(parts[1]).decodeToString(), 4000));
        out.add("signature: " + new Base64URL(parts[2]).decode().length + " bytes (not shown)");
        out.add("alg:       " + JwtText.safe(t.alg(), 16));
        out.add("kid:       " + JwtText.safe(t.kid(), 64));
        out.add("typ:       " + JwtText.safe(t.typ(), 40));
        out.add("iss:       " + JwtText.safe(t.claims().getIssuer(), 200));
        out.add("aud:       " + JwtText.list(t.claims().getAudience()));
        out.add("sub:       " + JwtText.safe(t.claims().getSubject(), 200));
        out.add("exp:       " + time(t.claims().getExpirationTime(), now, "expires", "expired", "absent (refused: "
                + "the gateway requires exp)"));
        out.add("iat:       " + time(t.claims().getIssueTime(), now, "issued", "issued", "absent"));
        out.add("nbf:       " + time(t.claims().getNotBeforeTime(), now, "valid", "valid since", "absent"));
        Instant iat = instant(t.claims().getIssueTime());
        Instant exp = instant(t.claims().getExpirationTime());
        if (iat != null && exp != null) {
            out.add("lifetime:  " + JwtText.span(Duration.between(iat, exp)) + " (exp - iat)");
        }
        List<String> scopes = JwtClaims.scopes(t.claims());
        if (!scopes.isEmpty()) out.add("scopes:    " + String.join(" ", scopes));
        return out;
    }

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }

    private static String time(Date d, Instant now, String future, String past, String absent) {
        if (d == null) return absent;
        Instant at = d.toInstant();
        Duration delta = Duration.between(now, at);
        String rel = delta.isNegative() ? past + " " + JwtText.span(delta) + " ago"
                : future + " in " + JwtText.span(delta);
        return at + " (" + rel + ")";
    }
}
