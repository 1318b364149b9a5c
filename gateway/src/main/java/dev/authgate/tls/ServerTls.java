package dev.authgate.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A loaded, checked server TLS setup: the Netty context to hand to new connections plus what operations need to
 * report about it. Immutable; a certificate reload builds a new instance and swaps it in, so handshakes already under
 * way keep the context they started with.
 *
 * <p>With BoringSSL the context is reference-counted: whoever loaded it calls {@link #release()} once no new
 * connection will use it (connections already open hold their own reference through their engine).
 *
 * @param context  the server {@link SslContext}; call {@code context.newHandler(alloc)} per accepted channel
 * @param leaf     the served (first) certificate of the chain; its {@link X509Certificate#getNotAfter()} is the
 *                 expiry to report
 * @param chain    the whole chain as read from the {@code cert} file, leaf first (never empty)
 * @param provider {@code "OpenSSL"} (BoringSSL through netty-tcnative) or {@code "JDK"}
 * @param clients  the judge of client certificates ({@code listen.tls.client_ca}), or null when none are requested
 */
public record ServerTls(SslContext context, X509Certificate leaf, List<X509Certificate> chain, String provider,
                        ClientCertVerifier clients) {
    public ServerTls {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(leaf, "leaf");
        chain = List.copyOf(chain);
        Objects.requireNonNull(provider, "provider");
    }

    /** Gives up the loader's reference to the context; a no-op for the JDK provider. Call once. */
    public void release() {
        ReferenceCountUtil.release(context);
    }

    /** When the served certificate expires: {@code leaf().getNotAfter()} as an {@link Instant}. */
    public Instant notAfter() {
        return leaf.getNotAfter().toInstant();
    }

    @Override
    public String toString() {
        return "ServerTls[provider=" + provider + ", subject=" + leaf.getSubjectX500Principal().getName()
                + ", notAfter=" + notAfter() + "]";
    }
}
