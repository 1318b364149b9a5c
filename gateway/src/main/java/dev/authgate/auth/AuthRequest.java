package dev.authgate.auth;

import dev.authgate.tls.ClientCertificate;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * What an {@link Authenticator} may look at: the request as received. The body is the buffered raw bytes; an
 * authenticator reads it without copying or consuming it ({@code body.readerIndex()} is not moved) and never
 * releases it.
 *
 * @param method   the request method, e.g. {@code POST}
 * @param path     the raw path as received (no query), already checked against traversal
 * @param rawQuery the raw query string without '?', or null when there is none
 * @param headers  the request headers as received
 * @param body     the raw body (possibly empty, never null)
 * @param clientIp the client IP as the gateway determined it (socket or trusted X-Forwarded-For)
 * @param clientCertificate the connection's client certificate and the verdict on its chain; null when the listener
 *                 requests none (no {@code listen.tls.client_ca}, plain HTTP, or a request judged offline)
 */
public record AuthRequest(String method, String path, String rawQuery, HttpHeaders headers, ByteBuf body,
                          String clientIp, ClientCertificate clientCertificate) {

    /** A request without a client certificate. */
    public AuthRequest(String method, String path, String rawQuery, HttpHeaders headers, ByteBuf body,
                       String clientIp) {
        this(method, path, rawQuery, headers, body, clientIp, null);
    }
}
