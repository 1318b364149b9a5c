package dev.authgate.auth.hmac;

import dev.authgate.http.Reason;

import java.util.ArrayList;
import java.util.List;

/**
 * How a provider writes its signature header, and how to read it back. Parsing never puts the received value in a
 * detail: only its shape ("44 base64 characters") and a short non-secret prefix such as {@code 'sha1='}.
 */
enum SignatureFormat {
    /** {@code prefix + encoded MAC}, e.g. {@code sha256=<hex>} (github), {@code v0=<hex>} (slack), bare base64. */
    PLAIN,
    /** {@code t=<ts>,v1=<hex>[,v1=<hex>...][,v0=...]}: any v1 may match, v0 is ignored. */
    STRIPE,
    /** {@code ts=<ts>;h1=<hex>[;h1=<hex>...]}: any h1 may match. */
    PADDLE,
    /** Space-separated {@code v1,<base64>} entries: any v1 may match, other versions are ignored. */
    STANDARD_WEBHOOKS;

    /**
     * The outcome of reading a signature header: the candidate MACs (each already of the MAC's length) and, for
     * formats that carry it, the timestamp as sent; or a failure reason with its detail.
     */
    record Parsed(List<byte[]> macs, String timestamp, Reason failure, String detail) {
        static Parsed ok(List<byte[]> macs, String timestamp) {
            return new Parsed(macs, timestamp, null, null);
        }

        static Parsed fail(Reason reason, String detail) {
            return new Parsed(List.of(), null, reason, detail);
        }

        boolean failed() {
            return failure != null;
        }
    }

    Parsed parse(HmacScheme scheme, String header, String value) {
        switch (this) {
            case PLAIN:
                return parsePlain(scheme, header, value);
            case STRIPE:
                return parseList(scheme, header, value, ",", '=', "t", "v1");
            case PADDLE:
                return parseList(scheme, header, value, ";", '=', "ts", "h1");
            case STANDARD_WEBHOOKS:
                return parseList(scheme, header, value, " ", ',', null, "v1");
            default:
                throw new AssertionError(this);
        }
    }

    private static Parsed parsePlain(HmacScheme scheme, String header, String value) {
        String prefix = scheme.prefix();
        String label = label(value);
        if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
            String rest = label == null ? value : value.substring(label.length());
            return Parsed.fail(Reason.SIGNATURE_MALFORMED, "expected '" + prefix + "' at the start of " + header
                    + ", got " + prefixShape(value) + algorithmHint(scheme, rest, "; hint: "));
        }
        if (prefix.isEmpty() && label != null && scheme.encoding().decode(value) == null) {
            // "sha256=<hex>" where the route expects the MAC alone: name the prefix found and the one expected.
            return Parsed.fail(Reason.SIGNATURE_MALFORMED, header + " starts with '" + label + "' where the route"
                    + " expects no prefix (expected: the " + scheme.encoding().configName() + " MAC alone)"
                    + algorithmHint(scheme, value.substring(label.length()), "; hint: "));
        }
        String where = prefix.isEmpty() ? "in " + header : "after '" + prefix + "'";
        MacOrDetail m = decode(scheme, value.substring(prefix.length()), where);
        return m.mac != null ? Parsed.ok(List.of(m.mac), null) : Parsed.fail(Reason.SIGNATURE_MALFORMED, m.detail);
    }

    /**
     * Reads {@code key<sep>value} items separated by {@code itemSeparator}: the timestamp under {@code tsKey} (the first
     * one), the signatures under {@code sigKey} (all of them), anything else ignored.
     */
    private static Parsed parseList(HmacScheme scheme, String header, String value, String itemSeparator,
                                    char keySeparator, String tsKey, String sigKey) {
        String timestamp = null;
        List<String> encoded = new ArrayList<>();
        for (String raw : value.split(itemSeparator)) {
            String item = raw.trim();
            int sep = item.indexOf(keySeparator);
            if (sep <= 0) {
                continue;
            }
            String key = item.substring(0, sep).trim();
            String v = item.substring(sep + 1).trim();
            if (key.equals(sigKey)) {
                encoded.add(v);
            } else if (tsKey != null && key.equals(tsKey) && timestamp == null) {
                timestamp = v;
            }
        }
        String itemPrefix = sigKey + keySeparator;
        if (encoded.isEmpty()) {
            return Parsed.fail(Reason.SIGNATURE_MALFORMED, "expected at least one '" + itemPrefix + "<"
                    + scheme.encoding().configName() + ">' in " + header + ", got none");
        }
        if (tsKey != null && timestamp == null) {
            return Parsed.fail(Reason.TIMESTAMP_MISSING, header + " has no '" + tsKey + "=' timestamp");
        }
        List<byte[]> macs = new ArrayList<>(encoded.size());
        String firstDetail = null;
        for (String e : encoded) {
            MacOrDetail m = decode(scheme, e, "after '" + itemPrefix + "'");
            if (m.mac != null) {
                macs.add(m.mac);
            } else if (firstDetail == null) {
                firstDetail = m.detail;
            }
        }
        if (macs.isEmpty()) {
            return Parsed.fail(Reason.SIGNATURE_MALFORMED, firstDetail);
        }
        return Parsed.ok(List.copyOf(macs), timestamp);
    }

    @SuppressWarnings("ArrayRecordComponent") // a return pair, never compared, hashed or printed
    private record MacOrDetail(byte[] mac, String detail) {
    }

    /**
     * Decodes one encoded MAC; a value in the wrong encoding or of the wrong decoded length is malformed (never a
     * mismatch), with a detail that says what was expected and, when it fits, that the other encoding was sent.
     */
    private static MacOrDetail decode(HmacScheme scheme, String text, String where) {
        SignatureEncoding enc = scheme.encoding();
        int length = scheme.algorithm().macLength();
        byte[] mac = enc.decode(text);
        if (mac != null && mac.length == length) {
            return new MacOrDetail(mac, null);
        }
        String got = SignatureEncoding.describe(text);
        String detail = mac == null
                ? "expected " + enc.configName() + " " + where + ", got " + got
                : "expected " + enc.encodedLength(length) + " " + enc.configName() + " characters ("
                + scheme.algorithm().displayName() + ") " + where + ", got " + got;
        byte[] other = enc.other().decode(text);
        if (other != null && other.length == length) {
            detail += "; hint: it looks like " + enc.other().configName() + ": the sender encodes "
                    + enc.other().configName() + " where " + enc.configName() + " is expected";
        } else if (enc == SignatureEncoding.BASE64 && mac != null && mac.length == 2 * length
                && SignatureEncoding.isHex(new String(mac, java.nio.charset.StandardCharsets.ISO_8859_1))) {
            detail += "; hint: it is a hex digest encoded again in base64: the sender should base64-encode the raw"
                    + " MAC bytes";
        } else {
            detail += algorithmHint(scheme, text, "; hint: ");
        }
        return new MacOrDetail(null, detail);
    }

    /**
     * When {@code text} decodes (in either encoding) to the length of another algorithm's MAC: {@code lead} + "it
     * looks like HMAC-SHA1 ..."; else "". Says nothing about the value but its decoded length class.
     */
    static String algorithmHint(HmacScheme scheme, String text, String lead) {
        for (SignatureEncoding enc : new SignatureEncoding[] {scheme.encoding(), scheme.encoding().other()}) {
            byte[] decoded = enc.decode(text);
            if (decoded == null) {
                continue;
            }
            for (HmacAlgorithm a : HmacAlgorithm.values()) {
                if (a != scheme.algorithm() && decoded.length == a.macLength()) {
                    return lead + "it looks like " + a.displayName() + (enc == scheme.encoding() ? ""
                            : " in " + enc.configName()) + ": the sender signs with " + a.displayName() + " where "
                            + scheme.algorithm().displayName() + " is expected";
                }
            }
        }
        return "";
    }

    /** A short label such as {@code sha256=} or {@code v1,} at the start of a value, or null. */
    private static String label(String value) {
        for (int i = 0; i < Math.min(value.length(), 12); i++) {
            char c = value.charAt(i);
            if ((c == '=' || c == ',') && i > 0) {
                return value.substring(0, i + 1);
            }
            if (!(Character.isLetterOrDigit(c) || c == '-') || c > 127) {
                return null;
            }
        }
        return null;
    }

    /** The shape of a value lacking the expected prefix: a short alphanumeric prefix of its own, else its shape. */
    private static String prefixShape(String value) {
        for (int i = 0; i < Math.min(value.length(), 12); i++) {
            char c = value.charAt(i);
            if ((c == '=' || c == ',') && i > 0) {
                return "'" + value.substring(0, i + 1) + "' instead";
            }
            if (!Character.isLetterOrDigit(c) || c > 127) {
                break;
            }
        }
        return SignatureEncoding.describe(value) + " without it";
    }
}
