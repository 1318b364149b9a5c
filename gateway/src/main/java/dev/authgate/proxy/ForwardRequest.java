package dev.authgate.proxy;

import dev.authgate.auth.AuthResult;
import dev.authgate.config.UpstreamConfig;
import dev.authgate.http.TraceContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * An authenticated request on its way upstream. The headers are as the client sent them; the forwarder applies
 * docs/configuration.md, "What goes upstream" (Via, X-Request-Id, X-Forwarded-*, X-Auth-*, hop-by-hop,
 * hide_credentials).
 *
 * @param request         the buffered request (owned by the forwarder from the call on); uri is the client's raw uri
 * @param upstream        where to send it
 * @param requestId       the request id (already validated or generated)
 * @param gatewayName     {@code gateway.name}, for Via
 * @param clientIp        the client IP for X-Forwarded-For
 * @param proto           {@code https} or {@code http}, for X-Forwarded-Proto
 * @param auth            who was authenticated, for X-Auth-Scheme/X-Auth-Identity and hide_credentials
 * @param hideCredentials remove {@code auth.credentialHeaders()} before forwarding
 * @param closeAfter      the client connection closes after this response: send {@code Connection: close} to it
 * @param trace           the trace to send upstream as {@code traceparent}/{@code tracestate}, or null to send none
 *                        ({@code trace.mode: ignore})
 */
public record ForwardRequest(FullHttpRequest request, UpstreamConfig upstream, String requestId, String gatewayName,
                             String clientIp, String proto, AuthResult.Accepted auth, boolean hideCredentials,
                             boolean closeAfter, TraceContext trace) {

    /** A request that carries no trace context upstream. */
    public ForwardRequest(FullHttpRequest request, UpstreamConfig upstream, String requestId, String gatewayName,
                          String clientIp, String proto, AuthResult.Accepted auth, boolean hideCredentials,
                          boolean closeAfter) {
        this(request, upstream, requestId, gatewayName, clientIp, proto, auth, hideCredentials, closeAfter, null);
    }
}
