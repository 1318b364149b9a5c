package dev.authgate.auth.hmac;

import io.netty.buffer.ByteBuf;

import javax.crypto.Mac;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Feeds a body {@link ByteBuf} to a MAC or digest exactly as received, without copying it into a new array and
 * without moving its reader index. Works for composite buffers: each component is exposed as its own NIO view.
 */
final class RawBody {
    private RawBody() {
    }

    static void update(Mac mac, ByteBuf body) {
        int length = body.readableBytes();
        if (length == 0) {
            return;
        }
        int index = body.readerIndex();
        if (body.hasArray()) {
            // Heap buffers: hand over the backing array directly (the cheapest path in the JCA).
            mac.update(body.array(), body.arrayOffset() + index, length);
            return;
        }
        // nioBuffer(s)(index, length) return views whose position/limit are ours to consume; body's indexes stay put.
        if (body.nioBufferCount() == 1) {
            mac.update(body.nioBuffer(index, length));
        } else {
            for (ByteBuffer b : body.nioBuffers(index, length)) {
                mac.update(b);
            }
        }
    }

    static void update(MessageDigest digest, ByteBuf body) {
        int length = body.readableBytes();
        if (length == 0) {
            return;
        }
        int index = body.readerIndex();
        if (body.hasArray()) {
            digest.update(body.array(), body.arrayOffset() + index, length);
            return;
        }
        if (body.nioBufferCount() == 1) {
            digest.update(body.nioBuffer(index, length));
        } else {
            for (ByteBuffer b : body.nioBuffers(index, length)) {
                digest.update(b);
            }
        }
    }
}
