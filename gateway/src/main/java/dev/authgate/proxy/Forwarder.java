package dev.authgate.proxy;

import io.netty.channel.Channel;

import java.util.concurrent.CompletionStage;

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
 * </ul>
 */
public interface Forwarder {
    CompletionStage<ForwardOutcome> forward(Channel client, ForwardRequest request);
}
