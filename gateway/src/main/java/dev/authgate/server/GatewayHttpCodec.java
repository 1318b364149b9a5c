package dev.authgate.server;

import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

import java.util.ArrayDeque;

/**
 * Netty's {@code HttpServerCodec} with the {@link StrictRequestDecoder} ({@code HttpServerCodec} is final and builds
 * its own decoder). Like it, the encoder remembers which requests were {@code HEAD} so that their responses are
 * written without a body whatever their framing headers say; unlike it, an interim response ({@code 100 Continue})
 * does not use up a request's entry.
 */
final class GatewayHttpCodec extends CombinedChannelDuplexHandler<StrictRequestDecoder, HttpResponseEncoder> {
    /** One entry per decoded request not answered yet: whether it was HEAD. */
    private final ArrayDeque<Boolean> heads = new ArrayDeque<>(4);

    GatewayHttpCodec(HttpDecoderConfig config) {
        init(new StrictRequestDecoder(config, req -> heads.add(HttpMethod.HEAD.equals(req.method()))),
                new ResponseEncoder());
    }

    private final class ResponseEncoder extends HttpResponseEncoder {
        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) return super.isContentAlwaysEmpty(msg);
            Boolean head = heads.poll();
            return Boolean.TRUE.equals(head) || super.isContentAlwaysEmpty(msg);
        }
    }
}
