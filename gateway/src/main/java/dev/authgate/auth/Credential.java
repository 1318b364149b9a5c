package dev.authgate.auth;

import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigMap;
import dev.authgate.config.ConfigNode;
import dev.authgate.config.ReadContext;
import dev.authgate.config.Secret;
import dev.authgate.config.Sizes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A named credential of {@code bearer:} tokens and {@code api_key:} keys: {@code { id: ci-bot, value: "${env:CI_TOKEN}" }};
 * id may be null (the fingerprint is used).
 */
public record Credential(String id, Secret value) {
    /** Visible ASCII: ids go into the X-Auth-Identity header and log lines. */
    private static final Pattern ID = Pattern.compile("[\\x21-\\x7E]{1,128}");

    public Credential {
        Objects.requireNonNull(value, "value");
    }

    /** The identity reported upstream and in logs: the id, else the value's fingerprint. */
    public String identity() {
        return id != null ? id : value.fingerprint();
    }

    /** Reads a list whose items are a secret ({@code "${env:X}"}) or {@code { id: name, value: secret }}. */
    public static List<Credential> readList(ConfigNode list, ReadContext context) throws ConfigException {
        List<Credential> out = new ArrayList<>();
        Map<String, ConfigNode> ids = new HashMap<>();
        List<ConfigNode> valueNodes = new ArrayList<>();
        for (ConfigNode item : list.list()) {
            String id = null;
            ConfigNode valueNode = item;
            if (item.isMapping()) {
                ConfigMap c = item.map("id", "value");
                ConfigNode idNode = c.get("id");
                if (idNode != null) {
                    id = idNode.string();
                    if (!ID.matcher(id).matches()) {
                        throw idNode.error("expected an id of visible ASCII characters without spaces, got '"
                                + Sizes.echo(id) + "'");
                    }
                    ConfigNode first = ids.putIfAbsent(id, idNode);
                    if (first != null) throw idNode.error("duplicate id '" + id + "' (first on line " + first.line() + ")");
                }
                valueNode = c.require("value");
            }
            Credential credential = new Credential(id, context.secret(valueNode));
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).value().equals(credential.value())) {
                    throw valueNode.error("same value as " + valueNodes.get(i).path() + "; each credential must be distinct");
                }
            }
            out.add(credential);
            valueNodes.add(valueNode);
        }
        return out;
    }

    /** {@code ci-bot, 3f1a...}: the identities, for {@code explain}. */
    public static String identities(List<Credential> credentials) {
        return credentials.stream().map(Credential::identity).collect(Collectors.joining(", "));
    }

    /** {@code ci-bot (3f1a...), 9c2e...}: ids with fingerprints, never values, for {@code explain}. */
    public static String fingerprints(List<Credential> credentials) {
        return credentials.stream().map(c -> c.id() == null ? c.value().fingerprint()
                : c.id() + " (" + c.value().fingerprint() + ")").collect(Collectors.joining(", "));
    }
}
