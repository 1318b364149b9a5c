package dev.authgate.auth.mtls;

import dev.authgate.auth.AuthScheme;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.HintInput;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigMap;
import dev.authgate.config.ConfigNode;
import dev.authgate.config.ReadContext;
import dev.authgate.http.Reason;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@code mtls:}: a client certificate from {@code listen.tls.client_ca}, admitted by allow-list. */
public final class MtlsAuthScheme implements AuthScheme<MtlsConfig> {
    public static final MtlsAuthScheme INSTANCE = new MtlsAuthScheme();

    private MtlsAuthScheme() {
    }

    @Override
    public String name() {
        return MtlsConfig.NAME;
    }

    @Override
    public Class<MtlsConfig> configType() {
        return MtlsConfig.class;
    }

    @Override
    public MtlsConfig read(ConfigNode n, ReadContext context) throws ConfigException {
        ConfigMap m = n.map("subjects", "sans", "fingerprints", "forward");
        List<String> subjects = strings(m.get("subjects"));
        List<String> sans = strings(m.get("sans"));
        List<String> fingerprints = strings(m.get("fingerprints"));
        String forward = m.string("forward", null);
        try {
            return new MtlsConfig(subjects, sans, fingerprints, forward);
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    private static List<String> strings(ConfigNode list) throws ConfigException {
        if (list == null) return null;
        List<String> out = new ArrayList<>();
        for (ConfigNode item : list.list()) out.add(item.text());
        return out;
    }

    @Override
    public Authenticator create(MtlsConfig config, AuthSupport support) {
        return new MtlsAuthenticator(config);
    }

    @Override
    public Set<Reason> reasons() {
        return EnumSet.of(Reason.CLIENT_CERTIFICATE_MISSING, Reason.CLIENT_CERTIFICATE_UNTRUSTED,
                Reason.CLIENT_CERTIFICATE_EXPIRED, Reason.CLIENT_CERTIFICATE_REVOKED,
                Reason.CLIENT_CERTIFICATE_NOT_ALLOWED);
    }

    @Override
    public String expects(MtlsConfig config) {
        List<String> lists = new ArrayList<>();
        if (!config.subjects().isEmpty()) lists.add("subjects " + config.subjects());
        if (!config.sans().isEmpty()) lists.add("SANs " + config.sans());
        if (!config.fingerprints().isEmpty()) lists.add(config.fingerprints().size() + " fingerprint(s)");
        return "a TLS client certificate from listen.tls.client_ca with one of: " + String.join("; ", lists);
    }

    @Override
    public List<String> hints(MtlsConfig config, HintInput in) {
        if (in.reason() == Reason.CLIENT_CERTIFICATE_NOT_ALLOWED) {
            return List.of("the allow-list compares the subject DN exactly, URI and DNS SANs exactly, and the "
                    + "SHA-256 of the DER certificate (openssl x509 -noout -fingerprint -sha256)");
        }
        return List.of();
    }

    @Override
    public List<String> notes(MtlsConfig config, boolean passed, Instant judgedAt) {
        return List.of("the client certificate is part of the TLS connection, not of the captured request: explain "
                + "cannot judge it offline (curl -v --cert shows what the client sends)");
    }
}
