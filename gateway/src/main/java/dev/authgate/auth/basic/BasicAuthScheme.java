package dev.authgate.auth.basic;

import dev.authgate.auth.AuthScheme;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.Challenges;
import dev.authgate.auth.HintInput;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigMap;
import dev.authgate.config.ConfigNode;
import dev.authgate.config.ReadContext;
import dev.authgate.config.Sizes;
import dev.authgate.http.Reason;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code basic:}: user and password against bcrypt hashes, inline or from an htpasswd file ({@link BasicAuthenticator}). */
public final class BasicAuthScheme implements AuthScheme<BasicConfig> {
    public static final BasicAuthScheme INSTANCE = new BasicAuthScheme();
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12]\\d|3[01])\\$[./A-Za-z0-9]{53}");
    private static final String NOT_BCRYPT = "not a bcrypt hash; make one with authgate hash-password";
    private static final int MAX_HTPASSWD_BYTES = 1024 * 1024;

    private BasicAuthScheme() {
    }

    @Override
    public String name() {
        return BasicConfig.NAME;
    }

    @Override
    public Class<BasicConfig> configType() {
        return BasicConfig.class;
    }

    @Override
    public BasicConfig read(ConfigNode n, ReadContext context) throws ConfigException {
        ConfigMap m = n.map("realm", "users", "htpasswd");
        String realm = Challenges.readRealm(m);
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
            ReadContext.FileContent file = context.file(fileNode, MAX_HTPASSWD_BYTES, "an htpasswd file");
            htpasswd = file.path();
            List<Htpasswd.Entry> entries;
            try {
                entries = Htpasswd.parse(file.content());
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
            return new BasicConfig(realm, users, htpasswd);
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    @Override
    public Authenticator create(BasicConfig config, AuthSupport support) {
        return new BasicAuthenticator(config, support);
    }

    @Override
    public Set<Reason> reasons() {
        return EnumSet.of(Reason.CREDENTIALS_MISSING, Reason.SCHEME_MISMATCH, Reason.CREDENTIALS_MALFORMED,
                Reason.CREDENTIALS_WHITESPACE, Reason.CREDENTIALS_INVALID);
    }

    @Override
    public String expects(BasicConfig config) {
        return "Authorization: Basic base64(user:password) (users: " + users(config) + ")";
    }

    /** Whether the user sent is configured (never which password was sent). */
    @Override
    public List<String> hints(BasicConfig config, HintInput in) {
        if (in.reason() != Reason.CREDENTIALS_INVALID || in.headers() == null) return List.of();
        String user = basicUser(in.headers().get("Authorization"));
        if (user == null) return List.of();
        return List.of(config.users().containsKey(user)
                ? "the user name sent is configured: the password does not match its bcrypt hash"
                : "the user name sent is not configured (users: " + users(config) + ")");
    }

    private static String users(BasicConfig config) {
        return String.join(", ", config.users().keySet().stream().sorted().toList());
    }

    private static String basicUser(String authorization) {
        if (authorization == null) return null;
        String v = authorization.trim();
        if (!v.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        try {
            String decoded = new String(Base64.getDecoder().decode(v.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
