package dev.authgate.auth.hmac;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.http.Reason;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code auth: { hmac: ... }}: verifies a webhook signature over the raw body as received (docs/configuration.md), for a
 * preset or a generic scheme.
 *
 * <p>Order of checks, cheapest first: signature header present ({@code signature_missing}) and well-formed
 * ({@code signature_malformed}: wrong prefix, encoding or decoded length); then the timestamp, where one is signed
 * ({@code timestamp_missing}, {@code timestamp_malformed}, {@code timestamp_out_of_window}, both directions); then
 * the MAC with each secret in turn, compared in constant time on decoded bytes ({@code signature_mismatch}, with a
 * hint for the common sender mistakes when one fits). The body is fed to the MAC from its NIO views, never copied,
 * decoded or consumed.
 *
 * <p>Accepted results name the matching secret by index only ("secret #2 of 2 matched") and carry, when
 * {@code replay:} is configured, a {@link AuthResult.ReplayKey}: {@code <namespace>:id:<delivery id>} or
 * {@code <namespace>:sig:<SHA-256 of the MAC, hex>}, where the namespace is the preset name (or {@code hmac:<header>}
 * for a generic scheme); its ttl is {@code replay.ttl} (default 24h, or twice the tolerance where a timestamp is
 * signed) and never less than twice the tolerance, the span over which one timestamp stays acceptable.
 *
 * <p>The 401 challenge is {@code HMAC realm="authgate", header="<signature header>"}.
 *
 * <p>Verification runs inline on the calling event loop: it is CPU work proportional to the body (about a
 * millisecond per MiB per secret), without I/O or locks. Thread-safe: MAC instances are kept per thread, the keys
 * ({@code SecretKeySpec}) are built once per config.
 */
public final class HmacAuthenticator implements Authenticator {
    /** The replay ttl of a scheme without a signed timestamp when {@code replay.ttl} is not set. */
    static final Duration DEFAULT_REPLAY_TTL = Duration.ofHours(24);

    private final HmacScheme scheme;
    private final Clock clock;
    /**
     * One {@link Mac} per algorithm per thread, re-keyed per use from the precomputed {@link #keys} (an init is a
     * key copy and two pad XORs). Static, so that reloads, which build new authenticators, leave no per-instance
     * thread-locals (holding key material) behind on the event loops.
     */
    private static final ThreadLocal<Mac[]> MACS = ThreadLocal.withInitial(() -> new Mac[HmacAlgorithm.values().length]);

    private final SecretKeySpec[] keys;
    private final MismatchHints hints;
    private final String challenge;

    /**
     * @throws IllegalArgumentException when the block is invalid (see {@link HmacSchemes#validate})
     */
    public HmacAuthenticator(HmacConfig config, AuthSupport support) {
        this(config, support, new HintBudget(5, 5));
    }

    HmacAuthenticator(HmacConfig config, AuthSupport support, HintBudget hintBudget) {
        this.scheme = HmacSchemes.resolve(config);
        this.clock = support.clock();
        String jca = scheme.algorithm().jcaName();
        this.keys = scheme.keys().stream().map(k -> new SecretKeySpec(k, jca)).toArray(SecretKeySpec[]::new);
        this.hints = new MismatchHints(scheme, hintBudget, clock);
        this.challenge = "HMAC realm=\"authgate\", header=\"" + scheme.primaryHeader() + "\"";
        for (int i = 0; i < keys.length; i++) {
            mac(i); // fail at startup, not on the first request, should the JDK refuse the algorithm or a key
        }
    }

    /** This thread's MAC for the scheme's algorithm, keyed with secret {@code i}. */
    @SuppressWarnings("EnumOrdinal") // the slot in MACS, sized values().length: an EnumMap without a lookup per request
    private Mac mac(int i) {
        Mac[] perAlgorithm = MACS.get();
        int slot = scheme.algorithm().ordinal();
        try {
            if (perAlgorithm[slot] == null) {
                perAlgorithm[slot] = Mac.getInstance(scheme.algorithm().jcaName());
            }
            perAlgorithm[slot].init(keys[i]);
            return perAlgorithm[slot];
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(scheme.algorithm().displayName() + " is not available", e);
        }
    }

    @Override
    public String scheme() {
        return "hmac";
    }

    @Override
    public String challenge() {
        return challenge;
    }

    /** The mismatch hints (tests count their MACs). */
    MismatchHints hints() {
        return hints;
    }

    /** The identity sent upstream: the preset name, or {@code hmac} for a generic scheme. */
    public String identity() {
        return scheme.name();
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        return CompletableFuture.completedFuture(verify(request));
    }

    AuthResult verify(AuthRequest r) {
        HttpHeaders h = r.headers();
        String sigHeader = firstPresent(h, scheme.signatureHeaders());
        if (sigHeader == null) {
            return new AuthResult.Rejected(Reason.SIGNATURE_MISSING, scheme.primaryHeader() + " header is missing",
                    false);
        }
        List<String> values = h.getAll(sigHeader);
        if (values.size() > 1) {
            return rejected(Reason.SIGNATURE_MALFORMED, "expected one " + sigHeader + " header, got " + values.size());
        }
        SignatureFormat.Parsed parsed = scheme.format().parse(scheme, sigHeader, values.get(0));
        if (parsed.failed()) {
            return rejected(parsed.failure(), parsed.detail());
        }

        String timestamp = null;
        if (scheme.timestamped()) {
            String where;
            if (scheme.timestampInSignatureHeader()) {
                timestamp = parsed.timestamp();
                where = sigHeader;
            } else {
                where = firstPresent(h, scheme.timestampHeaders());
                if (where == null) {
                    return rejected(Reason.TIMESTAMP_MISSING, scheme.timestampHeaders().get(0) + " header is missing");
                }
                timestamp = h.get(where);
            }
            AuthResult.Rejected bad = checkTimestamp(timestamp, where);
            if (bad != null) {
                return bad;
            }
        }

        String idHeader = firstPresent(h, scheme.idHeaders());
        String id = idHeader == null ? null : h.get(idHeader);
        if (scheme.signsId() && id == null) {
            return rejected(Reason.SIGNATURE_MALFORMED, "the signed " + scheme.idHeaders().get(0)
                    + " header is missing");
        }

        Delivery d = new Delivery(r.method(), r.path(), r.rawQuery(), id, timestamp,
                h.get(HttpHeaderNames.CONTENT_TYPE), r.body());
        long hashed = 0;
        int matched = -1;
        byte[] matchedMac = null;
        for (int i = 0; i < keys.length && matched < 0; i++) {
            Mac mac = mac(i); // init resets it, so a MAC left half-fed by an exception cannot poison the next use
            hashed = scheme.payload().feed(mac, d, d.body(), null);
            byte[] computed = mac.doFinal();
            for (byte[] sig : parsed.macs()) {
                if (MessageDigest.isEqual(computed, sig)) {
                    matched = i;
                    matchedMac = computed;
                }
            }
        }
        if (matched < 0) {
            return rejected(Reason.SIGNATURE_MISMATCH, mismatchDetail(d, parsed.macs(), hashed));
        }
        if (scheme.twilio()) {
            String bodyProblem = TwilioPayload.checkBody(d);
            if (bodyProblem != null) {
                return rejected(Reason.SIGNATURE_MISMATCH, bodyProblem);
            }
        }

        String detail = "secret #" + (matched + 1) + " of " + keys.length + " matched";
        AuthResult.ReplayKey replayKey = null;
        if (scheme.replay() != null) {
            boolean byId = scheme.replay().key().equals("id") && id != null;
            if (scheme.replay().key().equals("id") && id == null) {
                detail += "; no " + scheme.idHeaders().get(0) + " header, replay key from the signature";
            }
            replayKey = new AuthResult.ReplayKey(replayKey(byId ? id : null, matchedMac), replayTtl(scheme),
                    scheme.replay().onDuplicate().equals("acknowledge"));
        }
        return new AuthResult.Accepted("hmac", scheme.name(), detail, List.of(sigHeader), replayKey);
    }

    private AuthResult.Rejected checkTimestamp(String timestamp, String where) {
        if (timestamp == null || timestamp.isEmpty()) {
            return rejected(Reason.TIMESTAMP_MISSING, "the timestamp in " + where + " is empty");
        }
        if (timestamp.length() > 18 || !allDigits(timestamp)) {
            return rejected(Reason.TIMESTAMP_MALFORMED, "expected unix seconds (digits only) in " + where + ", got "
                    + shape(timestamp));
        }
        long seconds = Long.parseLong(timestamp);
        long toleranceMs = scheme.tolerance().toMillis();
        // Seconds beyond ~9e15 overflow as millis; such a value is in the far future anyway.
        long skewMs = seconds > 9_000_000_000_000_000L / 1000 ? Long.MIN_VALUE / 2
                : clock.millis() - seconds * 1000;
        if (Math.abs(skewMs) <= toleranceMs) {
            return null;
        }
        String skew = seconds(Math.abs(skewMs));
        String detail = (skewMs > 0 ? "timestamp is " + skew + " old" : "timestamp is " + skew + " in the future")
                + " (tolerance " + seconds(toleranceMs) + ", both directions)";
        if (seconds >= 100_000_000_000L && seconds < 100_000_000_000_000L) {
            detail += "; it looks like milliseconds: send unix seconds";
        }
        return rejected(Reason.TIMESTAMP_OUT_OF_WINDOW, detail);
    }

    private String mismatchDetail(Delivery d, List<byte[]> received, long hashed) {
        String tried = keys.length == 1 ? "1 secret tried" : keys.length + " secrets tried";
        if (received.size() > 1) {
            tried += " against " + received.size() + " signatures";
        }
        String detail = "signature does not match the body (" + scheme.algorithm().displayName() + " over " + hashed
                + " bytes: " + scheme.payload().describe() + ", body " + d.body().readableBytes() + " bytes; "
                + tried + ")";
        String hint = hints.find(d, received);
        return hint == null ? detail : detail + "; hint: " + hint;
    }

    private String replayKey(String id, byte[] mac) {
        String namespace = scheme.name().equals("hmac")
                ? "hmac:" + scheme.primaryHeader().toLowerCase(Locale.ROOT) : scheme.name();
        if (id != null) {
            return namespace + ":id:" + (plainId(id) ? id
                    : "sha256:" + HexFormat.of().formatHex(sha256(id.getBytes(StandardCharsets.ISO_8859_1))));
        }
        // The MAC is a credential: store its hash, which is safe to keep and to log.
        return namespace + ":sig:" + HexFormat.of().formatHex(sha256(mac));
    }

    /** At least twice the tolerance: a timestamp stays acceptable from {@code ts - tolerance} to {@code ts + tolerance}. */
    static Duration replayTtl(HmacScheme scheme) {
        Duration configured = scheme.replay().ttl();
        if (!scheme.timestamped()) {
            return configured != null ? configured : DEFAULT_REPLAY_TTL;
        }
        Duration window = scheme.tolerance().multipliedBy(2);
        return configured == null || configured.compareTo(window) < 0 ? window : configured;
    }

    private static boolean plainId(String id) {
        if (id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && "-_.:".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static String firstPresent(HttpHeaders h, List<String> names) {
        for (String n : names) {
            if (h.contains(n)) {
                return n;
            }
        }
        return null;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A timestamp that is not digits, shown when short and printable (it is not a secret), else by its length. */
    private static String shape(String value) {
        if (value.length() <= 40 && value.chars().allMatch(c -> c >= 32 && c < 127)) {
            return "'" + value + "'";
        }
        return value.length() + " characters";
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.3f s", millis / 1000.0);
    }

    private static AuthResult.Rejected rejected(Reason reason, String detail) {
        return new AuthResult.Rejected(reason, detail, true);
    }
}
