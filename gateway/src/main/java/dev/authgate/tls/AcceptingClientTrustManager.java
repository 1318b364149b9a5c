package dev.authgate.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The server's trust manager when {@code listen.tls.client_ca} is set: accepts every client chain at the TLS layer.
 * BoringSSL (and the JDK engine) would otherwise end the handshake with an alert when a presented certificate does not
 * verify, and the sender would get no HTTP answer and no reason; the chain is judged after the handshake by
 * {@link ClientCertVerifier}, per route. The handshake still proves that the client holds the certificate's key
 * (CertificateVerify). {@link #getAcceptedIssuers()} names the CAs in the CertificateRequest, so that clients with
 * several certificates pick the right one.
 */
final class AcceptingClientTrustManager extends X509ExtendedTrustManager {
    private final X509Certificate[] issuers;

    AcceptingClientTrustManager(List<X509Certificate> cas) {
        this.issuers = cas.toArray(new X509Certificate[0]);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // judged per route after the handshake (ClientCertVerifier)
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // judged per route after the handshake (ClientCertVerifier)
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // judged per route after the handshake (ClientCertVerifier)
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a server context does not verify servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a server context does not verify servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a server context does not verify servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return issuers.clone();
    }
}
