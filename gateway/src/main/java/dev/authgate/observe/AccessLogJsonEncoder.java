package dev.authgate.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * A logback encoder that writes each access-log event as one JSON object on one line, with the same fields as the
 * text format ({@link AccessLogEntry}) under the same names and in the same order:
 *
 * <pre>{"time":"2026-11-23T11:41:09.036Z","request_id":"01M8...","client":"127.0.0.1:46752","tls":"TLSv1.3",
 *  "method":"GET","path":"/api/orders","route":"api","scheme":"bearer","identity":null,"status":401,
 *  "source":"gateway","reason":"credentials_missing","detail":"...","upstream":null,"upstream_status":null,
 *  "bytes_in":0,"bytes_out":280,"duration_ms":15,"upstream_ms":null,
 *  "trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}</pre>
 *
 * Absent values ({@code -} in the text format) are JSON {@code null}; numbers are numbers. An event that does not carry
 * an {@link AccessLogEntry} (the encoder attached to another logger) is written as
 * {@code {"time","level","logger","message"}}. Strings are escaped by jackson-core, so a detail with quotes or control
 * characters cannot break the line.
 *
 * <p>Use it behind an {@code AsyncAppender} (as {@code --log-format json} and {@code config/logback-json.xml} do): the
 * gateway logs from its event loops. Thread-safe: each call encodes into its own buffer.
 */
public final class AccessLogJsonEncoder extends EncoderBase<ILoggingEvent> {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] EMPTY = new byte[0];

    @Override
    public byte[] headerBytes() {
        return EMPTY;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            Object[] args = event.getArgumentArray();
            if (args != null && args.length == 1 && args[0] instanceof AccessLogEntry) {
                write(g, (AccessLogEntry) args[0]);
            } else {
                g.writeStartObject();
                g.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
                g.writeStringField("level", event.getLevel().toString());
                g.writeStringField("logger", event.getLoggerName());
                g.writeStringField("message", event.getFormattedMessage());
                g.writeEndObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** One entry as a JSON object: the text format's fields, in its order. */
    static void write(JsonGenerator g, AccessLogEntry e) throws IOException {
        g.writeStartObject();
        string(g, "time", e.time() == null ? null : e.time().toString());
        string(g, "request_id", e.requestId());
        string(g, "client", e.client());
        string(g, "tls", e.tls());
        string(g, "method", e.method());
        string(g, "path", e.path());
        string(g, "route", e.route());
        string(g, "scheme", e.scheme());
        string(g, "identity", e.identity());
        g.writeNumberField("status", e.status());
        string(g, "source", e.source());
        string(g, "reason", e.reason());
        string(g, "detail", e.detail());
        string(g, "upstream", e.upstream());
        if (e.upstreamStatus() == 0) {
            g.writeNullField("upstream_status");
        } else {
            g.writeNumberField("upstream_status", e.upstreamStatus());
        }
        g.writeNumberField("bytes_in", e.bytesIn());
        g.writeNumberField("bytes_out", e.bytesOut());
        g.writeNumberField("duration_ms", e.durationMs());
        if (e.upstreamMs() < 0) {
            g.writeNullField("upstream_ms");
        } else {
            g.writeNumberField("upstream_ms", e.upstreamMs());
        }
        string(g, "trace_id", e.traceId());
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }

    @Override
    public byte[] footerBytes() {
        return EMPTY;
    }
}
