package dev.authgate.config;

import dev.authgate.auth.hmac.HmacSchemes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code routes[N].auth}: {@code none}, one scheme, or several under {@code any:}. Part of {@link ConfigLoader}. */
final class AuthReader {
    private static final String[] SCHEMES = {"bearer", "api_key", "basic", "hmac", "any"};
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12]\\d|3[01])\\$[./A-Za-z0-9]{53}");
    private static final String NOT_BCRYPT = "not a bcrypt hash; make one with authgate hash-password";
    /** Visible ASCII: ids go into the X-Auth-Identity header and log lines. */
    private static final Pattern ID = Pattern.compile("[\\x21-\\x7E]{1,128}");
    private static final int MAX_HTPASSWD_BYTES = 1024 * 1024;

    private final SecretResolver secrets;
    private final Set<Path> referencedFiles;

    AuthReader(SecretResolver secrets, Set<Path> referencedFiles) {
        this.secrets = secrets;
        this.referencedFiles = referencedFiles;
    }

    AuthConfig read(ConfigNode auth) throws ConfigException {
        return scheme(auth, false);
    }

    private AuthConfig scheme(ConfigNode n, boolean inAny) throws ConfigException {
        if (n.isScalar()) {
            String s = n.string();
            if (!s.equals("none")) {
                throw n.error("expected none or one of bearer, api_key, basic, hmac, any, got '" + Sizes.echo(s) + "'");
            }
            if (inAny) throw n.error("none is not allowed inside any (an open route is just auth: none)");
            return new AuthConfig.None();
        }
        ConfigMap m = n.map(SCHEMES);
        List<String> keys = new ArrayList<>(m.keys());
        if (keys.isEmpty()) throw n.error("expected one of bearer, api_key, basic, hmac, any");
        if (keys.size() > 1) {
            throw m.raw(keys.get(1)).errorAtKey("one scheme per route; list several under any: [...]");
        }
        String name = keys.get(0);
        ConfigNode body = m.raw(name);
        switch (name) {
            case "bearer": return bearer(body);
            case "api_key": return apiKey(body);
            case "basic": return basic(body);
            case "hmac": return hmac(body);
            default:
                if (inAny) throw body.errorAtKey("any may not be nested");
                return any(body);
        }
    }

    private AuthConfig.Bearer bearer(ConfigNode n) throws ConfigException {
        ConfigMap m = n.map("realm", "tokens");
        String realm = realm(m);
        List<AuthConfig.Credential> tokens = credentials(m.require("tokens"));
        try {
            return new AuthConfig.Bearer(realm, tokens);
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    private AuthConfig.ApiKey apiKey(ConfigNode n) throws ConfigException {
        ConfigMap m = n.map("header", "keys");
        String header = m.token("header", "a header name like X-API-Key", null);
        List<AuthConfig.Credential> keys = credentials(m.require("keys"));
        try {
            return new AuthConfig.ApiKey(header, keys);
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    /** Items are a secret ({@code "${env:X}"}) or {@code { id: name, value: secret }}. */
    private List<AuthConfig.Credential> credentials(ConfigNode list) throws ConfigException {
        List<AuthConfig.Credential> out = new ArrayList<>();
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
            AuthConfig.Credential credential = new AuthConfig.Credential(id, secrets.resolve(valueNode));
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

    private AuthConfig.Basic basic(ConfigNode n) throws ConfigException {
        ConfigMap m = n.map("realm", "users", "htpasswd");
        String realm = realm(m);
        Map<String, String> users = new LinkedHashMap<>();
        Map<String, String> where = new HashMap<>();
        ConfigNode usersNode = m.get("users");
        if (usersNode != null) {
            ConfigMap um = usersNode.mapOfNames();
            for (String user : um.keys()) {
                ConfigNode hashNode = um.raw(user);
                if (user.isEmpty() || user.indexOf(':') >= 0 || user.chars().anyMatch(Character::isISOControl)) {
                    throw hashNode.errorAtKey("a user name must be non-empty, without ':' or control characters");
                }
                if (!hashNode.isScalar()) throw hashNode.error("expected a bcrypt hash, got " + hashNode.kindWithoutValue());
                String hash = hashNode.rawScalar();
                if (!BCRYPT.matcher(hash).matches()) throw hashNode.error(NOT_BCRYPT);
                users.put(user, hash);
                where.put(user, "users (line " + hashNode.keyLine() + ")");
            }
        }
        Path htpasswd = null;
        ConfigNode fileNode = m.get("htpasswd");
        if (fileNode != null) {
            htpasswd = secrets.resolvePath(fileNode, fileNode.text());
            referencedFiles.add(htpasswd);
            byte[] content = SecretResolver.readSmallFile(fileNode, htpasswd, MAX_HTPASSWD_BYTES, "an htpasswd file");
            List<Htpasswd.Entry> entries;
            try {
                entries = Htpasswd.parse(content);
            } catch (IllegalArgumentException e) {
                throw fileNode.error(htpasswd + ":" + e.getMessage());
            }
            for (Htpasswd.Entry e : entries) {
                String at = htpasswd + ":" + e.line() + ": user '" + Sizes.echo(e.user()) + "': ";
                if (!BCRYPT.matcher(e.hash()).matches()) throw fileNode.error(at + NOT_BCRYPT);
                String first = where.putIfAbsent(e.user(), htpasswd + ":" + e.line());
                if (first != null) throw fileNode.error(at + "duplicate user (also in " + first + ")");
                users.put(e.user(), e.hash());
            }
        }
        if (usersNode == null && fileNode == null) throw n.errorAtKey("users or htpasswd is required");
        try {
            return new AuthConfig.Basic(realm, users, htpasswd);
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    private AuthConfig.Hmac hmac(ConfigNode n) throws ConfigException {
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
            list.add(secrets.resolve(s));
        }
        AuthConfig.ReplayConfig replay = null;
        ConfigNode replayNode = m.get("replay");
        if (replayNode != null) {
            ConfigMap r = replayNode.map("key", "ttl", "on_duplicate");
            try {
                replay = new AuthConfig.ReplayConfig(r.text("key", null), r.duration("ttl", null),
                        r.text("on_duplicate", null));
            } catch (IllegalArgumentException e) {
                throw r.wrap(e);
            }
        }
        String publicUrl = m.text("public_url", null);
        try {
            AuthConfig.Hmac hmac = new AuthConfig.Hmac(preset, header, algorithm, encoding, prefix, payload,
                    timestampHeader, idHeader, tolerance, list, replay, publicUrl);
            HmacSchemes.validate(hmac);
            return hmac;
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    private AuthConfig.Any any(ConfigNode n) throws ConfigException {
        List<AuthConfig> schemes = new ArrayList<>();
        for (ConfigNode item : n.list()) {
            schemes.add(scheme(item, true));
        }
        if (schemes.isEmpty()) throw n.error("expected at least one scheme, e.g. [ {bearer: ...}, {api_key: ...} ]");
        return new AuthConfig.Any(schemes);
    }

    /** Realms are sent inside a quoted string in {@code WWW-Authenticate}. */
    private static String realm(ConfigMap m) throws ConfigException {
        ConfigNode r = m.get("realm");
        if (r == null) return null;
        String realm = r.text();
        if (realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0) {
            throw r.error("a realm may not contain '\"' or '\\' (it is sent as a quoted string)");
        }
        return realm;
    }
}
