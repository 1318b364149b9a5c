package dev.authgate.proxy.upstream;

import io.netty.handler.codec.http.HttpObject;

/**
 * Receives what happens on an {@link UpstreamConnection} while it is attached to one exchange. All calls arrive on
 * the connection's event loop. Internal to the proxy.
 */
public interface UpstreamListener {

    /** A decoded response part; the listener owns it (releases or passes it on). */
    void onMessage(HttpObject message);

    /** The end of one read from the socket: a good moment to flush what was relayed. */
    void onReadComplete();

    /** The upstream connection closed. */
    void onInactive();

    /** The upstream connection failed (reset, decoder error); it is about to be closed. */
    void onError(Throwable cause);
}
