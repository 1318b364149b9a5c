package dev.authgate.cli;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * The development PKI pieces {@link GenCertsCommand} assembles, with BouncyCastle: EC P-256 keys, a CA certificate,
 * leaf certificates for a server or a client, and PEM files written with their final mode (keys PKCS#8, mode 600).
 * Mirrors what {@code scripts/gen-certs} does with the openssl command.
 */
final class DevPki {
    private static final SecureRandom RANDOM = new SecureRandom();

    private DevPki() {
    }

    /** A CA that signs leaves: its certificate and key pair. */
    record Ca(X509Certificate cert, KeyPair keys) {
    }

    static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return gen.generateKeyPair();
    }

    /** A self-signed CA certificate (10 years, CA:TRUE, keyCertSign and cRLSign). */
    static X509Certificate caCertificate(String subject, KeyPair keys, Instant now)
            throws GeneralSecurityException, IOException, OperatorCreationException {
        X500Name name = new X500Name(subject);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(3650))), name, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        return sign(b, keys.getPrivate());
    }

    /**
     * A leaf signed by the CA (CA:FALSE, digitalSignature), valid from a minute ago until {@code notAfter}.
     *
     * @param usage {@code serverAuth} or {@code clientAuth}
     * @param sans  the subject alternative names
     */
    static X509Certificate leaf(Ca ca, String subject, PublicKey key, Instant now, Instant notAfter,
                                KeyPurposeId usage, GeneralName... sans)
            throws GeneralSecurityException, IOException, OperatorCreationException {
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.cert(), serial(),
                Date.from(now.minusSeconds(60)), Date.from(notAfter), new X500Name(subject), key)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.cert()));
        X509Certificate cert = sign(b, ca.keys().getPrivate());
        cert.verify(ca.cert().getPublicKey());
        return cert;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    static boolean nonEmpty(Path file) throws IOException {
        return Files.isRegularFile(file) && Files.size(file) > 0;
    }

    /** An existing CA as openssl or this command wrote it (key PKCS#8 or SEC1). */
    static Ca readCa(Path crt, Path key) throws IOException, GeneralSecurityException {
        X509Certificate cert = readCert(crt);
        return new Ca(cert, new KeyPair(cert.getPublicKey(), readKey(key)));
    }

    static X509Certificate readCert(Path file) throws IOException, GeneralSecurityException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (!(o instanceof X509CertificateHolder holder)) {
                throw new IOException(file + ": no PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        }
    }

    /** A private key: PKCS#8 or SEC1 ("EC PRIVATE KEY"). */
    static PrivateKey readKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException(file + ": no unencrypted PEM private key");
        }
    }

    static void writeCert(Path file, X509Certificate cert) throws IOException {
        writePem(file, cert, "rw-r--r--");
    }

    /** A public key as {@code -----BEGIN PUBLIC KEY-----} (SubjectPublicKeyInfo), mode 644. */
    static void writePublicKey(Path file, PublicKey key) throws IOException {
        writePem(file, key, "rw-r--r--");
    }

    static void writeKey(Path file, PrivateKey key) throws IOException {
        writePem(file, new JcaPKCS8Generator(key, null), "rw-------");
    }

    /** Writes to a temporary file created with its final mode, then moves it into place: a key is never readable by others. */
    private static void writePem(Path file, Object pemObject, String mode) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp;
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
            tmp = Files.createTempFile(dir, ".gen-certs", ".tmp", PosixFilePermissions.asFileAttribute(perms));
        } else {
            tmp = Files.createTempFile(dir, ".gen-certs", ".tmp");
        }
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII); JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(pemObject);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
