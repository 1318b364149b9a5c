package dev.authgate.cli;

import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.operator.OperatorCreationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code authgate gen-certs [--dir certs] [--force]}: the same development files as {@code scripts/gen-certs}, without
 * the openssl command (so the demo runs on a machine with only a JDK), all EC P-256, keys PKCS#8 PEM with mode 600
 * where the file system supports POSIX modes:
 * <ul>
 *   <li>{@code ca.crt}/{@code ca.key}: the dev CA (10 years, CN "authgate dev CA");</li>
 *   <li>{@code server.crt}/{@code server.key}: 397 days, SAN DNS:localhost and IP:127.0.0.1, signed by the CA;</li>
 *   <li>{@code client-ca.crt}/{@code client-ca.key}: the dev client CA (10 years, CN "authgate dev client CA"), for
 *       {@code listen.tls.client_ca};</li>
 *   <li>{@code client.crt}/{@code client.key}: CN=demo-partner, URI SAN {@value #PARTNER_SAN}, clientAuth, signed by
 *       the client CA (the demo's mtls routes allow it);</li>
 *   <li>{@code client-other.crt}/{@code client-other.key}: CN=demo-other, URI SAN {@value #OTHER_SAN}, signed by the
 *       same client CA and allowed by no demo route;</li>
 *   <li>{@code jwt-demo.key}/{@code jwt-demo.pub}: the demo JWT issuer's ES256 key pair (the public key as
 *       {@code BEGIN PUBLIC KEY}, mode 644).</li>
 * </ul>
 * Creates only what is missing (unless {@code --force}); a CA is reused when it exists, and a leaf is remade when its
 * CA was. Exit 0 on success, 1 on an I/O or crypto failure. Dev only.
 */
@Command(mixinStandardHelpOptions = true, name = "gen-certs",
        description = "Make the dev CA, a localhost server certificate, a dev client CA with two client certificates "
                + "and the demo JWT key pair (as scripts/gen-certs does, without openssl).")
public final class GenCertsCommand implements Callable<Integer> {
    static final String PARTNER_SAN = "spiffe://authgate.demo/partner";
    static final String OTHER_SAN = "spiffe://authgate.demo/other";
    /** 397 days: the longest validity browsers accept for a server certificate; used for the client leaves too. */
    private static final Duration LEAF_DAYS = Duration.ofDays(397);

    @Option(names = "--dir", defaultValue = "certs", description = "where to write (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--force", description = "regenerate everything, the CAs included")
    boolean force;

    @Override
    public Integer call() {
        try {
            if (!force && present("ca.crt", "ca.key", "server.crt", "server.key", "client-ca.crt", "client-ca.key",
                    "client.crt", "client.key", "client-other.crt", "client-other.key", "jwt-demo.key",
                    "jwt-demo.pub")) {
                System.out.println("gen-certs: certificates already present in " + dir + " (use --force to regenerate)");
                return 0;
            }
            Files.createDirectories(dir);
            Instant now = Instant.now();
            Instant leafEnd = now.plus(LEAF_DAYS);

            boolean newCa = force || !present("ca.crt", "ca.key");
            DevPki.Ca ca = ca("ca", "CN=authgate dev CA", newCa, now);
            if (newCa || !present("server.crt", "server.key")) {
                KeyPair keys = DevPki.ecKeyPair();
                X509Certificate server = DevPki.leaf(ca, "CN=localhost", keys.getPublic(), now, leafEnd,
                        KeyPurposeId.id_kp_serverAuth, new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
                write("server", server, keys);
                System.out.println("gen-certs: wrote " + file("server.crt") + " and " + file("server.key")
                        + " (localhost, 127.0.0.1; expires " + server.getNotAfter().toInstant() + ")");
            }

            boolean newClientCa = force || !present("client-ca.crt", "client-ca.key");
            DevPki.Ca clientCa = ca("client-ca", "CN=authgate dev client CA", newClientCa, now);
            client(clientCa, newClientCa, "client", "CN=demo-partner", PARTNER_SAN, now, leafEnd);
            client(clientCa, newClientCa, "client-other", "CN=demo-other", OTHER_SAN, now, leafEnd);

            if (force || !present("jwt-demo.key", "jwt-demo.pub")) {
                KeyPair jwt = DevPki.ecKeyPair();
                DevPki.writeKey(file("jwt-demo.key"), jwt.getPrivate());
                DevPki.writePublicKey(file("jwt-demo.pub"), jwt.getPublic());
                System.out.println("gen-certs: wrote " + file("jwt-demo.key") + " and " + file("jwt-demo.pub")
                        + " (the demo JWT issuer's ES256 key pair)");
            }
            return 0;
        } catch (IOException | GeneralSecurityException | OperatorCreationException | RuntimeException e) {
            System.err.println("gen-certs: " + e.getMessage());
            return 1;
        }
    }

    private Path file(String name) {
        return dir.resolve(name);
    }

    private boolean present(String... names) throws IOException {
        for (String name : names) {
            if (!DevPki.nonEmpty(file(name))) return false;
        }
        return true;
    }

    /** {@code NAME.crt}/{@code NAME.key}: made when {@code fresh}, else read. */
    private DevPki.Ca ca(String name, String subject, boolean fresh, Instant now)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        Path crt = file(name + ".crt");
        Path key = file(name + ".key");
        if (!fresh) {
            System.out.println("gen-certs: reusing the CA in " + crt);
            return DevPki.readCa(crt, key);
        }
        KeyPair keys = DevPki.ecKeyPair();
        X509Certificate cert = DevPki.caCertificate(subject, keys, now);
        DevPki.writeKey(key, keys.getPrivate());
        DevPki.writeCert(crt, cert);
        System.out.println("gen-certs: wrote " + crt + " and " + key);
        return new DevPki.Ca(cert, keys);
    }

    /** A client certificate {@code NAME.crt}/{@code NAME.key} with one URI SAN, when missing or its CA is new. */
    private void client(DevPki.Ca clientCa, boolean newCa, String name, String subject, String uri, Instant now,
                        Instant notAfter) throws IOException, GeneralSecurityException, OperatorCreationException {
        if (!newCa && present(name + ".crt", name + ".key")) return;
        KeyPair keys = DevPki.ecKeyPair();
        X509Certificate cert = DevPki.leaf(clientCa, subject, keys.getPublic(), now, notAfter,
                KeyPurposeId.id_kp_clientAuth, new GeneralName(GeneralName.uniformResourceIdentifier, uri));
        write(name, cert, keys);
        System.out.println("gen-certs: wrote " + file(name + ".crt") + " and " + file(name + ".key") + " ("
                + subject + ", " + uri + ")");
    }

    private void write(String name, X509Certificate cert, KeyPair keys) throws IOException {
        DevPki.writeKey(file(name + ".key"), keys.getPrivate());
        DevPki.writeCert(file(name + ".crt"), cert);
    }
}
