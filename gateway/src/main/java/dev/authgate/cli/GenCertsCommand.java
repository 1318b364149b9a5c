package dev.authgate.cli;

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
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code authgate gen-certs [--dir certs] [--force]}: the same development PKI as {@code scripts/gen-certs}, without
 * the openssl command (so the demo runs on a machine with only a JDK). Writes EC P-256 {@code ca.crt}/{@code ca.key}
 * (10 years, CN "authgate dev CA") and {@code server.crt}/{@code server.key} (397 days, SAN DNS:localhost and
 * IP:127.0.0.1, signed by the CA); keys are PKCS#8 PEM with mode 600 where the file system supports POSIX modes.
 * Does nothing when all four files exist (unless {@code --force}); reuses an existing CA when only the server pair is
 * missing, so clients that trust it keep working. Exit 0 on success, 1 on an I/O or crypto failure. Dev only.
 */
@Command(mixinStandardHelpOptions = true, name = "gen-certs",
        description = "Make a dev CA and a localhost server certificate (as scripts/gen-certs does, without openssl).")
public final class GenCertsCommand implements Callable<Integer> {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Option(names = "--dir", defaultValue = "certs", description = "where to write (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--force", description = "regenerate everything, the CA included")
    boolean force;

    @Override
    public Integer call() {
        Path caCrt = dir.resolve("ca.crt");
        Path caKey = dir.resolve("ca.key");
        Path serverCrt = dir.resolve("server.crt");
        Path serverKey = dir.resolve("server.key");
        try {
            if (!force && nonEmpty(caCrt) && nonEmpty(caKey) && nonEmpty(serverCrt) && nonEmpty(serverKey)) {
                System.out.println("gen-certs: certificates already present in " + dir + " (use --force to regenerate)");
                return 0;
            }
            Files.createDirectories(dir);
            Instant now = Instant.now();
            KeyPair caKeys;
            X509Certificate ca;
            if (force || !nonEmpty(caCrt) || !nonEmpty(caKey)) {
                caKeys = ecKeyPair();
                ca = caCertificate(caKeys, now);
                writeKey(caKey, caKeys.getPrivate());
                writeCert(caCrt, ca);
                System.out.println("gen-certs: wrote " + caCrt + " and " + caKey);
            } else {
                ca = readCert(caCrt);
                caKeys = new KeyPair(ca.getPublicKey(), readKey(caKey));
                System.out.println("gen-certs: reusing the CA in " + caCrt);
            }
            KeyPair serverKeys = ecKeyPair();
            // 397 days: the longest validity browsers accept for a server certificate.
            X509Certificate server = leaf(caKeys, ca, serverKeys, now, now.plus(Duration.ofDays(397)));
            server.verify(ca.getPublicKey());
            writeKey(serverKey, serverKeys.getPrivate());
            writeCert(serverCrt, server);
            System.out.println("gen-certs: wrote " + serverCrt + " and " + serverKey + " (localhost, 127.0.0.1; expires "
                    + server.getNotAfter().toInstant() + ")");
            return 0;
        } catch (IOException | java.security.GeneralSecurityException
                 | org.bouncycastle.operator.OperatorCreationException | RuntimeException e) {
            System.err.println("gen-certs: " + e.getMessage());
            return 1;
        }
    }

    private static boolean nonEmpty(Path file) throws IOException {
        return Files.isRegularFile(file) && Files.size(file) > 0;
    }

    private static KeyPair ecKeyPair() throws java.security.GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return gen.generateKeyPair();
    }

    private static X509Certificate caCertificate(KeyPair keys, Instant now)
            throws java.security.GeneralSecurityException, IOException,
            org.bouncycastle.operator.OperatorCreationException {
        X500Name name = new X500Name("CN=authgate dev CA");
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(3650))), name, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        return sign(b, keys.getPrivate());
    }

    private static X509Certificate leaf(KeyPair caKeys, X509Certificate ca, KeyPair keys, Instant now, Instant notAfter)
            throws java.security.GeneralSecurityException, IOException,
            org.bouncycastle.operator.OperatorCreationException {
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(60)),
                Date.from(notAfter), new X500Name("CN=localhost"), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        return sign(b, caKeys.getPrivate());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws java.security.GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate readCert(Path file) throws IOException, java.security.GeneralSecurityException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (!(o instanceof X509CertificateHolder holder)) {
                throw new IOException(file + ": no PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        }
    }

    /** The CA key as openssl or this command writes it: PKCS#8 or SEC1 ("EC PRIVATE KEY"). */
    private static PrivateKey readKey(Path file) throws IOException {
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

    private static void writeCert(Path file, X509Certificate cert) throws IOException {
        writePem(file, cert, "rw-r--r--");
    }

    private static void writeKey(Path file, PrivateKey key) throws IOException {
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
