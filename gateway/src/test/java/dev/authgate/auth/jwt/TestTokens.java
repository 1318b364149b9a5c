package dev.authgate.auth.jwt;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Tokens minted with the JDK alone (Signature, Mac, KeyPairGenerator), independent of nimbus, the library the code
 * under test uses: a JSON writer for flat claims, base64url, RSA PKCS#1 v1.5 and PSS, ECDSA with the DER signature
 * turned into JOSE's R||S, HMAC. Also PEM and JWK forms of public keys for configs and JWKS servers.
 */
public final class TestTokens {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Map<String, KeyPair> KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    private TestTokens() {
    }

    /** A key pair per name, generated once per JVM ({@code rsa}, {@code ec256}, {@code ec384}, {@code ec521}). */
    public static KeyPair keys(String name) {
        return KEYS.computeIfAbsent(name, n -> {
            try {
                if (n.startsWith("rsa")) {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(2048);
                    return g.generateKeyPair();
                }
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                String curve = n.startsWith("ec384") ? "secp384r1" : n.startsWith("ec521") ? "secp521r1"
                        : "secp256r1";
                g.initialize(new ECGenParameterSpec(curve));
                return g.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** A claims builder with JSON written by hand. */
    public static Claims claims() {
        return new Claims();
    }

    public static final class Claims {
        private final Map<String, Object> values = new LinkedHashMap<>();

        public Claims set(String name, Object value) {
            values.put(name, value);
            return this;
        }

        public Claims iss(String v) {
            return set("iss", v);
        }

        public Claims sub(String v) {
            return set("sub", v);
        }

        public Claims aud(Object v) {
            return set("aud", v);
        }

        public Claims exp(Instant t) {
            return set("exp", t.getEpochSecond());
        }

        public Claims nbf(Instant t) {
            return set("nbf", t.getEpochSecond());
        }

        public Claims iat(Instant t) {
            return set("iat", t.getEpochSecond());
        }

        public Claims remove(String name) {
            values.remove(name);
            return this;
        }

        public String json() {
            return TestTokens.json(values);
        }
    }

    static String json(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') sb.append('\\').append(c);
                else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                else sb.append(c);
            }
            return sb.append('"').toString();
        }
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        if (v instanceof List<?> l) return l.stream().map(TestTokens::json).collect(Collectors.joining(",", "[", "]"));
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> json(e.getKey()) + ":" + json(e.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        }
        throw new IllegalArgumentException(v.getClass().toString());
    }

    public static String b64(byte[] b) {
        return B64.encodeToString(b);
    }

    public static String b64(String s) {
        return b64(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A header JSON {@code {"alg":..,"kid":..,"typ":..}} (kid, typ omitted when null). */
    public static String header(String alg, String kid, String typ) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", alg);
        if (kid != null) h.put("kid", kid);
        if (typ != null) h.put("typ", typ);
        return json(h);
    }

    /** Signs {@code header.claims} with a private key (RS*, PS*, ES*). */
    public static String sign(String headerJson, String claimsJson, PrivateKey key, String alg) {
        String input = b64(headerJson) + "." + b64(claimsJson);
        return input + "." + b64(signature(input.getBytes(StandardCharsets.US_ASCII), key, alg));
    }

    /** Signs {@code header.claims} with an HS secret. */
    public static String hmac(String headerJson, String claimsJson, byte[] secret, String alg) {
        String input = b64(headerJson) + "." + b64(claimsJson);
        try {
            String jca = "Hmac" + "SHA" + alg.substring(2);
            Mac mac = Mac.getInstance(jca);
            mac.init(new SecretKeySpec(secret, jca));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] signature(byte[] input, PrivateKey key, String alg) {
        try {
            String bits = alg.substring(2);
            Signature s;
            switch (alg.charAt(0)) {
                case 'R' -> s = Signature.getInstance("SHA" + bits + "withRSA");
                case 'P' -> {
                    s = Signature.getInstance("RSASSA-PSS");
                    String md = "SHA-" + bits;
                    s.setParameter(new PSSParameterSpec(md, "MGF1", new MGF1ParameterSpec(md),
                            Integer.parseInt(bits) / 8, 1));
                }
                case 'E' -> s = Signature.getInstance("SHA" + bits + "withECDSA");
                default -> throw new IllegalArgumentException(alg);
            }
            s.initSign(key);
            s.update(input);
            byte[] sig = s.sign();
            if (alg.charAt(0) == 'E') {
                int size = bits.equals("512") ? 66 : Integer.parseInt(bits) / 8;
                return derToJose(sig, size);
            }
            return sig;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ECDSA's DER SEQUENCE { INTEGER r, INTEGER s } to JOSE's fixed-width R||S (RFC 7518 §3.4). */
    static byte[] derToJose(byte[] der, int size) {
        int i = 2;
        if ((der[1] & 0x80) != 0) i = 2 + (der[1] & 0x7f);
        int rLen = der[i + 1];
        byte[] r = java.util.Arrays.copyOfRange(der, i + 2, i + 2 + rLen);
        i = i + 2 + rLen;
        int sLen = der[i + 1];
        byte[] s = java.util.Arrays.copyOfRange(der, i + 2, i + 2 + sLen);
        byte[] out = new byte[2 * size];
        copyUnsigned(r, out, 0, size);
        copyUnsigned(s, out, size, size);
        return out;
    }

    private static void copyUnsigned(byte[] v, byte[] out, int offset, int size) {
        byte[] u = new BigInteger(1, v).toByteArray();
        int start = u.length > size ? u.length - size : 0;
        int len = u.length - start;
        System.arraycopy(u, start, out, offset + size - len, len);
    }

    /** {@code -----BEGIN PUBLIC KEY-----} for a config's {@code keys:}. */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    /** The public key as one JWK JSON object with {@code kid}. */
    public static String jwk(PublicKey key, String kid) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (key instanceof RSAPublicKey rsa) {
            m.put("kty", "RSA");
            m.put("kid", kid);
            m.put("use", "sig");
            m.put("n", b64(unsigned(rsa.getModulus(), 0)));
            m.put("e", b64(unsigned(rsa.getPublicExponent(), 0)));
        } else {
            ECPublicKey ec = (ECPublicKey) key;
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            int size = (bits + 7) / 8;
            m.put("kty", "EC");
            m.put("kid", kid);
            m.put("crv", bits == 256 ? "P-256" : bits == 384 ? "P-384" : "P-521");
            m.put("x", b64(unsigned(ec.getW().getAffineX(), size)));
            m.put("y", b64(unsigned(ec.getW().getAffineY(), size)));
        }
        return json(m);
    }

    /** {@code {"keys":[...]}}. */
    public static String jwks(String... jwks) {
        return "{\"keys\":[" + String.join(",", jwks) + "]}";
    }

    private static byte[] unsigned(BigInteger v, int size) {
        byte[] b = v.toByteArray();
        if (b[0] == 0 && b.length > 1) b = java.util.Arrays.copyOfRange(b, 1, b.length);
        if (size == 0 || b.length == size) return b;
        byte[] out = new byte[size];
        System.arraycopy(b, 0, out, size - b.length, b.length);
        return out;
    }
}
