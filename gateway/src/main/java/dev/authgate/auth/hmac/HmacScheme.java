package dev.authgate.auth.hmac;


import java.time.Duration;
import java.util.List;

/**
 * An {@code hmac:} block resolved against its preset: every field known, the secrets turned into key bytes. Built by
 * {@link HmacSchemes#resolve}; immutable.
 *
 * @param name             the preset name, or {@code hmac} for a generic scheme (the identity sent upstream)
 * @param format           how the signature header is written
 * @param signatureHeaders the signature header, then fallbacks (svix: {@code svix-signature}, {@code webhook-signature})
 * @param algorithm        the MAC algorithm
 * @param encoding         how the MAC is encoded in the header
 * @param prefix           the text before the MAC in a {@link SignatureFormat#PLAIN} header ("" for none)
 * @param payload          what is signed
 * @param timestampHeaders where the timestamp is, with fallbacks; empty when it is in the signature header or absent
 * @param idHeaders        where the delivery id is, with fallbacks; empty when the scheme has none
 * @param tolerance        the allowed skew in both directions; null when no timestamp is signed
 * @param keys             the MAC keys, in config order (index + 1 is the "secret #N" of details)
 * @param replay           replay protection, or null
 * @param publicUrl        {@code public_url}, or null
 */
record HmacScheme(String name, SignatureFormat format, List<String> signatureHeaders, HmacAlgorithm algorithm,
                  SignatureEncoding encoding, String prefix, Payload payload, List<String> timestampHeaders,
                  List<String> idHeaders, Duration tolerance, List<byte[]> keys, HmacConfig.ReplayConfig replay,
                  String publicUrl) {

    /** Whether a timestamp is signed and checked against the tolerance. */
    boolean timestamped() {
        return tolerance != null;
    }

    /** Whether the timestamp is read from the signature header itself (stripe's t=, paddle's ts=). */
    boolean timestampInSignatureHeader() {
        return format == SignatureFormat.STRIPE || format == SignatureFormat.PADDLE;
    }

    /** Whether the payload needs the delivery id (a request without it cannot be verified). */
    boolean signsId() {
        return payload instanceof PayloadTemplate t && t.uses(PayloadTemplate.Part.ID);
    }

    boolean twilio() {
        return payload instanceof TwilioPayload;
    }

    /** The signature header named in the challenge and in messages. */
    String primaryHeader() {
        return signatureHeaders.get(0);
    }
}
