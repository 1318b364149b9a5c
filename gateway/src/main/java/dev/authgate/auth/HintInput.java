package dev.authgate.auth;

import dev.authgate.http.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

import java.time.Clock;

/**
 * What a scheme's {@code authgate explain} hints look at ({@link AuthScheme#hints}).
 *
 * @param reason     the reason of the rejection
 * @param headers    the request's headers; null when the decoder refused the head
 * @param body       the request's body; null when the decoder refused the head
 * @param clock      the clock the request was judged with
 * @param nowGiven   whether that clock came from {@code --now}
 * @param configFile the config file as given on the command line
 * @param routeName  the matched route's name
 */
public record HintInput(Reason reason, HttpHeaders headers, ByteBuf body, Clock clock, boolean nowGiven,
                        String configFile, String routeName) {
}
