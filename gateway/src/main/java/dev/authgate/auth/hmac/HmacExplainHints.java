package dev.authgate.auth.hmac;

import dev.authgate.auth.HintInput;
import dev.authgate.http.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What {@code authgate explain} says about an {@code hmac:} route: what it expects, what was signed with which
 * secrets (by origin, never a value), the body's length and SHA-256, and the timestamp against the clock used.
 */
final class HmacExplainHints {
    private HmacExplainHints() {
    }

    static String expects(HmacConfig h) {
        HmacSchemeSummary s = HmacSchemeSummary.of(h);
        StringBuilder sb = new StringBuilder(s.signatureHeader()).append(": ").append(s.signatureShape())
                .append(" (").append(s.name().equals("hmac") ? "generic hmac" : "preset " + s.name())
                .append(", ").append(s.algorithm()).append(" over ").append(s.payload()).append(")");
        if (!s.timestampHeaders().isEmpty()) {
            sb.append(", ").append(s.timestampHeaders().get(0)).append(": <unix seconds>");
        }
        if (s.payload().contains("{id}")) sb.append(", ").append(s.idHeaders().get(0)).append(": <delivery id>");
        return sb.toString();
    }

    static List<String> hints(HmacConfig h, HintInput in) {
        List<String> out = new ArrayList<>();
        if (in.reason() == Reason.SIGNATURE_MISMATCH) mismatch(h, in, out);
        if (in.reason() == Reason.TIMESTAMP_OUT_OF_WINDOW) window(h, in, out);
        return out;
    }

    /** A request signed for another provider: its signature header is another preset's. */
    static List<String> otherProviders(HintInput in) {
        List<String> out = new ArrayList<>();
        if (in.reason() != Reason.SIGNATURE_MISSING || in.headers() == null) return out;
        for (String header : HmacSchemeSummary.presetSignatureHeaders()) {
            if (in.headers().contains(header)) {
                out.add("the request carries " + header + ", the signature header of preset "
                        + String.join(" / ", HmacSchemeSummary.presetsSigningIn(header))
                        + ": is the route's preset (or the sender's URL) the right one?");
            }
        }
        return out;
    }

    /** The replay check that explain cannot run offline, and the time timestamps were judged at. */
    static List<String> notes(HmacConfig h, boolean passed, Instant judgedAt) {
        List<String> notes = new ArrayList<>();
        if (h.replay() != null) {
            notes.add("replay not checked offline (replay: key " + h.replay().key() + ", on_duplicate "
                    + h.replay().onDuplicate() + "): a repeat of a delivery the gateway already accepted gets "
                    + (h.replay().onDuplicate().equals("acknowledge") ? "200 without being forwarded"
                    : "401 replayed"));
        }
        if (passed && HmacSchemeSummary.of(h).timestamped()) {
            Instant at = judgedAt.truncatedTo(ChronoUnit.SECONDS);
            notes.add("timestamps judged at " + at.getEpochSecond() + " (" + at + ")");
        }
        return notes;
    }

    /** What was signed and with which secrets (by origin), and the body's fingerprint to compare with the sender's. */
    private static void mismatch(HmacConfig h, HintInput in, List<String> out) {
        HmacSchemeSummary s = HmacSchemeSummary.of(h);
        out.add("the route signs " + s.payload() + " with " + s.algorithm() + " and sends " + s.signatureHeader()
                + ": " + s.signatureShape() + (h.publicUrl() == null ? "" : "; public_url: " + h.publicUrl()
                + " (the request's query string is appended as received)"));
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < s.secretOrigins().size(); i++) {
            secrets.add("#" + (i + 1) + " " + s.secretOrigins().get(i));
        }
        out.add("secrets tried: " + String.join(", ", secrets) + " (the sender must hold one of them; during a"
                + " rotation list the new and the old one)");
        if (in.headers() != null && s.timestamped()) {
            out.add("signed timestamp: " + s.timestampIn(in.headers()) + " (from " + s.timestampWhere() + ")");
        }
        if (in.body() != null) {
            out.add("body: " + describe(in.body()) + "; compare with the bytes the sender signed (a proxy or client"
                    + " that re-serializes JSON, re-encodes or changes line ends breaks the signature)");
        }
        out.add("a known-good signature for a body file: authgate sign --config " + in.configFile() + " --route "
                + in.routeName() + " --body FILE");
    }

    /** The skew against the clock used, and how to judge an old capture as of its own time. */
    private static void window(HmacConfig h, HintInput in, List<String> out) {
        HmacSchemeSummary s = HmacSchemeSummary.of(h);
        Instant now = in.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        out.add("judged at " + now.getEpochSecond() + " (" + now + (in.nowGiven() ? ", from --now)" : ", the current"
                + " time)") + " with tolerance " + s.tolerance().toSeconds() + " s both ways");
        String ts = in.headers() == null ? null : s.timestampIn(in.headers());
        if (ts != null && ts.matches("[0-9]{1,18}")) {
            long seconds = Long.parseLong(ts);
            if (seconds < 100_000_000_000L) {
                out.add("the request's timestamp is " + ts + " (" + Instant.ofEpochSecond(seconds) + ")");
            }
            if (!in.nowGiven() || seconds != now.getEpochSecond()) {
                out.add("to check the rest of an old capture as of when it was sent, add --now " + ts);
            }
        }
    }

    /** Length, SHA-256 and line-end shape of the body (never its content). */
    static String describe(ByteBuf body) {
        int n = body.readableBytes();
        String end;
        if (n == 0) {
            end = "empty";
        } else if (body.getByte(body.writerIndex() - 1) == '\n') {
            end = n > 1 && body.getByte(body.writerIndex() - 2) == '\r' ? "ends with CRLF" : "ends with a newline";
        } else {
            end = "no trailing newline";
        }
        return n + " bytes, sha256 " + sha256(body) + ", " + end;
    }

    private static String sha256(ByteBuf body) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(ByteBufUtil.getBytes(body, body.readerIndex(), body.readableBytes(), false));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
