package dev.authgate.config;

/** {@code errors:}. With {@code exposeReason=false} rejection bodies carry no reason code and a generic detail. */
public record ErrorsConfig(boolean exposeReason) {
    public static ErrorsConfig defaults() {
        return new ErrorsConfig(true);
    }
}
