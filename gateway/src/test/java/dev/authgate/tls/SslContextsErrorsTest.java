package dev.authgate.tls;

import dev.authgate.tls.TlsConfig;
import dev.authgate.testing.TestCerts;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each bad cert/key file is refused at load time with a message that names the field and file, never key bytes. */
class SslContextsErrorsTest {
    @TempDir
    static Path dir;
    static TestCerts certs;

    @BeforeAll
    static void setUp() {
        certs = TestCerts.create(dir);
    }

    @Test
    void refusesMissingCertFile() {
        Path missing = dir.resolve("nope.crt");
        assertMessage("cert: " + missing + ": file not found", new TlsConfig(missing, certs.serverKey(), null));
    }

    @Test
    void refusesMissingKeyFile() {
        Path missing = dir.resolve("nope.key");
        assertMessage("key: " + missing + ": file not found", new TlsConfig(certs.serverCert(), missing, null));
    }

    @Test
    void refusesGarbageCertFile() throws Exception {
        Path garbage = Files.write(dir.resolve("garbage.crt"), new byte[] {0x30, (byte) 0x82, 0x01, 0x22, 0x7f, 0x00});
        assertMessage("cert: " + garbage + ": not a PEM file (no -----BEGIN block; convert DER with openssl x509 -inform der)",
                new TlsConfig(garbage, certs.serverKey(), null));
    }

    @Test
    void refusesGarbageKeyFile() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.key"), "hello, I am not a key\n");
        assertMessage("key: " + garbage + ": not a PEM file", new TlsConfig(certs.serverCert(), garbage, null));
    }

    @Test
    void refusesCertFileWithoutCertificate() {
        // A classic slip: cert and key swapped in the config.
        assertMessage("cert: " + certs.serverKey() + ": no PEM certificate found",
                new TlsConfig(certs.serverKey(), certs.serverCert(), null));
    }

    @Test
    void refusesKeyFileWithoutKey() {
        assertMessage("key: " + certs.caCert() + ": no PEM private key found",
                new TlsConfig(certs.serverCert(), certs.caCert(), null));
    }

    @Test
    void refusesTruncatedPemCertificate() throws Exception {
        String pem = Files.readString(certs.serverCert());
        Path truncated = Files.writeString(dir.resolve("truncated.crt"), pem.substring(0, pem.length() / 2)
                + "\n-----END CERTIFICATE-----\n");
        assertMessage("cert: " + truncated + ": ", new TlsConfig(truncated, certs.serverKey(), null));
    }

    @Test
    void refusesKeyThatDoesNotMatchTheCertificate() {
        assertMessage("key: " + certs.unrelatedKey() + ": does not match the certificate in " + certs.serverCert(),
                new TlsConfig(certs.serverCert(), certs.unrelatedKey(), null));
    }

    @Test
    void refusesKeyOfAnotherAlgorithmThanTheCertificate() {
        assertMessage("key: " + certs.rsaKey() + ": does not match the certificate in " + certs.serverCert()
                        + " (the key is RSA, the certificate's key is EC)",
                new TlsConfig(certs.serverCert(), certs.rsaKey(), null));
    }

    @Test
    void refusesEncryptedKeyWithAClearMessage() throws Exception {
        PrivateKey key;
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(certs.serverKey()))) {
            key = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) parser.readObject());
        }
        Path encrypted = dir.resolve("encrypted.key");
        try (Writer w = Files.newBufferedWriter(encrypted); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                    .setProvider(new BouncyCastleProvider()).setPassword("test-passphrase".toCharArray()).build()));
        }
        assertEquals("-----BEGIN ENCRYPTED PRIVATE KEY-----", Files.readAllLines(encrypted).get(0));
        assertMessage("key: " + encrypted + ": the private key is encrypted; authgate needs an unencrypted key",
                new TlsConfig(certs.serverCert(), encrypted, null));

        // The traditional OpenSSL form: "Proc-Type: 4,ENCRYPTED" headers inside an EC PRIVATE KEY block.
        Path legacy = dir.resolve("encrypted-legacy.key");
        try (Writer w = Files.newBufferedWriter(legacy); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(new JcaMiscPEMGenerator(key, new JcePEMEncryptorBuilder("AES-128-CBC")
                    .setProvider(new BouncyCastleProvider()).build("test-passphrase".toCharArray())));
        }
        assertTrue(Files.readString(legacy).contains("Proc-Type: 4,ENCRYPTED"));
        assertMessage("key: " + legacy + ": the private key is encrypted; authgate needs an unencrypted key",
                new TlsConfig(certs.serverCert(), legacy, null));
    }

    @Test
    void neverPutsKeyMaterialInMessages() throws Exception {
        List<String> keyLines = Files.readAllLines(certs.unrelatedKey());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SslContexts.load(new TlsConfig(certs.serverCert(), certs.unrelatedKey(), null)));
        for (String line : keyLines.subList(1, keyLines.size() - 1)) {
            assertFalse(e.getMessage().contains(line), "message quotes the key");
        }
        // A key whose base64 body is corrupt: the message must not echo any of it either.
        String body = keyLines.get(1);
        Path corrupt = Files.writeString(dir.resolve("corrupt.key"),
                "-----BEGIN PRIVATE KEY-----\n" + body.substring(0, 20) + "!!" + body.substring(22)
                        + "\n-----END PRIVATE KEY-----\n");
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> SslContexts.load(new TlsConfig(certs.serverCert(), corrupt, null)));
        assertTrue(c.getMessage().startsWith("key: " + corrupt + ": "), c.getMessage());
        assertFalse(c.getMessage().contains(body.substring(0, 12)), c.getMessage());
    }

    private static void assertMessage(String expectedPrefix, TlsConfig tls) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SslContexts.load(tls));
        assertTrue(e.getMessage().startsWith(expectedPrefix),
                "expected a message starting with <" + expectedPrefix + "> but was <" + e.getMessage() + ">");
        IllegalArgumentException viaForServer = assertThrows(IllegalArgumentException.class,
                () -> SslContexts.forServer(tls));
        assertEquals(e.getMessage(), viaForServer.getMessage());
    }
}
