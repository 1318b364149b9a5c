package dev.authgate.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * A client-certificate PKI made in the test with BouncyCastle (independent of the gateway's own code): a CA, optional
 * intermediates, leaf certificates with chosen subject, SANs, validity and extended key usage, CRLs, and the
 * {@link SSLSocketFactory} a client presents a certificate with. Immutable apart from the files it writes.
 */
public final class ClientPki {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keys;
    private final X509Certificate cert;
    private final List<X509Certificate> sentAfterLeaf; // intermediates a client sends with a leaf of this CA

    private ClientPki(KeyPair keys, X509Certificate cert, List<X509Certificate> sentAfterLeaf) {
        this.keys = keys;
        this.cert = cert;
        this.sentAfterLeaf = List.copyOf(sentAfterLeaf);
    }

    /** A client certificate with its key and the chain the client sends (leaf first, intermediates after). */
    public record Issued(X509Certificate cert, KeyPair keys, List<X509Certificate> chain) {
        /** A socket factory that presents this certificate and trusts the gateway's test CA. */
        public SSLSocketFactory sockets(TestCerts server) {
            return ClientPki.sockets(server, this);
        }

        public BigInteger serial() {
            return cert.getSerialNumber();
        }
    }

    /** A new self-signed root CA named {@code subject}. */
    public static ClientPki root(String subject) {
        try {
            KeyPair k = ecKeys();
            Instant now = Instant.now();
            X500Name name = name(subject);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))), name,
                    k.getPublic());
            caExtensions(b, k);
            return new ClientPki(k, sign(b, k), List.of());
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An intermediate CA issued by this one. */
    public ClientPki intermediate(String subject) {
        try {
            KeyPair k = ecKeys();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(cert, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1000))),
                    name(subject), k.getPublic());
            caExtensions(b, k);
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(cert));
            X509Certificate c = sign(b, keys);
            List<X509Certificate> sent = new ArrayList<>();
            sent.add(c);
            sent.addAll(sentAfterLeaf);
            return new ClientPki(k, c, sent);
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    public X509Certificate certificate() {
        return cert;
    }

    /** A client certificate valid from an hour ago for a year, with extended key usage clientAuth. */
    public Issued issue(String subject, List<String> uriSans, List<String> dnsSans) {
        Instant now = Instant.now();
        return issue(subject, uriSans, dnsSans, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)),
                KeyPurposeId.id_kp_clientAuth);
    }

    /** A certificate with the given validity and extended key usage (null: no EKU extension). */
    public Issued issue(String subject, List<String> uriSans, List<String> dnsSans, Instant notBefore,
                        Instant notAfter, KeyPurposeId usage) {
        try {
            KeyPair k = ecKeys();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(cert, serial(), Date.from(notBefore),
                    Date.from(notAfter), name(subject), k.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            if (usage != null) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage));
            }
            List<GeneralName> names = new ArrayList<>();
            uriSans.forEach(u -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
            dnsSans.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
            if (!names.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(new GeneralName[0])));
            }
            X509Certificate leaf = sign(b, keys);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(leaf);
            chain.addAll(sentAfterLeaf);
            return new Issued(leaf, k, List.copyOf(chain));
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes this CA's certificate as PEM. */
    public Path writeCert(Path file) {
        write(file, cert);
        return file;
    }

    /** Writes a CRL of this CA (next update in a week) revoking {@code serials}. */
    public Path writeCrl(Path file, BigInteger... serials) {
        try {
            Instant now = Instant.now();
            X509v2CRLBuilder b = new JcaX509v2CRLBuilder(cert, Date.from(now.minus(Duration.ofMinutes(5))))
                    .setNextUpdate(Date.from(now.plus(Duration.ofDays(7))));
            for (BigInteger s : serials) {
                b.addCRLEntry(s, Date.from(now.minus(Duration.ofMinutes(1))), CRLReason.keyCompromise);
            }
            X509CRL crl = new JcaX509CRLConverter().getCRL(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            write(file, crl);
            return file;
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A socket factory that presents {@code client}'s chain and trusts the gateway's test CA. */
    static SSLSocketFactory sockets(TestCerts server, Issued client) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] password = "test".toCharArray();
            ks.setKeyEntry("client", client.keys().getPrivate(), password,
                    client.chain().toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            X509ExtendedKeyManager km = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("server-ca", server.caCertificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new AlwaysPresent(km)}, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a client-certificate SSLContext", e);
        }
    }

    /**
     * Presents the certificate whatever CAs the server names (the JDK client would otherwise send none for a
     * certificate from another CA; curl and OpenSSL clients send it anyway).
     */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager delegate;

        AlwaysPresent(X509ExtendedKeyManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }

    private static void caExtensions(X509v3CertificateBuilder b, KeyPair k) throws IOException,
            GeneralSecurityException {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(k.getPublic()));
    }

    /** {@code subject} read as RFC 2253 (as openssl and the JDK print it), not in BouncyCastle's string order. */
    private static X500Name name(String subject) {
        return X500Name.getInstance(new X500Principal(subject).getEncoded());
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return gen.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
            throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static void write(Path file, Object pem) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
