package dev.authgate.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PEM certificate chains and private keys with BouncyCastle's {@link PEMParser}.
 *
 * <p>Every failure is an {@link IllegalArgumentException} whose message starts with the config field ({@code cert: }
 * or {@code key: }) and the file, then the problem. Messages about the key never quote the file's content nor a
 * parser's message (which could echo key bytes).
 */
final class PemFiles {
    static final String CERT = "cert";
    static final String KEY = "key";

    private PemFiles() {
    }

    /** The certificates in {@code file}, in file order (leaf first); other PEM blocks (e.g. a key) are ignored. */
    static List<X509Certificate> readCertificates(Path file) {
        return readCertificates(CERT, file);
    }

    /** As {@link #readCertificates(Path)}, with problems named after {@code field} (e.g. {@code client_ca}). */
    static List<X509Certificate> readCertificates(String field, Path file) {
        List<Object> objects = readPem(field, file, true);
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certs = new ArrayList<>();
        for (Object o : objects) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    certs.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw problem(field, file, "certificate #" + (certs.size() + 1) + " is not a valid X.509 certificate ("
                            + e.getMessage() + ")");
                }
            }
        }
        if (certs.isEmpty()) {
            throw problem(field, file, "no PEM certificate found (expected a -----BEGIN CERTIFICATE----- block)");
        }
        return List.copyOf(certs);
    }

    /** The first private key in {@code file}: PKCS#8, PKCS#1 (RSA) or SEC1 (EC); encrypted keys are refused. */
    static PrivateKey readPrivateKey(Path file) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : readPem(KEY, file, false)) {
            try {
                if (o instanceof PrivateKeyInfo info) {                  // -----BEGIN PRIVATE KEY----- (PKCS#8)
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {                      // RSA PRIVATE KEY (PKCS#1), EC PRIVATE KEY (SEC1)
                    return converter.getPrivateKey(pair.getPrivateKeyInfo()); // public half not needed (and optional in SEC1)
                }
            } catch (IOException | RuntimeException e) {
                // Deliberately no parser message: it may describe key bytes.
                throw problem(KEY, file, "the private key could not be decoded (unsupported algorithm, EC key without its curve, or corrupt)");
            }
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw problem(KEY, file, "the private key is encrypted; authgate needs an unencrypted key "
                        + "(decrypt it with: openssl pkey -in " + file + " -out server.key, and keep it readable only "
                        + "by the gateway user)");
            }
            // Anything else (a certificate in a combined file, EC PARAMETERS before a SEC1 key) is skipped.
        }
        throw problem(KEY, file, "no PEM private key found (expected a PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block)");
    }

    private static List<Object> readPem(String field, Path file, boolean quoteParserMessage) {
        if (!Files.exists(file)) {
            throw problem(field, file, "file not found");
        }
        if (Files.isDirectory(file)) {
            throw problem(field, file, "is a directory, expected a PEM file");
        }
        String text;
        try {
            // ISO-8859-1 never fails to decode, so text around the PEM blocks (openssl -text output) is tolerated.
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw problem(field, file, "file not found");
        } catch (AccessDeniedException e) {
            throw problem(field, file, "permission denied (the gateway user must be able to read it)");
        } catch (IOException e) {
            throw problem(field, file, "cannot read (" + e.getClass().getSimpleName() + ")");
        }
        if (!text.contains("-----BEGIN ")) {
            throw problem(field, file, "not a PEM file (no -----BEGIN block; convert DER with openssl "
                    + (KEY.equals(field) ? "pkey" : "x509") + " -inform der)");
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                objects.add(o);
            }
        } catch (IOException | RuntimeException e) {
            String detail = quoteParserMessage && e.getMessage() != null ? " (" + e.getMessage() + ")" : "";
            throw problem(field, file, "malformed PEM" + detail);
        }
        return objects;
    }

    static IllegalArgumentException problem(String field, Path file, String what) {
        return new IllegalArgumentException(field + ": " + display(file) + ": " + what);
    }

    static String display(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }
}
