package dev.authgate.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/**
 * One verification key of an issuer: its {@code kid}, its type ({@code RSA}, {@code EC} with its curve, or
 * {@code oct} for an HS secret) and a ready verifier (nimbus verifiers are thread-safe). Never prints key material.
 *
 * @param kid      the key id; null for an HS secret (which matches any {@code kid})
 * @param keyType  {@code RSA}, {@code EC} or {@code oct}
 * @param curve    {@code P-256}, {@code P-384}, {@code P-521} for EC, else null
 * @param verifier verifies a JWS with this key
 */
record JwtKey(String kid, String keyType, String curve, JWSVerifier verifier) {

    /** A public key; {@code kid} null means its RFC 7638 thumbprint. */
    static JwtKey of(PublicKey key, String kid) {
        try {
            if (key instanceof RSAPublicKey rsa) {
                RSAKey jwk = new RSAKey.Builder(rsa).build();
                return new JwtKey(kid != null ? kid : jwk.computeThumbprint().toString(), "RSA", null,
                        new RSASSAVerifier(rsa));
            }
            if (key instanceof ECPublicKey ec) {
                Curve curve = Curve.forECParameterSpec(ec.getParams());
                if (curve == null || !(curve.equals(Curve.P_256) || curve.equals(Curve.P_384)
                        || curve.equals(Curve.P_521))) {
                    throw new IllegalArgumentException("an EC key on a curve other than P-256, P-384, P-521");
                }
                ECKey jwk = new ECKey.Builder(curve, ec).build();
                return new JwtKey(kid != null ? kid : jwk.computeThumbprint().toString(), "EC", curve.getName(),
                        new ECDSAVerifier(ec));
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("an unusable " + key.getAlgorithm() + " key", e);
        }
        throw new IllegalArgumentException("a " + key.getAlgorithm() + " key (expected RSA or EC)");
    }

    /** A key from a JWKS entry, or null when it cannot verify signatures (encryption use, unsupported type). */
    static JwtKey of(JWK jwk) throws JOSEException {
        if (jwk.getKeyUse() != null && !"sig".equals(jwk.getKeyUse().identifier())) return null;
        if (jwk instanceof RSAKey rsa) return of(rsa.toRSAPublicKey(), jwk.getKeyID());
        if (jwk instanceof ECKey ec) {
            try {
                return of(ec.toECPublicKey(), jwk.getKeyID());
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /** An HS shared secret (at least 32 bytes, checked by the reader). */
    static JwtKey secret(byte[] secret) {
        try {
            return new JwtKey(null, "oct", null, new MACVerifier(secret));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("secret: " + e.getMessage(), e);
        }
    }

    /** Whether this key can verify {@code alg} (type and curve). */
    boolean fits(JwtAlgorithm alg) {
        if (!keyType.equals(alg.keyType())) return false;
        return alg.curve() == null || alg.curve().equals(curve);
    }

    /** {@code an EC P-256 key}: for details. */
    String describe() {
        return switch (keyType) {
            case "RSA" -> "an RSA key";
            case "EC" -> "an EC " + curve + " key";
            default -> "a shared secret";
        };
    }

    @Override
    public String toString() {
        return "JwtKey[" + JwtText.safe(kid, 64) + ", " + describe() + "]";
    }
}
