package dev.authgate.auth.jwt;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;

import java.text.ParseException;
import java.util.Map;

/**
 * A compact JWS as received, split and parsed but not verified (RFC 7515 §7.1). {@link #parse} decides only
 * "is this a JWT at all": three base64url parts, a JSON header with a string {@code alg}, JSON claims. Which
 * {@code alg} is allowed, which key verifies it and whether the claims pass is decided by {@link JwtVerifier}.
 *
 * <p>Never holds more than it needs and never prints the token or its signature ({@link #toString}).
 */
final class JwtToken {
    /** Larger tokens are refused before decoding (the header limit already bounds them; this bounds the work). */
    static final int MAX_LENGTH = 16 * 1024;

    private final String alg;
    private final JWSObject jws;
    private final JWTClaimsSet claims;
    private volatile String factsPrefix; // computed once: a remembered token (VerifiedTokens) is judged many times

    private JwtToken(String alg, JWSObject jws, JWTClaimsSet claims) {
        this.alg = alg;
        this.jws = jws;
        this.claims = claims;
    }

    /** Why a token is not a JWT: the detail of a {@code token_malformed}. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The {@code alg} of a token whose header parsed but which is not a JWS (e.g. {@code none}, RFC 7515 A.5): the
     * verifier refuses it as {@code token_algorithm_not_allowed}, not as malformed.
     */
    static final class UnsignedAlgorithm extends Exception {
        private static final long serialVersionUID = 1L;
        private final String alg;

        UnsignedAlgorithm(String alg) {
            super("alg " + alg, null, false, false);
            this.alg = alg;
        }

        String alg() {
            return alg;
        }
    }

    /**
     * Splits and parses {@code token}.
     *
     * @throws Malformed         not three base64url parts, or the header or the claims are not JSON objects
     * @throws UnsignedAlgorithm the header names {@code alg: none} or an algorithm no issuer could allow
     */
    static JwtToken parse(String token) throws Malformed, UnsignedAlgorithm {
        if (token.length() > MAX_LENGTH) throw new Malformed("token is " + token.length() + " chars (limit "
                + MAX_LENGTH + ")");
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            int dots = (int) token.chars().filter(c -> c == '.').count();
            throw new Malformed("not a compact JWS: " + (dots + 1) + " part" + (dots == 0 ? "" : "s")
                    + " separated by '.' (expected 3: header.claims.signature)"
                    + (dots == 4 ? "; 5 parts is an encrypted JWE, which the gateway does not decrypt" : ""));
        }
        String h = token.substring(0, first);
        String p = token.substring(first + 1, second);
        String s = token.substring(second + 1);
        checkBase64Url("header", h, false);
        checkBase64Url("claims", p, false);
        checkBase64Url("signature", s, true);
        Map<String, Object> header = json("header", h);
        Object algValue = header.get("alg");
        if (!(algValue instanceof String)) throw new Malformed("the header has no string \"alg\"");
        String alg = (String) algValue;
        if (JwtAlgorithm.of(alg) == null) throw new UnsignedAlgorithm(alg);
        JWSObject jws;
        try {
            jws = new JWSObject(new Base64URL(h), new Base64URL(p), new Base64URL(s));
        } catch (ParseException e) {
            throw new Malformed("the header is not a JWS header: " + safeMessage(e));
        }
        Map<String, Object> claimsJson = json("claims", p);
        JWTClaimsSet claims;
        try {
            claims = JWTClaimsSet.parse(claimsJson);
        } catch (ParseException e) {
            throw new Malformed("the claims are not valid JWT claims: " + safeMessage(e));
        }
        return new JwtToken(alg, jws, claims);
    }

    private static void checkBase64Url(String part, String value, boolean signature) throws Malformed {
        if (value.isEmpty()) {
            throw new Malformed("the " + part + " part is empty" + (signature ? " (an unsigned token)" : ""));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_';
            if (!ok) {
                throw new Malformed("the " + part + " part is not base64url (character " + (i + 1) + " is "
                        + (c == '=' ? "'=' padding" : c == '+' || c == '/' ? "'" + c + "' of standard base64"
                        : "not in [A-Za-z0-9_-]") + ")");
            }
        }
        if (value.length() % 4 == 1) throw new Malformed("the " + part + " part has an impossible base64url length");
    }

    private static Map<String, Object> json(String part, String b64) throws Malformed {
        String text = new Base64URL(b64).decodeToString();
        try {
            return JSONObjectUtils.parse(text);
        } catch (ParseException e) {
            throw new Malformed("the " + part + " part is not a JSON object");
        }
    }

    /** A parser message, cut short: it may quote input, and the detail must stay one readable line. */
    private static String safeMessage(ParseException e) {
        String m = e.getMessage() == null ? "unreadable" : e.getMessage();
        return JwtText.safe(m, 80);
    }

    /** The header's {@code alg} as sent. */
    String alg() {
        return alg;
    }

    /** The parsed algorithm (never null for a parsed token). */
    JwtAlgorithm algorithm() {
        return JwtAlgorithm.of(alg);
    }

    /** The header's {@code kid}, or null. */
    String kid() {
        return jws.getHeader().getKeyID();
    }

    /** The header's {@code typ}, or null. */
    String typ() {
        return jws.getHeader().getType() == null ? null : jws.getHeader().getType().getType();
    }

    JWSObject jws() {
        return jws;
    }

    /** {@code iss=... aud=[...] kid=... alg=...}: the facts of {@link JwtVerdict#facts} that do not depend on time. */
    String factsPrefix() {
        String p = factsPrefix;
        if (p == null) {
            p = "iss=" + JwtText.safe(claims.getIssuer(), 200) + " aud=" + JwtText.list(claims.getAudience())
                    + " kid=" + JwtText.safe(kid(), 64) + " alg=" + JwtText.safe(alg(), 16);
            factsPrefix = p;
        }
        return p;
    }

    JWTClaimsSet claims() {
        return claims;
    }

    /** Never the token or its signature. */
    @Override
    public String toString() {
        return "JwtToken[alg=" + JwtText.safe(alg, 16) + ", kid=" + JwtText.safe(kid(), 64) + "]";
    }
}
