package dev.authgate.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Proves that a private key belongs to a certificate by signing a random challenge with the key and verifying it with
 * the certificate's public key. Works for RSA and EC without comparing algorithm-specific key fields.
 */
final class KeyMatch {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyMatch() {
    }

    static void check(PrivateKey key, X509Certificate leaf, Path keyFile, Path certFile) {
        PublicKey pub = leaf.getPublicKey();
        String keyAlg = key.getAlgorithm();
        String certAlg = pub.getAlgorithm();
        if (!keyAlg.equals(certAlg)) {
            throw mismatch(keyFile, certFile, " (the key is " + keyAlg + ", the certificate's key is " + certAlg + ")");
        }
        String sigAlg = signatureAlgorithm(keyAlg);
        if (sigAlg == null) {
            throw PemFiles.problem(PemFiles.KEY, keyFile, "unsupported key algorithm " + keyAlg + " (expected RSA or EC)");
        }
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        boolean ok;
        try {
            Signature signer = Signature.getInstance(sigAlg);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(sigAlg);
            verifier.initVerify(pub);
            verifier.update(challenge);
            ok = verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // e.g. an EC key on a different curve than the certificate's: that is a mismatch too.
            ok = false;
        }
        if (!ok) {
            throw mismatch(keyFile, certFile, "");
        }
    }

    private static String signatureAlgorithm(String keyAlg) {
        switch (keyAlg) {
            case "RSA":
                return "SHA256withRSA";
            case "EC":
                return "SHA256withECDSA";
            default:
                return null;
        }
    }

    private static IllegalArgumentException mismatch(Path keyFile, Path certFile, String detail) {
        return PemFiles.problem(PemFiles.KEY, keyFile, "does not match the certificate in "
                + PemFiles.display(certFile) + (detail.isEmpty() ? " (check that cert and key come from the same pair)" : detail));
    }
}
