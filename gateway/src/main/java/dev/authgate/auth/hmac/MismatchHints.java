package dev.authgate.auth.hmac;

import io.netty.buffer.ByteBuf;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * After a mismatch, tries the common sender mistakes and names the one that fits: a body with a trailing newline
 * added or removed, a secret with a trailing newline or spaces (on either side), the body signed alone instead of
 * the scheme's payload; then (PRODUCT.md §12) an empty body signed, a {@code whsec_} secret used as text instead of
 * base64-decoded (or decoded where it is used as text), and a JSON body signed in another serialization
 * ({@link JsonForms}). (Hex sent where base64 is expected, another algorithm's length, and millisecond timestamps,
 * are recognised earlier without hashing, in the malformed and out-of-window details.)
 *
 * <p>Bounded twice: only bodies up to {@link #MAX_BODY} bytes, and only while the {@link HintBudget} has tokens,
 * one per search as before; and every MAC a search computes takes a token from a second bucket, that budget scaled
 * by the most MACs one search could cost before the §12 hints existed ({@link #macsPerSearchBefore}). A flood of
 * mismatches therefore costs no more MACs than it did; a search that runs out gives no hint. A hint never contains
 * a secret, only its index.
 */
final class MismatchHints {
    static final int MAX_BODY = 64 * 1024;
    private static final byte[] LF = {'\n'};

    private final HmacScheme scheme;
    private final HintBudget budget;
    private final HintBudget macs;
    private final Clock clock;
    /** Every MAC computed for hints (tests check the budget with it). */
    private final java.util.concurrent.atomic.LongAdder computed = new java.util.concurrent.atomic.LongAdder();

    MismatchHints(HmacScheme scheme, HintBudget budget, Clock clock) {
        this.scheme = scheme;
        this.budget = budget;
        this.macs = budget.scaled(macsPerSearchBefore(scheme));
        this.clock = clock;
    }

    /**
     * The most MACs one search could compute before the §12 hints: per secret, the body with a newline added and
     * removed (raw-body payloads), the secret with a newline, a CRLF and a space, trimmed (when it ends with
     * whitespace), and the body alone (templates that sign more).
     */
    static int macsPerSearchBefore(HmacScheme scheme) {
        int k = scheme.keys().size();
        int n = (scheme.payload().hashesRawBody() ? 2 * k : 0) + 3 * k;
        for (byte[] key : scheme.keys()) {
            n += key.length > 0 && trailingSpace(key[key.length - 1]) ? 1 : 0;
        }
        if (scheme.payload() instanceof PayloadTemplate t && !t.describe().equals("{body}")) {
            n += k;
        }
        return n;
    }

    /** How many MACs hint searches have computed so far. */
    long macsComputed() {
        return computed.sum();
    }

    /** Thrown when a search's next MAC is over the MAC budget: the search ends without a hint. */
    static final class Spent extends Exception {
        private static final long serialVersionUID = 1L;

        Spent() {
            super(null, null, false, false);
        }
    }

    /** The hint that explains the mismatch, or null (none fits, body too large, or the budget is spent). */
    String find(Delivery d, List<byte[]> received) {
        ByteBuf body = d.body();
        if (body.readableBytes() > MAX_BODY || !budget.tryAcquire(clock.millis())) {
            return null;
        }
        long now = clock.millis();
        try {
            String hint = search(d, received, now);
            return hint != null ? hint : SenderMistakeHints.search(this, d, received, now);
        } catch (GeneralSecurityException | Spent e) {
            return null;
        }
    }

    private String search(Delivery d, List<byte[]> received, long now) throws GeneralSecurityException, Spent {
        ByteBuf body = d.body();
        List<byte[]> keys = scheme.keys();
        if (scheme.payload().hashesRawBody()) {
            for (byte[] key : keys) {
                if (matches(key, d, body, LF, received, now)) {
                    return "the signature matches the body with a trailing newline: the sender signed a newline"
                            + " that it did not send";
                }
            }
            int trailing = trailingNewline(body);
            if (trailing > 0) {
                ByteBuf shorter = body.slice(body.readerIndex(), body.readableBytes() - trailing);
                for (byte[] key : keys) {
                    if (matches(key, d, shorter, null, received, now)) {
                        return "the signature matches the body without its trailing newline: a newline was added"
                                + " after signing (by the sender's client or a proxy)";
                    }
                }
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i);
            String n = "secret #" + (i + 1);
            if (matches(concat(key, "\n"), d, body, null, received, now)
                    || matches(concat(key, "\r\n"), d, body, null, received, now)) {
                return "the signature matches " + n + " with a trailing newline: the sender's copy of the secret ends"
                        + " with a newline";
            }
            if (matches(concat(key, " "), d, body, null, received, now)) {
                return "the signature matches " + n + " with a trailing space: the sender's copy of the secret ends"
                        + " with whitespace";
            }
            int end = key.length;
            while (end > 0 && trailingSpace(key[end - 1])) {
                end--;
            }
            if (end > 0 && end < key.length && matches(Arrays.copyOf(key, end), d, body, null, received, now)) {
                return "the signature matches " + n + " without its trailing whitespace: the configured secret ends"
                        + " with whitespace (check the file or variable it comes from)";
            }
        }
        if (scheme.payload() instanceof PayloadTemplate t && !t.describe().equals("{body}")) {
            PayloadTemplate bodyOnly = PayloadTemplate.compile("{body}", null);
            for (byte[] key : keys) {
                Mac mac = mac(key, now);
                bodyOnly.feed(mac, d, body, null);
                if (anyEqual(mac.doFinal(), received)) {
                    return "the signature matches the body alone: the sender must sign " + t.describe();
                }
            }
        }
        return null;
    }

    /** Whether the payload over {@code body} + {@code suffix}, keyed with {@code key}, is one of the received MACs. */
    boolean matches(byte[] key, Delivery d, ByteBuf body, byte[] suffix, List<byte[]> received, long now)
            throws GeneralSecurityException, Spent {
        Mac mac = mac(key, now);
        scheme.payload().feed(mac, d, body, suffix);
        return anyEqual(mac.doFinal(), received);
    }

    HmacScheme scheme() {
        return scheme;
    }

    private Mac mac(byte[] key, long now) throws GeneralSecurityException, Spent {
        if (!macs.tryAcquire(now)) {
            throw new Spent();
        }
        computed.increment();
        Mac mac = Mac.getInstance(scheme.algorithm().jcaName());
        mac.init(new SecretKeySpec(key, scheme.algorithm().jcaName()));
        return mac;
    }

    private static boolean anyEqual(byte[] computed, List<byte[]> received) {
        boolean any = false;
        for (byte[] r : received) {
            any |= MessageDigest.isEqual(computed, r);
        }
        return any;
    }

    private static byte[] concat(byte[] key, String suffix) {
        byte[] s = suffix.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(key, key.length + s.length);
        System.arraycopy(s, 0, out, key.length, s.length);
        return out;
    }

    private static boolean trailingSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** 2 for a trailing CRLF, 1 for LF, else 0. */
    private static int trailingNewline(ByteBuf body) {
        int n = body.readableBytes();
        int end = body.writerIndex();
        if (n >= 1 && body.getByte(end - 1) == '\n') {
            return n >= 2 && body.getByte(end - 2) == '\r' ? 2 : 1;
        }
        return 0;
    }
}
