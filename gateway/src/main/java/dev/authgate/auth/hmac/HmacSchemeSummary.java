package dev.authgate.auth.hmac;

import io.netty.handler.codec.http.HttpHeaders;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What an {@code hmac:} block expects from a sender, in words, for {@code authgate explain}: which header carries
 * the signature and in what shape, what bytes are signed, where the timestamp and the delivery id are. Never holds a
 * secret: secrets appear only as their count and origins ({@code env:NAME}).
 *
 * @param name             the preset name, or {@code hmac} for a generic scheme
 * @param signatureHeaders the signature header, then its fallbacks
 * @param signatureShape   the header value's shape, e.g. {@code sha256=<hex>} or {@code t=<unix seconds>,v1=<hex>}
 * @param algorithm        e.g. {@code HMAC-SHA256}
 * @param payload          what is signed, e.g. {@code v0:{timestamp}:{body}}
 * @param timestampHeaders where the signed timestamp is, with fallbacks; empty when it is inside the signature
 *                         header or when no timestamp is signed
 * @param tolerance        the allowed skew in both directions, or null when no timestamp is signed
 * @param idHeaders        the delivery id header, with fallbacks; empty when the scheme has none
 * @param secretOrigins    where each secret came from ({@code env:NAME}, {@code file:PATH}, {@code inline}), in order
 * @param replay           the {@code replay:} block, or null
 */
public record HmacSchemeSummary(String name, List<String> signatureHeaders, String signatureShape, String algorithm,
                                String payload, List<String> timestampHeaders, Duration tolerance,
                                List<String> idHeaders, List<String> secretOrigins, HmacConfig.ReplayConfig replay) {

    public HmacSchemeSummary {
        signatureHeaders = List.copyOf(signatureHeaders);
        timestampHeaders = List.copyOf(timestampHeaders);
        idHeaders = List.copyOf(idHeaders);
        secretOrigins = List.copyOf(secretOrigins);
    }

    /**
     * Summarises a validated block.
     *
     * @throws IllegalArgumentException when the block is invalid (see {@link HmacSchemes#validate})
     */
    public static HmacSchemeSummary of(HmacConfig config) {
        HmacScheme s = HmacSchemes.resolve(config);
        List<String> origins = new ArrayList<>();
        config.secrets().forEach(secret -> origins.add(secret.origin()));
        return new HmacSchemeSummary(s.name(), s.signatureHeaders(), shape(s), s.algorithm().displayName(),
                s.payload().describe(), s.timestampHeaders(), s.tolerance(), s.idHeaders(), origins, s.replay());
    }

    /** The signature header named in challenges and messages. */
    public String signatureHeader() {
        return signatureHeaders.get(0);
    }

    /** Whether a timestamp is signed and checked against the tolerance. */
    public boolean timestamped() {
        return tolerance != null;
    }

    /** Where the timestamp is, for messages: its header, or the signature header's field ({@code t=} in ...). */
    public String timestampWhere() {
        if (!timestamped()) return null;
        if (!timestampHeaders.isEmpty()) return timestampHeaders.get(0);
        return (name.equals("paddle") ? "ts=" : "t=") + " in " + signatureHeader();
    }

    /**
     * The timestamp as the request sent it (not a secret), or null when the scheme signs none or it is absent:
     * the first timestamp header present, or the {@code t=} / {@code ts=} field of the signature header.
     */
    public String timestampIn(HttpHeaders headers) {
        if (!timestamped()) return null;
        for (String h : timestampHeaders) {
            if (headers.contains(h)) return headers.get(h).trim();
        }
        if (!timestampHeaders.isEmpty()) return null;
        String key = name.equals("paddle") ? "ts" : "t";
        String separator = name.equals("paddle") ? ";" : ",";
        for (String header : signatureHeaders) {
            String value = headers.get(header);
            if (value == null) continue;
            for (String item : value.split(separator)) {
                String t = item.trim();
                if (t.startsWith(key + "=")) return t.substring(key.length() + 1).trim();
            }
        }
        return null;
    }

    /**
     * The presets whose signature header is {@code header} (case-insensitive), e.g. github and meta for
     * {@code X-Hub-Signature-256}.
     */
    public static List<String> presetsSigningIn(String header) {
        List<String> out = new ArrayList<>();
        for (String name : HmacSchemes.presetNames()) {
            for (String h : HmacSchemes.preset(name).signatureHeaders()) {
                if (h.equalsIgnoreCase(header) && !out.contains(name)) out.add(name);
            }
        }
        return out;
    }

    /** Every preset's signature header, each once, in preset order (to spot a request signed for another provider). */
    public static List<String> presetSignatureHeaders() {
        List<String> out = new ArrayList<>();
        for (String name : HmacSchemes.presetNames()) {
            for (String h : HmacSchemes.preset(name).signatureHeaders()) {
                if (out.stream().noneMatch(h::equalsIgnoreCase)) out.add(h);
            }
        }
        return out;
    }

    private static String shape(HmacScheme s) {
        String mac = "<" + s.encoding().configName() + ">";
        switch (s.format()) {
            case PLAIN:
                return s.prefix() + mac;
            case STRIPE:
                return "t=<unix seconds>,v1=" + mac;
            case PADDLE:
                return "ts=<unix seconds>;h1=" + mac;
            case STANDARD_WEBHOOKS:
                return "v1," + mac + " (space-separated list)";
            default:
                throw new AssertionError(s.format());
        }
    }
}
