package dev.authgate.testing;

import dev.authgate.tls.TlsConfig;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Test PKI generated in-JVM with BouncyCastle: a dev CA and server certificates for {@code localhost} (SAN
 * {@code DNS:localhost}, {@code IP:127.0.0.1}), written as PEM files into a directory of your choice (use a JUnit
 * {@code @TempDir}). Nothing here touches {@code certs/} or needs the {@code openssl} command.
 *
 * <p>Files written by {@link #create(Path)} (all PEM):
 * <pre>
 *   ca.crt                 the CA certificate: trust this in clients ({@link #clientSslContext()}, curl --cacert)
 *   ca.key                 the CA key (PKCS#8)
 *   server.crt             EC P-256 leaf, valid from 1 h ago for 397 days        {@link #serverCert()}
 *   server-chain.crt       server.crt followed by ca.crt                         {@link #serverChain()}
 *   server.key             its key as PKCS#8  ("BEGIN PRIVATE KEY")              {@link #serverKey()}
 *   server-sec1.key        the same key as SEC1 ("BEGIN EC PRIVATE KEY")         {@link #serverKeySec1()}
 *   rsa-server.crt         RSA-2048 leaf, same names and validity                {@link #rsaCert()}
 *   rsa-server.key         its key as PKCS#8  ("BEGIN PRIVATE KEY")              {@link #rsaKey()}
 *   rsa-server-pkcs1.key   the same key as PKCS#1 ("BEGIN RSA PRIVATE KEY")      {@link #rsaKeyPkcs1()}
 *   unrelated.key          an EC P-256 PKCS#8 key that matches no certificate    {@link #unrelatedKey()}
 * </pre>
 *
 * <p>Typical use:
 * <pre>{@code
 *   @TempDir static Path dir;
 *   static TestCerts certs;
 *   @BeforeAll static void certs() { certs = TestCerts.create(dir); }
 *   ... new ListenConfig("127.0.0.1", 0, certs.tlsConfig()) ...
 *   HttpClient client = HttpClient.newBuilder().sslContext(certs.clientSslContext()).build();
 *   // https://localhost:PORT/ or https://127.0.0.1:PORT/ both verify
 * }</pre>
 *
 * <p>For expiry and reload tests, {@link #writeServerCert(Path, Instant)} writes a fresh CA-signed certificate for
 * the same EC key with a chosen {@code notAfter} (possibly in the past), e.g. over {@link #serverCert()} to simulate a
 * renewal. Instances are immutable and thread-safe; generation takes well under a second.
 */
public final class TestCerts {
    /** Subject of the test CA. */
    public static final String CA_SUBJECT = "CN=authgate test CA";
    /** Subject of the server certificates. */
    public static final String SERVER_SUBJECT = "CN=localhost";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration LEAF_VALIDITY = Duration.ofDays(397);

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final KeyPair ecKeys;
    private final X509Certificate serverCertificate;
    private final X509Certificate rsaCertificate;

    private TestCerts(Path dir, KeyPair caKeys, X509Certificate ca, KeyPair ecKeys, X509Certificate serverCertificate,
                      X509Certificate rsaCertificate) {
        this.dir = dir;
        this.caKeys = caKeys;
        this.ca = ca;
        this.ecKeys = ecKeys;
        this.serverCertificate = serverCertificate;
        this.rsaCertificate = rsaCertificate;
    }

    /**
     * Generates the CA, the EC and RSA server pairs and an unrelated key, and writes them into {@code dir}
     * (created if missing; existing files of the same names are overwritten).
     */
    public static TestCerts create(Path dir) {
        try {
            Files.createDirectories(dir);
            Instant now = Instant.now();
            KeyPair caKeys = ecKeyPair();
            X509Certificate ca = caCertificate(caKeys, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(3650)));
            KeyPair ecKeys = ecKeyPair();
            KeyPair rsaKeys = rsaKeyPair();
            X509Certificate server = leaf(caKeys, ca, ecKeys, now.minus(Duration.ofHours(1)), now.plus(LEAF_VALIDITY));
            X509Certificate rsa = leaf(caKeys, ca, rsaKeys, now.minus(Duration.ofHours(1)), now.plus(LEAF_VALIDITY));

            writePem(dir.resolve("ca.crt"), ca);
            writePem(dir.resolve("ca.key"), new JcaPKCS8Generator(caKeys.getPrivate(), null));
            writePem(dir.resolve("server.crt"), server);
            writePem(dir.resolve("server-chain.crt"), server, ca);
            writePem(dir.resolve("server.key"), new JcaPKCS8Generator(ecKeys.getPrivate(), null));
            writePem(dir.resolve("server-sec1.key"), sec1(ecKeys));
            writePem(dir.resolve("rsa-server.crt"), rsa);
            writePem(dir.resolve("rsa-server.key"), new JcaPKCS8Generator(rsaKeys.getPrivate(), null));
            writePem(dir.resolve("rsa-server-pkcs1.key"), rsaKeys.getPrivate()); // traditional form: RSA PRIVATE KEY
            writePem(dir.resolve("unrelated.key"), new JcaPKCS8Generator(ecKeyPair().getPrivate(), null));
            return new TestCerts(dir, caKeys, ca, ecKeys, server, rsa);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot generate test certificates", e);
        }
    }

    /** The directory the files were written to. */
    public Path dir() {
        return dir;
    }

    /** {@code ca.crt}: the CA certificate that signed every server certificate here. */
    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    /** {@code ca.key}: the CA's private key (PKCS#8). */
    public Path caKey() {
        return dir.resolve("ca.key");
    }

    /** {@code server.crt}: the EC P-256 localhost leaf certificate alone. */
    public Path serverCert() {
        return dir.resolve("server.crt");
    }

    /** {@code server-chain.crt}: the EC leaf followed by the CA certificate. */
    public Path serverChain() {
        return dir.resolve("server-chain.crt");
    }

    /** {@code server.key}: the EC leaf's key as PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /** {@code server-sec1.key}: the EC leaf's key as SEC1 ({@code BEGIN EC PRIVATE KEY}). */
    public Path serverKeySec1() {
        return dir.resolve("server-sec1.key");
    }

    /** {@code rsa-server.crt}: an RSA-2048 localhost leaf certificate. */
    public Path rsaCert() {
        return dir.resolve("rsa-server.crt");
    }

    /** {@code rsa-server.key}: the RSA leaf's key as PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public Path rsaKey() {
        return dir.resolve("rsa-server.key");
    }

    /** {@code rsa-server-pkcs1.key}: the RSA leaf's key as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). */
    public Path rsaKeyPkcs1() {
        return dir.resolve("rsa-server-pkcs1.key");
    }

    /** {@code unrelated.key}: an EC key (PKCS#8) that belongs to no certificate, for mismatch tests. */
    public Path unrelatedKey() {
        return dir.resolve("unrelated.key");
    }

    /** The CA certificate, e.g. for a Netty client's {@code SslContextBuilder.forClient().trustManager(...)}. */
    public X509Certificate caCertificate() {
        return ca;
    }

    /** The EC leaf certificate as written to {@link #serverCert()}. */
    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    /** The RSA leaf certificate as written to {@link #rsaCert()}. */
    public X509Certificate rsaCertificate() {
        return rsaCertificate;
    }

    /** {@code listen.tls} for the default pair: {@link #serverCert()} + {@link #serverKey()}, both protocols. */
    public TlsConfig tlsConfig() {
        return new TlsConfig(serverCert(), serverKey(), null);
    }

    /** {@code listen.tls} for any cert/key files, default protocols (TLSv1.3, TLSv1.2). */
    public TlsConfig tlsConfig(Path cert, Path key) {
        return new TlsConfig(cert, key, null);
    }

    /**
     * A client {@link SSLContext} ({@code "TLS"}: 1.3 and 1.2) that trusts only the test CA. Use it with
     * {@code java.net.http.HttpClient.newBuilder().sslContext(...)} or {@code getSocketFactory()} for raw
     * {@code SSLSocket}s. Hostname verification still applies: connect to {@code localhost} or {@code 127.0.0.1}.
     * A new context on each call.
     */
    public SSLContext clientSslContext() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("authgate-test-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the test client SSLContext", e);
        }
    }

    /**
     * Writes to {@code target} a new CA-signed localhost certificate for the default EC key ({@link #serverKey()}
     * still matches it) valid until {@code notAfter}, which may be in the past for an expired certificate. Its
     * {@code notBefore} is one hour ago, or one day before {@code notAfter} if that is earlier. Each call gets a
     * fresh serial number, so a swapped certificate is distinguishable from the old one.
     *
     * @return the certificate written
     */
    public X509Certificate writeServerCert(Path target, Instant notAfter) {
        Instant oneHourAgo = Instant.now().minus(Duration.ofHours(1));
        Instant dayBefore = notAfter.minus(Duration.ofDays(1));
        return writeServerCert(target, dayBefore.isBefore(oneHourAgo) ? dayBefore : oneHourAgo, notAfter);
    }

    /** As {@link #writeServerCert(Path, Instant)} with an explicit validity window. */
    public X509Certificate writeServerCert(Path target, Instant notBefore, Instant notAfter) {
        try {
            X509Certificate cert = leaf(caKeys, ca, ecKeys, notBefore, notAfter);
            writePem(target, cert);
            return cert;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot generate a test certificate", e);
        }
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return gen.generateKeyPair();
    }

    private static KeyPair rsaKeyPair() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048, RANDOM);
        return gen.generateKeyPair();
    }

    private static X509Certificate caCertificate(KeyPair keys, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
        X500Name name = new X500Name(CA_SUBJECT);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(notBefore),
                Date.from(notAfter), name, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        return sign(b, keys);
    }

    private static X509Certificate leaf(KeyPair caKeys, X509Certificate ca, KeyPair keys, Instant notBefore,
                                        Instant notAfter)
            throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        boolean rsa = "RSA".equals(keys.getPublic().getAlgorithm());
        int usage = KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : 0);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(notBefore),
                Date.from(notAfter), new X500Name(SERVER_SUBJECT), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        return sign(b, caKeys);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    /**
     * SEC1 as openssl writes it: with the curve OID and the public point. BouncyCastle's writer, given a JDK key,
     * would omit the curve, which no tool can read back.
     */
    private static PemObject sec1(KeyPair keys) throws IOException {
        PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner =
                org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
        DERBitString publicPoint = new DERBitString(
                SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes());
        org.bouncycastle.asn1.sec.ECPrivateKey full = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(),
                publicPoint, pkcs8.getPrivateKeyAlgorithm().getParameters());
        return new PemObject("EC PRIVATE KEY", full.getEncoded());
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static void writePem(Path file, Object... objects) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             JcaPEMWriter pem = new JcaPEMWriter(w)) {
            for (Object o : List.of(objects)) {
                pem.writeObject(o);
            }
        }
    }
}
