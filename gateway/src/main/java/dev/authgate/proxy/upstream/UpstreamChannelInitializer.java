package dev.authgate.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;

/**
 * Upstream-facing pipeline, in order:
 * <pre>
 *   headGuard → httpClientCodec → upstreamHandler
 * </pre>
 * The response is not aggregated: its parts are relayed to the client as they arrive.
 */
final class UpstreamChannelInitializer extends ChannelInitializer<Channel> {

    static final String HEAD_GUARD = "headGuard";
    static final String CODEC = "httpClientCodec";
    static final String HANDLER = "upstreamHandler";

    // nginx fails "upstream sent too big header" at its proxy_buffer_size; we allow more than most apps send.
    private static final int MAX_INITIAL_LINE = 8 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    // Parts of up to 64 KiB: slices of the read buffer, so larger parts mean fewer writes, not copies.
    private static final int MAX_CHUNK = 64 * 1024;

    private final UpstreamHandler handler;

    UpstreamChannelInitializer(UpstreamHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast(HEAD_GUARD, new UpstreamHeadGuard());
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxChunkSize(MAX_CHUNK);
        p.addLast(CODEC, new HttpClientCodec(decoder, HttpClientCodec.DEFAULT_PARSE_HTTP_AFTER_CONNECT_REQUEST,
                HttpClientCodec.DEFAULT_FAIL_ON_MISSING_RESPONSE));
        p.addLast(HANDLER, handler);
    }
}
