package dev.authgate.observe;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

import java.util.Locale;

/**
 * Sorts a failed client TLS handshake into the {@code cause} label of {@code authgate_tls_handshake_failures_total}.
 *
 * <p>Neither BoringSSL nor the JDK gives a machine-readable reason, so this reads the messages of the throwable and
 * its causes: BoringSSL says {@code ...:OPENSSL_internal:NO_SHARED_CIPHER} or {@code ...:UNSUPPORTED_PROTOCOL}; the
 * JDK says {@code no cipher suites in common} or {@code The client supported protocol versions [TLSv1.1] are not
 * accepted by server preferences [TLS13, TLS12]}. A cipher hint wins over a protocol hint (the JDK's
 * {@code No appropriate protocol (protocol is disabled or cipher suites are inappropriate)} names both). Not TLS at
 * all (plain HTTP on the TLS port), a handshake timeout, an ALPN refusal and anything unrecognised are
 * {@code other}.
 */
public final class TlsFailureCause {
    private TlsFailureCause() {
    }

    /**
     * @param failure the handshake's failure, e.g. {@code SslHandshakeCompletionEvent.cause()}; null gives
     *                {@code other}
     * @return {@link MetricsNames#TLS_PROTOCOL_VERSION}, {@link MetricsNames#TLS_NO_SHARED_CIPHER} or
     *         {@link MetricsNames#TLS_OTHER}
     */
    public static String classify(Throwable failure) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 8; t = t.getCause(), depth++) {
            if (t instanceof NotSslRecordException || t instanceof SslHandshakeTimeoutException) {
                return MetricsNames.TLS_OTHER;
            }
            if (t.getMessage() != null) {
                text.append(t.getMessage().toLowerCase(Locale.ROOT)).append('\n');
            }
        }
        String s = text.toString();
        if (s.contains("cipher")) {   // no_shared_cipher, no shared cipher, no cipher suites in common
            return MetricsNames.TLS_NO_SHARED_CIPHER;
        }
        if (s.contains("application_protocol") || s.contains("application protocol")) {
            return MetricsNames.TLS_OTHER;   // ALPN, not the TLS version
        }
        if (s.contains("protocol") || s.contains("version")) {
            // unsupported_protocol, tlsv1_alert_protocol_version, "client requested protocol TLSv1.1 is not enabled"
            return MetricsNames.TLS_PROTOCOL_VERSION;
        }
        return MetricsNames.TLS_OTHER;
    }
}
