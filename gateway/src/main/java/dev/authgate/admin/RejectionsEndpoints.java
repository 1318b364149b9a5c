package dev.authgate.admin;

import dev.authgate.config.GatewayConfig;
import dev.authgate.observe.Metrics;
import dev.authgate.observe.RejectionCaptures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The rejections explorer on the admin listener (docs/operations.md, "Rejections explorer"):
 *
 * <pre>
 *   GET /rejections               the page (HTML; its script and style are the two paths below, nothing external)
 *   GET /rejections.js            the page's script (renders with textContent only: nothing is parsed as HTML)
 *   GET /rejections.css           the page's style
 *   GET /rejections.json          the recent rejections, newest first ({@link RejectionQuery} filters)
 *   GET /rejections/groups.json   the same, grouped by route and reason
 *   GET /rejections/status.json   the status strip: routes, certificate and credential expiry, JWKS, last reload
 *                                 ({@link StatusJson}; takes no filter)
 *   GET /rejections/{request_id}/capture   the captured raw request (routes with capture: rejected), as a download
 *   POST /rejections/{request_id}/verify   the capture judged again by the current config ({@link CaptureVerifier})
 * </pre>
 * The page is served with a Content-Security-Policy that allows only these same-origin scripts, styles and fetches.
 */
final class RejectionsEndpoints {
    static final String PAGE = "/rejections";
    static final String LIST = "/rejections.json";
    static final String GROUPS = "/rejections/groups.json";
    static final String STATUS = "/rejections/status.json";
    private static final String SCRIPT = "/rejections.js";
    private static final String STYLE = "/rejections.css";
    private static final String CAPTURE_PREFIX = "/rejections/";
    private static final String CAPTURE_SUFFIX = "/capture";
    private static final String VERIFY_SUFFIX = "/verify";
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final String JSON = "application/json; charset=utf-8";

    private static final Map<String, Asset> ASSETS = Map.of(
            PAGE, new Asset(resource("rejections.html"), "text/html; charset=utf-8"),
            SCRIPT, new Asset(resource("rejections.js"), "text/javascript; charset=utf-8"),
            STYLE, new Asset(resource("rejections.css"), "text/css; charset=utf-8"));

    private record Asset(byte[] bytes, String contentType) {
    }

    private final Metrics metrics;
    private final Clock clock;
    private final Supplier<GatewayConfig> config;

    RejectionsEndpoints(Metrics metrics, Clock clock, Supplier<GatewayConfig> config) {
        this.metrics = metrics;
        this.clock = clock;
        this.config = config;
    }

    /** The page's HTML, script and style: the same for everyone, no data in them. */
    static boolean isAsset(String path) {
        return ASSETS.containsKey(path);
    }

    static boolean serves(String path) {
        return ASSETS.containsKey(path) || path.equals(LIST) || path.equals(GROUPS) || path.equals(STATUS)
                || captureId(path) != null
                || verifyId(path) != null;
    }

    /** The request id of {@code /rejections/{request_id}/capture}, or null for another path. */
    static String captureId(String path) {
        return id(path, CAPTURE_SUFFIX);
    }

    /** The request id of {@code /rejections/{request_id}/verify} (answered to POST only), or null. */
    static String verifyId(String path) {
        return id(path, VERIFY_SUFFIX);
    }

    private static String id(String path, String suffix) {
        if (!path.startsWith(CAPTURE_PREFIX) || !path.endsWith(suffix)) return null;
        String id = path.substring(CAPTURE_PREFIX.length(), path.length() - suffix.length());
        return REQUEST_ID.matcher(id).matches() ? id : null;
    }

    /** The verdict on a capture, or 404 when none is kept, 503 when no config is known. */
    FullHttpResponse verify(ByteBufAllocator alloc, String path) {
        String id = verifyId(path);
        RejectionCaptures.Capture c = metrics.recentRejections().captures().get(id);
        if (c == null) return capture(alloc, metrics.recentRejections().captures(), id);
        GatewayConfig current = config.get();
        if (current == null) {
            return AdminHandler.text(alloc, HttpResponseStatus.SERVICE_UNAVAILABLE, "no config to verify with\n");
        }
        return json(alloc.buffer(1024), out -> CaptureVerifier.verify(out, c, current));
    }

    /** What a JSON writer wrote into {@code body}, as a 200; the buffer is released if the writer fails. */
    private static FullHttpResponse json(ByteBuf body, JsonWriter writer) {
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            writer.write(out);
        } catch (IOException | RuntimeException e) {
            body.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON).set("X-Content-Type-Options", "nosniff");
        return r;
    }

    private interface JsonWriter {
        void write(ByteBufOutputStream out) throws IOException;
    }

    /** The captured request as a download, or 404 when none is kept for this id. */
    private static FullHttpResponse capture(ByteBufAllocator alloc, RejectionCaptures captures, String id) {
        RejectionCaptures.Capture c = captures.get(id);
        if (c == null) {
            return AdminHandler.text(alloc, HttpResponseStatus.NOT_FOUND, "no capture kept for request " + id
                    + " (its route has no capture: { rejected: true }, or it was dropped)\n");
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(c.raw()));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "message/http")
                .set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + id + ".http\"")
                .set("X-Authgate-Received", c.received().toString())
                .set("X-Content-Type-Options", "nosniff");
        return r;
    }

    /** The answer for a path that {@link #serves}; a 400 naming the parameter when a filter cannot be read. */
    FullHttpResponse answer(ByteBufAllocator alloc, String path, String uri) {
        Asset asset = ASSETS.get(path);
        if (asset != null) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(asset.bytes()));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.contentType())
                    .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CSP)
                    .set("X-Content-Type-Options", "nosniff")
                    .set("Referrer-Policy", "no-referrer");
            return r;
        }
        String captured = captureId(path);
        if (captured != null) return capture(alloc, metrics.recentRejections().captures(), captured);
        if (path.equals(STATUS)) {
            return json(alloc.buffer(4096), out -> StatusJson.write(out, metrics, config.get(), clock.instant()));
        }
        RejectionQuery query;
        try {
            query = RejectionQuery.parse(new QueryStringDecoder(uri), clock.instant());
        } catch (RejectionQuery.BadQuery e) {
            return AdminHandler.text(alloc, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
        }
        return json(alloc.buffer(16 * 1024), out -> {
            if (path.equals(LIST)) {
                RejectionsJson.list(out, metrics.recentRejections(), query, clock.instant());
            } else {
                RejectionsJson.groups(out, metrics.recentRejections(), metrics.requestsByRoute(), query,
                        clock.instant());
            }
        });
    }

    private static byte[] resource(String name) {
        try (InputStream in = RejectionsEndpoints.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource dev/authgate/admin/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
