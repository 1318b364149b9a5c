package dev.authgate.server;

import dev.authgate.http.Problem;
import io.netty.channel.Channel;

/**
 * What the {@link RequestDispatcher} needs from the connection a request came on: to answer it, to hear that the
 * upstream's answer was relayed, and whether the request is still the connection's current one. Implemented by
 * {@link ClientConnectionHandler}, which owns the connection's lifecycle; the dispatcher never closes it.
 */
interface Responder {

    /**
     * Writes a gateway-made problem response, logs the request, then reads the next request or closes.
     *
     * @param close  send {@code Connection: close} and close after the response
     * @param linger request bytes may be unread: shut the output and drain the input before closing
     */
    void answer(ClientRequest request, Problem problem, boolean close, boolean linger);

    /** Writes a bodyless gateway-made response ({@code respond:} routes, acknowledged duplicates) and logs it. */
    void answerEmpty(ClientRequest request, int status, String reason, String detail);

    /** The upstream's response was relayed (and logged): read the next request, or close. */
    void relayed(ClientRequest request, boolean close);

    /** Whether {@code request} is still the one this connection is serving, on a live connection. */
    boolean current(ClientRequest request);

    /** The client channel, for the forwarder and for hopping back to its event loop. */
    Channel channel();
}
