package dev.authgate.auth.hmac;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The signature-mismatch mistakes of PRODUCT.md §12 that {@link MismatchHints} tries after its own: an empty body
 * signed, a {@code whsec_} secret used as text where it must be base64-decoded (Standard Webhooks, Svix) or decoded
 * where it is used as text (Stripe), and a JSON body signed in another serialization ({@link JsonForms}). Each MAC
 * is paid from the hints' MAC budget; a hint names the mistake, the serialization or the secret's index, never a
 * value.
 */
final class SenderMistakeHints {
    private static final String WHSEC = "whsec_";

    private SenderMistakeHints() {
    }

    static String search(MismatchHints hints, Delivery d, List<byte[]> received, long now)
            throws GeneralSecurityException, MismatchHints.Spent {
        HmacScheme scheme = hints.scheme();
        ByteBuf body = d.body();
        boolean raw = scheme.payload().hashesRawBody();
        if (raw && body.isReadable()) {
            for (byte[] key : scheme.keys()) {
                if (hints.matches(key, d, Unpooled.EMPTY_BUFFER, null, received, now)) {
                    return "the signature matches an empty body: the sender signed before it set the body (or after"
                            + " it had read the body's stream); sign the bytes it sends";
                }
            }
        }
        String secret = secretForm(hints, d, received, now);
        if (secret != null) {
            return secret;
        }
        if (!raw || !body.isReadable()) {
            return null;
        }
        byte[] bytes = ByteBufUtil.getBytes(body, body.readerIndex(), body.readableBytes(), false);
        for (Map.Entry<JsonForms.Form, byte[]> form : JsonForms.of(bytes).entrySet()) {
            ByteBuf candidate = Unpooled.wrappedBuffer(form.getValue());
            for (byte[] key : scheme.keys()) {
                if (hints.matches(key, d, candidate, null, received, now)) {
                    return json(form.getKey());
                }
            }
        }
        return null;
    }

    private static String json(JsonForms.Form f) {
        String how = "the signature matches the body re-serialized as " + f.words + ": ";
        return switch (f) {
            case COMPACT, INDENT_2, INDENT_4, NO_WHITESPACE -> how + "the JSON was re-serialized (compact vs"
                    + " indented) between signing and delivery, or the sender signed its own serialization of the"
                    + " parsed body; sign and send the same raw bytes";
            case PYTHON, PYTHON_UNICODE -> how + "the sender signed json.dumps of the parsed body instead of the"
                    + " raw body it sent; sign the raw body bytes";
        };
    }

    /** A {@code whsec_} secret in the other form than the scheme's: as text where decoded, decoded where text. */
    private static String secretForm(MismatchHints hints, Delivery d, List<byte[]> received, long now)
            throws GeneralSecurityException, MismatchHints.Spent {
        HmacScheme scheme = hints.scheme();
        HmacSchemes.Preset preset = HmacSchemes.preset(scheme.name());
        boolean decodes = preset != null && preset.secretForm() == HmacSchemes.SecretForm.WHSEC_BASE64;
        List<byte[]> keys = scheme.keys();
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i);
            String n = "secret #" + (i + 1);
            if (decodes) {
                String b64 = Base64.getEncoder().encodeToString(key);
                if (hints.matches(utf8(WHSEC + b64), d, d.body(), null, received, now)
                        || hints.matches(utf8(b64), d, d.body(), null, received, now)) {
                    return "the signature matches " + n + " used as text: the sender must base64-decode the part"
                            + " after 'whsec_' and sign with the decoded bytes";
                }
            } else {
                String text = new String(key, StandardCharsets.UTF_8);
                byte[] decoded = text.startsWith(WHSEC) ? base64(text.substring(WHSEC.length())) : null;
                if (decoded != null && hints.matches(decoded, d, d.body(), null, received, now)) {
                    return "the signature matches " + n + " base64-decoded: this scheme signs with the whole"
                            + " whsec_ secret as text; the sender must not decode it";
                }
            }
        }
        return null;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] base64(String s) {
        try {
            byte[] b = Base64.getDecoder().decode(s);
            return b.length == 0 ? null : b;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
