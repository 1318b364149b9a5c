package dev.authgate.tls;

import dev.authgate.tls.TlsConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * PEM files → Netty server {@link SslContext}: OpenSSL (BoringSSL via netty-tcnative) when available, else the JDK
 * provider.
 *
 * <p>Policy, not configurable: no renegotiation (BoringSSL has none server-side; the JDK engine is told to refuse
 * client-initiated renegotiation), no TLS compression (neither provider implements it); TLS 1.2 uses only ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 (ECDSA and RSA
 * certificates); TLS 1.3 uses its standard AES-GCM and ChaCha20 suites. The protocols come from
 * {@link TlsConfig#protocols()} (TLSv1.3 and/or TLSv1.2), so a TLS 1.1 client, or a TLS 1.2 client without an
 * ECDHE-AEAD suite, fails the handshake.
 *
 * <p>Every file problem is reported eagerly, at load time, as an {@link IllegalArgumentException} whose message
 * starts with the config field and the file, e.g. {@code cert: /etc/authgate/server.crt: file not found} or
 * {@code key: /etc/authgate/server.key: does not match the certificate in /etc/authgate/server.crt}. Messages never
 * contain key material.
 */
public final class SslContexts {
    private static final Logger log = LoggerFactory.getLogger(SslContexts.class);

    /** Provider name when BoringSSL through netty-tcnative is used. */
    public static final String OPENSSL = "OpenSSL";
    /** Provider name when the JDK's SSLEngine is used. */
    public static final String JDK = "JDK";
    /** System property: {@code jdk} forces the JDK provider even where BoringSSL is available. */
    public static final String PROVIDER_PROPERTY = "authgate.tls.provider";

    /** TLS 1.3 suites (all AEAD, all ephemeral); BoringSSL always enables these three. */
    static final List<String> TLS13_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");

    /** TLS 1.2: forward secrecy (ECDHE) and AEAD only; no RSA key exchange, no DHE, no CBC. */
    static final List<String> TLS12_CIPHERS = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    static {
        // BoringSSL never renegotiates as a server; the JDK engine (the fallback provider) accepts a client-initiated
        // TLS 1.2 renegotiation unless told otherwise, which is a CPU-exhaustion lever. Read once, at the first
        // handshake, so it is set before any context exists; an explicit -D setting wins.
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }

    private static final Object PROVIDER_LOCK = new Object();
    private static volatile SslProvider chosen;

    private SslContexts() {
    }

    /**
     * Loads the certificate chain and key, checks that the key matches the leaf certificate, and builds the server
     * context with the configured protocols and cipher suites. Same as {@code load(tls).context()}.
     *
     * @throws IllegalArgumentException with a message of the form {@code "cert: FILE: ..."} or
     *                                  {@code "key: FILE: ..."} naming the problem (missing, unreadable, not PEM,
     *                                  no certificate, no key, encrypted key, key does not match)
     */
    public static SslContext forServer(TlsConfig tls) {
        return load(tls).context();
    }

    /**
     * Loads and checks the PEM files like {@link #forServer(TlsConfig)} and returns the context together with the
     * leaf certificate (for expiry reporting) and the provider name. Call again to reload: each call reads the files
     * afresh and returns a new, independent instance.
     *
     * @throws IllegalArgumentException as {@link #forServer(TlsConfig)}
     */
    public static ServerTls load(TlsConfig tls) {
        return load(tls, provider());
    }

    /**
     * The TLS provider servers use: {@code "OpenSSL"} if netty-tcnative's BoringSSL loaded on this machine, else
     * {@code "JDK"}. Decided once per process and logged at INFO the first time.
     */
    public static String providerName() {
        return name(provider());
    }

    /** Package-private so tests can exercise the JDK fallback on a machine where OpenSSL is available. */
    static ServerTls load(TlsConfig tls, SslProvider provider) {
        Objects.requireNonNull(tls, "tls");
        List<X509Certificate> chain = PemFiles.readCertificates(tls.cert());
        PrivateKey key = PemFiles.readPrivateKey(tls.key());
        KeyMatch.check(key, chain.get(0), tls.key(), tls.cert());
        ClientCertVerifier clients = tls.clientCa() == null ? null
                : ClientCertVerifier.load(tls.clientCa(), tls.clientCrl(), Clock.systemUTC());
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                    .sslProvider(provider)
                    .protocols(tls.protocols())
                    .ciphers(ciphers(), SupportedCipherSuiteFilter.INSTANCE);
            if (clients != null) {
                // Requested at every handshake, never required, never refused there: judged per route afterwards.
                builder.clientAuth(ClientAuth.OPTIONAL).trustManager(new AcceptingClientTrustManager(clients.cas()));
            }
            SslContext context = builder.build();
            return new ServerTls(context, chain.get(0), chain, name(provider), clients);
        } catch (SSLException | RuntimeException e) {
            // The files parsed and match, so this is about what the provider accepts (e.g. an unsupported curve).
            throw PemFiles.problem(PemFiles.CERT, tls.cert(), "the " + name(provider)
                    + " TLS provider refused the certificate/key (" + e.getMessage() + ")");
        }
    }

    static List<String> ciphers() {
        List<String> all = new ArrayList<>(TLS13_CIPHERS);
        all.addAll(TLS12_CIPHERS);
        return List.copyOf(all);
    }

    static String name(SslProvider provider) {
        return provider == SslProvider.JDK ? JDK : OPENSSL;
    }

    private static SslProvider provider() {
        // -Dauthgate.tls.provider=jdk forces the JDK provider (to compare the two, and for the tests that run each).
        if (JDK.equalsIgnoreCase(System.getProperty(PROVIDER_PROPERTY))) return SslProvider.JDK;
        SslProvider p = chosen;
        if (p != null) {
            return p;
        }
        synchronized (PROVIDER_LOCK) {
            if (chosen == null) {
                if (OpenSsl.isAvailable()) {
                    // Reference-counted: its engines are freed when their SslHandler is removed, not by a finalizer per
                    // connection (finalizable objects cost every new connection an extra GC cycle: 6 % more new TLS
                    // connections per second measured with scripts/bench). The context is released by its owner.
                    chosen = SslProvider.OPENSSL_REFCNT;
                    log.info("TLS provider: OpenSSL ({})", OpenSsl.versionString());
                } else {
                    chosen = SslProvider.JDK;
                    Throwable cause = OpenSsl.unavailabilityCause();
                    log.info("TLS provider: JDK (netty-tcnative BoringSSL unavailable: {})",
                            cause == null ? "unknown" : cause.toString());
                }
            }
            return chosen;
        }
    }
}
