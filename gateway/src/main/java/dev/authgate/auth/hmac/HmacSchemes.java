package dev.authgate.auth.hmac;

import dev.authgate.config.Secret;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HMAC presets (github, stripe, ...) and the rules for combining them with the generic fields.
 *
 * <p>A preset fixes the signature's shape: {@code header}, {@code algorithm}, {@code encoding}, {@code prefix},
 * {@code payload} and {@code timestamp_header} may not be set next to it (use a generic scheme for another shape).
 * It may be combined with {@code secrets}, {@code tolerance}, {@code id_header}, {@code public_url} and
 * {@code replay}. Generic defaults: {@code algorithm: sha256}, {@code encoding: hex}, no prefix,
 * {@code payload: {body}}; a scheme that signs a timestamp defaults to {@code tolerance: 5m}.
 */
public final class HmacSchemes {

    /** The tolerance of a scheme that signs a timestamp when none is configured, checked in both directions. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    /** How a configured secret becomes the MAC key. */
    enum SecretForm {
        /** The secret's UTF-8 bytes, as they are (Stripe's literal {@code whsec_...} string too). */
        RAW,
        /** {@code whsec_<base64>}: the base64 after the prefix, decoded (Standard Webhooks, Svix). */
        WHSEC_BASE64
    }

    /** A provider's fixed fields; {@code payload} null means Twilio's URL-plus-parameters string. */
    record Preset(String name, SignatureFormat format, List<String> signatureHeaders, HmacAlgorithm algorithm,
                  SignatureEncoding encoding, String prefix, String payload, List<String> timestampHeaders,
                  List<String> idHeaders, boolean timestamped, SecretForm secretForm, boolean needsPublicUrl) {
    }

    private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();

    static {
        HmacAlgorithm sha256 = HmacAlgorithm.SHA256;
        SignatureEncoding hex = SignatureEncoding.HEX;
        SignatureEncoding b64 = SignatureEncoding.BASE64;
        SignatureFormat plain = SignatureFormat.PLAIN;
        SecretForm raw = SecretForm.RAW;
        add(new Preset("github", plain, List.of("X-Hub-Signature-256"), sha256, hex, "sha256=", "{body}",
                List.of(), List.of("X-GitHub-Delivery"), false, raw, false));
        add(new Preset("stripe", SignatureFormat.STRIPE, List.of("Stripe-Signature"), sha256, hex, "",
                "{timestamp}.{body}", List.of(), List.of(), true, raw, false));
        add(new Preset("slack", plain, List.of("X-Slack-Signature"), sha256, hex, "v0=", "v0:{timestamp}:{body}",
                List.of("X-Slack-Request-Timestamp"), List.of(), true, raw, false));
        add(new Preset("shopify", plain, List.of("X-Shopify-Hmac-Sha256"), sha256, b64, "", "{body}",
                List.of(), List.of("X-Shopify-Webhook-Id"), false, raw, false));
        add(new Preset("standard-webhooks", SignatureFormat.STANDARD_WEBHOOKS, List.of("webhook-signature"), sha256,
                b64, "", "{id}.{timestamp}.{body}", List.of("webhook-timestamp"), List.of("webhook-id"), true,
                SecretForm.WHSEC_BASE64, false));
        add(new Preset("svix", SignatureFormat.STANDARD_WEBHOOKS, List.of("svix-signature", "webhook-signature"),
                sha256, b64, "", "{id}.{timestamp}.{body}", List.of("svix-timestamp", "webhook-timestamp"),
                List.of("svix-id", "webhook-id"), true, SecretForm.WHSEC_BASE64, false));
        add(new Preset("zoom", plain, List.of("x-zm-signature"), sha256, hex, "v0=", "v0:{timestamp}:{body}",
                List.of("x-zm-request-timestamp"), List.of(), true, raw, false));
        add(new Preset("paddle", SignatureFormat.PADDLE, List.of("Paddle-Signature"), sha256, hex, "",
                "{timestamp}:{body}", List.of(), List.of(), true, raw, false));
        add(new Preset("linear", plain, List.of("Linear-Signature"), sha256, hex, "", "{body}",
                List.of(), List.of(), false, raw, false));
        add(new Preset("meta", plain, List.of("X-Hub-Signature-256"), sha256, hex, "sha256=", "{body}",
                List.of(), List.of(), false, raw, false));
        add(new Preset("square", plain, List.of("x-square-hmacsha256-signature"), sha256, b64, "", "{url}{body}",
                List.of(), List.of(), false, raw, true));
        add(new Preset("twilio", plain, List.of("X-Twilio-Signature"), HmacAlgorithm.SHA1, b64, "", null,
                List.of(), List.of(), false, raw, true));
    }

    private static void add(Preset p) {
        PRESETS.put(p.name(), p);
    }

    private HmacSchemes() {
    }

    /** The preset names, in documentation order. */
    public static List<String> presetNames() {
        return List.copyOf(PRESETS.keySet());
    }

    static Preset preset(String name) {
        return PRESETS.get(name);
    }

    /**
     * Checks an {@code hmac:} block beyond its record's own constraints (known preset, algorithm, encoding, payload
     * template, public_url where required, {@code replay.key: id} only where the scheme has an id header).
     *
     * @throws IllegalArgumentException with a message {@code "field: problem (expected: ...)"}, e.g.
     *                                  {@code "preset: 'gihub' is unknown (expected: github, stripe, ...)"}; never
     *                                  containing a secret
     */
    public static void validate(HmacConfig hmac) {
        resolve(hmac);
    }

    /** Validates and resolves an {@code hmac:} block. */
    static HmacScheme resolve(HmacConfig c) {
        if (c.preset() != null) {
            Preset p = PRESETS.get(c.preset());
            if (p == null) {
                throw new IllegalArgumentException("preset: '" + c.preset() + "' is unknown (expected: "
                        + String.join(", ", PRESETS.keySet()) + ")");
            }
            return resolvePreset(p, c);
        }
        return resolveGeneric(c);
    }

    private static HmacScheme resolvePreset(Preset p, HmacConfig c) {
        fixedByPreset(p, "header", c.header());
        fixedByPreset(p, "algorithm", c.algorithm());
        fixedByPreset(p, "encoding", c.encoding());
        fixedByPreset(p, "prefix", c.prefix());
        fixedByPreset(p, "payload", c.payload());
        fixedByPreset(p, "timestamp_header", c.timestampHeader());
        if (c.idHeader() != null) {
            checkHeaderName("id_header", c.idHeader());
        }
        List<String> idHeaders = c.idHeader() != null ? List.of(c.idHeader()) : p.idHeaders();
        String publicUrl = publicUrl(c.publicUrl(), p.needsPublicUrl(), "preset '" + p.name() + "'");
        Payload payload = p.payload() == null ? new TwilioPayload(publicUrl)
                : PayloadTemplate.compile(p.payload(), publicUrl);
        Duration tolerance = tolerance(c.tolerance(), p.timestamped());
        checkReplay(c.replay(), idHeaders);
        return new HmacScheme(p.name(), p.format(), p.signatureHeaders(), p.algorithm(), p.encoding(), p.prefix(),
                payload, p.timestampHeaders(), idHeaders, tolerance, keys(c.secrets(), p.secretForm()), c.replay(),
                publicUrl);
    }

    private static HmacScheme resolveGeneric(HmacConfig c) {
        if (c.header() == null) {
            throw new IllegalArgumentException("header: required for a generic hmac scheme (expected: the signature"
                    + " header's name, e.g. X-Signature, or a preset: " + String.join(", ", PRESETS.keySet()) + ")");
        }
        checkHeaderName("header", c.header());
        HmacAlgorithm algorithm = c.algorithm() == null ? HmacAlgorithm.SHA256 : HmacAlgorithm.byName(c.algorithm());
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm: '" + c.algorithm() + "' (expected: " + HmacAlgorithm.KNOWN
                    + ")");
        }
        SignatureEncoding encoding = c.encoding() == null ? SignatureEncoding.HEX
                : SignatureEncoding.byName(c.encoding());
        if (encoding == null) {
            throw new IllegalArgumentException("encoding: '" + c.encoding() + "' (expected: "
                    + SignatureEncoding.KNOWN + ")");
        }
        if (c.timestampHeader() != null) {
            checkHeaderName("timestamp_header", c.timestampHeader());
        }
        if (c.idHeader() != null) {
            checkHeaderName("id_header", c.idHeader());
        }
        String text = c.payload() == null ? "{body}" : c.payload();
        PayloadTemplate template = PayloadTemplate.compile(text, null);
        if (!template.uses(PayloadTemplate.Part.BODY)) {
            throw new IllegalArgumentException("payload: must contain {body} (expected: e.g. {timestamp}.{body})");
        }
        if (template.uses(PayloadTemplate.Part.TIMESTAMP) && c.timestampHeader() == null) {
            throw new IllegalArgumentException("payload: {timestamp} needs timestamp_header (expected:"
                    + " timestamp_header: the header that carries the unix seconds)");
        }
        if (c.timestampHeader() != null && !template.uses(PayloadTemplate.Part.TIMESTAMP)) {
            // An unsigned timestamp can be changed by anyone, so checking its window would protect nothing.
            throw new IllegalArgumentException("timestamp_header: the payload does not sign it (expected: {timestamp}"
                    + " in payload, e.g. {timestamp}.{body})");
        }
        if (template.uses(PayloadTemplate.Part.ID) && c.idHeader() == null) {
            throw new IllegalArgumentException("payload: {id} needs id_header (expected: id_header: the header that"
                    + " carries the delivery id)");
        }
        boolean signsUrl = template.uses(PayloadTemplate.Part.URL);
        if (signsUrl && c.publicUrl() == null) {
            throw new IllegalArgumentException("payload: {url} needs public_url (expected: public_url: the absolute"
                    + " URL the sender calls, without query string)");
        }
        String publicUrl = publicUrl(c.publicUrl(), signsUrl, "this payload");
        if (signsUrl) {
            template = PayloadTemplate.compile(text, publicUrl);
        }
        boolean timestamped = c.timestampHeader() != null;
        Duration tolerance = tolerance(c.tolerance(), timestamped);
        List<String> idHeaders = c.idHeader() == null ? List.of() : List.of(c.idHeader());
        checkReplay(c.replay(), idHeaders);
        return new HmacScheme("hmac", SignatureFormat.PLAIN, List.of(c.header()), algorithm, encoding,
                c.prefix() == null ? "" : c.prefix(), template,
                timestamped ? List.of(c.timestampHeader()) : List.of(), idHeaders, tolerance,
                keys(c.secrets(), SecretForm.RAW), c.replay(), publicUrl);
    }

    private static void fixedByPreset(Preset p, String field, String value) {
        if (value != null) {
            throw new IllegalArgumentException(field + ": is fixed by preset '" + p.name() + "' (expected: leave it"
                    + " out, or drop preset: for a generic scheme)");
        }
    }

    private static void checkHeaderName(String field, String name) {
        boolean ok = !name.isEmpty();
        for (int i = 0; i < name.length() && ok; i++) {
            char c = name.charAt(i);
            ok = c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }
        if (!ok) {
            throw new IllegalArgumentException(field + ": '" + name + "' (expected: an HTTP header name)");
        }
    }

    private static String publicUrl(String url, boolean used, String who) {
        if (url == null) {
            if (used) {
                throw new IllegalArgumentException("public_url: required for " + who + " (expected: the absolute"
                        + " https URL the provider calls, without query string)");
            }
            return null;
        }
        if (!used) {
            throw new IllegalArgumentException("public_url: " + who + " does not sign the URL (expected: leave it"
                    + " out)");
        }
        String expected = "public_url: '" + url + "' (expected: an absolute https or http URL without query string)";
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || url.contains("?")) {
            throw new IllegalArgumentException(expected);
        }
        return url;
    }

    private static Duration tolerance(Duration configured, boolean timestamped) {
        if (!timestamped) {
            if (configured != null) {
                throw new IllegalArgumentException("tolerance: this scheme signs no timestamp (expected: leave it out,"
                        + " or set timestamp_header)");
            }
            return null;
        }
        if (configured == null) {
            return DEFAULT_TOLERANCE;
        }
        if (configured.isNegative() || configured.isZero()) {
            throw new IllegalArgumentException("tolerance: " + configured + " (expected: > 0, e.g. 5m)");
        }
        return configured;
    }

    private static void checkReplay(HmacConfig.ReplayConfig replay, List<String> idHeaders) {
        if (replay == null) {
            return;
        }
        if (replay.key().equals("id") && idHeaders.isEmpty()) {
            throw new IllegalArgumentException("replay.key: this scheme has no id header (use key: signature)");
        }
        if (replay.ttl() != null && (replay.ttl().isNegative() || replay.ttl().isZero())) {
            throw new IllegalArgumentException("replay.ttl: " + replay.ttl() + " (expected: > 0, e.g. 10m)");
        }
    }

    private static List<byte[]> keys(List<Secret> secrets, SecretForm form) {
        List<byte[]> keys = new ArrayList<>(secrets.size());
        for (int i = 0; i < secrets.size(); i++) {
            keys.add(key(secrets.get(i), form, i));
        }
        return List.copyOf(keys);
    }

    /** The MAC key of a secret; messages name only the index and the expected shape, never the value. */
    static byte[] key(Secret secret, SecretForm form, int index) {
        if (form == SecretForm.RAW) {
            return secret.utf8();
        }
        String s = secret.reveal();
        String b64 = s.startsWith("whsec_") ? s.substring("whsec_".length()) : s;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            key = null;
        }
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("secrets[" + index + "]: not base64 after 'whsec_' (expected: the"
                    + " whsec_... signing secret as the provider shows it)");
        }
        return key;
    }
}
