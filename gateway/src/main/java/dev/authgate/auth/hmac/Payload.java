package dev.authgate.auth.hmac;

import io.netty.buffer.ByteBuf;

import javax.crypto.Mac;

/** What a scheme signs: a {@link PayloadTemplate}, or Twilio's URL-plus-parameters string. */
interface Payload {

    /**
     * Feeds the signed bytes of {@code d} to {@code mac}, with {@code body} in place of the delivery's body (a hint
     * may pass a shorter slice) followed by {@code bodySuffix} (a hint may add a newline).
     *
     * @return the number of bytes fed
     */
    long feed(Mac mac, Delivery d, ByteBuf body, byte[] bodySuffix);

    /** Whether the body bytes are part of what is hashed as they are (false for Twilio's form parameters). */
    boolean hashesRawBody();

    /** For details: e.g. {@code v0:{timestamp}:{body}}. */
    String describe();
}
