package dev.authgate.auth.jwt;

import dev.authgate.config.Secret;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An issuer's {@code keys:} (PEM public keys or certificates) or {@code secret:}, loaded with the config. */
final class StaticKeys implements KeySource {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final Pattern KID = Pattern.compile("(?m)^\\s*kid:\\s*(\\S+)\\s*$");

    private final KeySet keys;

    private StaticKeys(KeySet keys) {
        this.keys = keys;
    }

    /** Keys built elsewhere (tests: RFC 7515 vectors with binary HS keys). */
    static StaticKeys of(KeySet keys) {
        return new StaticKeys(keys);
    }

    /** {@code keys:}: each secret holds one or more PEM blocks, optionally with a {@code kid: NAME} line. */
    static StaticKeys pem(List<Secret> pems, Instant now) {
        List<JwtKey> out = new ArrayList<>();
        for (int i = 0; i < pems.size(); i++) {
            String text = pems.get(i).reveal();
            Matcher kidLine = KID.matcher(text);
            String kid = kidLine.find() ? kidLine.group(1) : null;
            Matcher m = PEM.matcher(text);
            int found = 0;
            while (m.find()) {
                found++;
                try {
                    out.add(JwtKey.of(publicKey(m.group(1), m.group(2)), kid));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("keys[" + i + "]: " + e.getMessage(), e);
                }
            }
            if (found == 0) {
                throw new IllegalArgumentException("keys[" + i + "]: no PEM block (expected -----BEGIN PUBLIC KEY-----"
                        + " or -----BEGIN CERTIFICATE-----)");
            }
        }
        return new StaticKeys(new KeySet(out, now));
    }

    /** {@code secret:}: an HS shared secret. */
    static StaticKeys secret(Secret secret, Instant now) {
        return new StaticKeys(new KeySet(List.of(JwtKey.secret(secret.utf8())), now));
    }

    static PublicKey publicKey(String type, String base64) {
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + type + " block is not base64", e);
        }
        if (type.equals("CERTIFICATE")) {
            try {
                return CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
            } catch (CertificateException e) {
                throw new IllegalArgumentException("the CERTIFICATE block is not an X.509 certificate", e);
            }
        }
        if (!type.equals("PUBLIC KEY")) {
            throw new IllegalArgumentException("a " + type + " block (expected PUBLIC KEY or CERTIFICATE"
                    + (type.contains("PRIVATE") ? "; never give the gateway a private key" : "") + ")");
        }
        for (String alg : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // try the next type
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(alg + " is missing from the JDK", e);
            }
        }
        throw new IllegalArgumentException("the PUBLIC KEY block is neither an RSA nor an EC key");
    }

    @Override
    public KeySet keys(Instant now) {
        return keys;
    }

    @Override
    public CompletionStage<KeySet> refetchForUnknownKid(Instant now) {
        return CompletableFuture.completedFuture(keys);
    }

    @Override
    public Instant lastRefetch() {
        return null;
    }

    @Override
    public boolean loadedOnce() {
        return true;
    }

    @Override
    public long retryAfterSeconds(Instant now) {
        return 0;
    }

    @Override
    public String unavailableDetail(Instant now) {
        return "static keys are always loaded";
    }
}
