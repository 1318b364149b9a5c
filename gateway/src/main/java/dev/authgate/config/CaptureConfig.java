package dev.authgate.config;

/**
 * {@code routes[N].capture: { rejected: true, max_body: 64KiB }}: keep the raw request (head and up to
 * {@code maxBody} bytes of body, credentials redacted) of the route's auth rejections for the admin listener's
 * {@code /rejections/{request_id}/capture} (docs/operations.md, "Captures").
 *
 * @param rejected capture auth rejections
 * @param maxBody  body bytes kept per capture, the rest cut (the capture then says so)
 */
public record CaptureConfig(boolean rejected, long maxBody) {
    public static final long DEFAULT_MAX_BODY = 64 * 1024;
    public static final long MAX_BODY = 1024 * 1024;

    public CaptureConfig {
        if (maxBody < 0 || maxBody > MAX_BODY) {
            throw new IllegalArgumentException("max_body: " + maxBody + " bytes (expected: 0 to 1MiB)");
        }
    }
}
