package dev.authgate.auth.hmac;

import io.netty.buffer.ByteBuf;

/**
 * The parts of a request that a payload may sign, as received.
 *
 * @param method      the request method
 * @param path        the raw path without query
 * @param rawQuery    the raw query without '?', or null
 * @param id          the delivery id header's value, or null
 * @param timestamp   the timestamp exactly as sent (digits), or null
 * @param contentType the Content-Type header, or null
 * @param body        the raw body (never consumed or released here)
 */
record Delivery(String method, String path, String rawQuery, String id, String timestamp, String contentType,
                ByteBuf body) {
}
