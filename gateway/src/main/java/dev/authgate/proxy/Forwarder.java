package dev.authgate.proxy;

import io.netty.channel.Channel;

import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;

/**
 * Sends an authenticated, fully buffered request to its upstream and relays the response to the client.
 *
 * <p>Contract between the client-facing request handler and the proxy:
 * <ul>
 *   <li>Called on the client channel's event loop. Takes ownership of {@link ForwardRequest#request()} and releases it.
 *   <li>If the upstream answers, the forwarder writes the response (head and body, streamed, plus {@code Via} and
 *       {@code X-Request-Id}) to {@code client} and completes the stage once the last byte is flushed, with
 *       {@link ForwardOutcome#responseWritten()} true. If the upstream fails midway through the response, the client
 *       connection is closed (a truncated response must not look complete).
 *   <li>If the upstream fails before any response byte was written to the client (refused, reset, closed, timeout),
 *       nothing is written: the stage completes with {@code responseWritten=false} and a {@code failure} reason, and
 *       the caller answers 502/504 through its response factory.
 *   <li>The stage never completes exceptionally.
 *   <li>{@link ForwardRequest#closeAfter()}: the forwarder only puts {@code Connection: close} on the response;
 *       <em>the caller</em> closes the client connection after the stage completes (it owns the connection's
 *       lifecycle and logs first). The forwarder closes the client connection itself only when the response cannot
 *       end any other way: the upstream failed mid-response, a client write failed, or a chunked or unframed
 *       upstream body had to be relayed to an HTTP/1.0 client (delimited by the close; the response says
 *       {@code Connection: close}). For HTTP/1.1 clients an unframed upstream body is re-framed as chunked.
 *   <li>{@link ForwardOutcome} after the head was written: {@code failure} is set when the upstream cut the
 *       response ({@code reset}) or stalled mid-body for longer than {@code response_timeout} ({@code timeout});
 *       when the client went away mid-response, {@code failure} is null and {@code detail} says so.
 *       {@code upstreamNanos} runs from the request handed to the upstream connection (or, when no connection was
 *       made, from the first connect attempt) to the last byte of the response or the failure.
 * </ul>
 */
public interface Forwarder {
    /** As {@link #forward(Channel, ForwardRequest, IntConsumer)} with no head callback. */
    default CompletionStage<ForwardOutcome> forward(Channel client, ForwardRequest request) {
        return forward(client, request, status -> { });
    }

    /**
     * @param onResponseHead called on the client's event loop with the upstream's final status as soon as its head
     *                       arrives, BEFORE anything is written to the client: state that the sender's next request
     *                       must see (the replay key committed or released) is settled here, since the client may
     *                       retry on another connection (another event loop) the moment it reads the response
     */
    CompletionStage<ForwardOutcome> forward(Channel client, ForwardRequest request, IntConsumer onResponseHead);
}
