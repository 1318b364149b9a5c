package dev.authgate.auth.hmac;

import dev.authgate.auth.AuthScheme;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.HintInput;
import dev.authgate.auth.SignedRequest;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigMap;
import dev.authgate.config.ConfigNode;
import dev.authgate.config.ReadContext;
import dev.authgate.config.Secret;
import dev.authgate.http.Reason;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code hmac:}: a signature over the raw body (and what the scheme signs with it), generic or a provider preset
 * ({@link HmacSchemes}); built as an {@link HmacAuthenticator}, signed by {@link HmacSigner}, explained by
 * {@link HmacExplainHints}.
 */
public final class HmacAuthScheme implements AuthScheme<HmacConfig> {
    public static final HmacAuthScheme INSTANCE = new HmacAuthScheme();

    private HmacAuthScheme() {
    }

    @Override
    public String name() {
        return HmacConfig.NAME;
    }

    @Override
    public Class<HmacConfig> configType() {
        return HmacConfig.class;
    }

    @Override
    public HmacConfig read(ConfigNode n, ReadContext context) throws ConfigException {
        ConfigMap m = n.map("preset", "header", "algorithm", "encoding", "prefix", "payload", "timestamp_header",
                "id_header", "tolerance", "secrets", "replay", "public_url");
        String preset = m.text("preset", null);
        String header = m.token("header", "a header name like X-Signature", null);
        String algorithm = m.text("algorithm", null);
        String encoding = m.text("encoding", null);
        String prefix = m.string("prefix", null);
        String payload = m.string("payload", null);
        String timestampHeader = m.token("timestamp_header", "a header name like X-Timestamp", null);
        String idHeader = m.token("id_header", "a header name like X-Delivery-Id", null);
        Duration tolerance = m.duration("tolerance", null);
        List<Secret> list = new ArrayList<>();
        for (ConfigNode s : m.require("secrets").list()) {
            list.add(context.secret(s));
        }
        HmacConfig.ReplayConfig replay = null;
        ConfigNode replayNode = m.get("replay");
        if (replayNode != null) {
            ConfigMap r = replayNode.map("key", "ttl", "on_duplicate");
            try {
                replay = new HmacConfig.ReplayConfig(r.text("key", null), r.duration("ttl", null),
                        r.text("on_duplicate", null));
            } catch (IllegalArgumentException e) {
                throw r.wrap(e);
            }
        }
        String publicUrl = m.text("public_url", null);
        try {
            HmacConfig hmac = new HmacConfig(preset, header, algorithm, encoding, prefix, payload,
                    timestampHeader, idHeader, tolerance, list, replay, publicUrl);
            HmacSchemes.validate(hmac);
            return hmac;
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    @Override
    public Authenticator create(HmacConfig config, AuthSupport support) {
        return new HmacAuthenticator(config, support);
    }

    /** The authenticator's reasons, plus {@code replayed}: the gateway's replay check for a {@code replay:} block. */
    @Override
    public Set<Reason> reasons() {
        return EnumSet.of(Reason.SIGNATURE_MISSING, Reason.SIGNATURE_MALFORMED, Reason.SIGNATURE_MISMATCH,
                Reason.TIMESTAMP_MISSING, Reason.TIMESTAMP_MALFORMED, Reason.TIMESTAMP_OUT_OF_WINDOW, Reason.REPLAYED);
    }

    @Override
    public String expects(HmacConfig config) {
        return HmacExplainHints.expects(config);
    }

    @Override
    public List<String> hints(HmacConfig config, HintInput in) {
        return HmacExplainHints.hints(config, in);
    }

    @Override
    public List<String> requestHints(HintInput in) {
        return HmacExplainHints.otherProviders(in);
    }

    @Override
    public List<String> notes(HmacConfig config, boolean passed, Instant judgedAt) {
        return HmacExplainHints.notes(config, passed, judgedAt);
    }

    @Override
    public boolean signs() {
        return true;
    }

    @Override
    public SignedRequest sign(HmacConfig config, byte[] body, String method, String path, String rawQuery,
                              Clock clock) {
        return HmacSigner.sign(config, body, method, path, rawQuery, clock);
    }
}
