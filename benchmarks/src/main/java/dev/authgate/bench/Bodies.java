package dev.authgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

import java.util.SplittableRandom;

/** Request bodies as the gateway holds them, for the benchmarks. */
final class Bodies {
    /** The piece size the server aggregates a streamed body from (the HTTP codec's content chunks). */
    static final int PIECE = 16 * 1024;

    private Bodies() {
    }

    /** {@code size} random (incompressible, non-text) bytes from a fixed seed, so every run hashes the same input. */
    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(0x5EED).nextBytes(bytes);
        return bytes;
    }

    /**
     * {@code bytes} in a buffer of the given layout: {@code direct} is one pooled direct buffer, as the server holds a
     * body with a Content-Length today (it copies the codec's chunks into one buffer of that size); {@code composite}
     * is a pooled {@link CompositeByteBuf} of {@value #PIECE}-byte pooled direct pieces, the chunks as the codec hands
     * them over (the layout a zero-copy body would have).
     * The caller releases it.
     */
    static ByteBuf buffer(String layout, byte[] bytes, ByteBufAllocator alloc) {
        switch (layout) {
            case "direct":
                return alloc.directBuffer(bytes.length).writeBytes(bytes);
            case "composite": {
                int pieces = Math.max(1, (bytes.length + PIECE - 1) / PIECE);
                CompositeByteBuf composite = alloc.compositeDirectBuffer(pieces);
                for (int off = 0; off < bytes.length; off += PIECE) {
                    int n = Math.min(PIECE, bytes.length - off);
                    composite.addComponent(true, alloc.directBuffer(n).writeBytes(bytes, off, n));
                }
                return composite;
            }
            default:
                throw new IllegalArgumentException("buffer layout: '" + layout + "' (expected: direct or composite)");
        }
    }
}
