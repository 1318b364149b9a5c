package dev.authgate.auth.jwt;

import dev.authgate.auth.Challenges;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigMap;
import dev.authgate.config.ConfigNode;
import dev.authgate.config.Durations;
import dev.authgate.config.ReadContext;
import dev.authgate.config.Secret;
import dev.authgate.config.Sizes;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads and validates {@code jwt:} (errors name the key; never a secret). */
final class JwtReader {
    static final Set<JwtAlgorithm> DEFAULT_PUBLIC = EnumSet.of(JwtAlgorithm.RS256, JwtAlgorithm.PS256,
            JwtAlgorithm.ES256);
    /** Headers a claim may not be forwarded as: the gateway sets or vouches for them, or they frame the message. */
    private static final Set<String> RESERVED = Set.of("x-auth-scheme", "x-auth-identity", "x-request-id",
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "via", "host", "authorization",
            "content-length", "transfer-encoding", "connection", "te", "upgrade", "proxy", "proxy-authorization",
            "keep-alive", "trailer", "expect", "cookie");

    private JwtReader() {
    }

    static JwtConfig read(ConfigNode n, ReadContext context) throws ConfigException {
        ConfigMap m = n.map("realm", "issuers", "leeway", "max_lifetime", "required_claims", "scopes", "typ",
                "identity_claim", "forward_claims");
        String realm = Challenges.readRealm(m);
        List<JwtIssuer> issuers = new ArrayList<>();
        Map<String, ConfigNode> seen = new LinkedHashMap<>();
        for (ConfigNode item : m.require("issuers").list()) {
            JwtIssuer issuer = issuer(item, context);
            ConfigNode first = seen.putIfAbsent(issuer.issuer(), item);
            if (first != null) {
                throw item.error("issuer " + issuer.issuer() + " is listed twice (first on line " + first.line() + ")");
            }
            issuers.add(issuer);
        }
        Duration leeway = JwtConfig.DEFAULT_LEEWAY;
        ConfigNode l = m.get("leeway");
        if (l != null) {
            try {
                leeway = Durations.parse(l.string());
            } catch (IllegalArgumentException e) {
                throw l.error(e.getMessage());
            }
        }
        Map<String, String> forward = new LinkedHashMap<>();
        ConfigNode fc = m.get("forward_claims");
        if (fc != null) {
            ConfigMap f = fc.mapOfNames();
            for (String header : f.keys()) {
                ConfigNode claim = f.require(header);
                if (!header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                    throw claim.errorAtKey("expected a header name, got '" + Sizes.echo(header) + "'");
                }
                if (RESERVED.contains(header.toLowerCase(Locale.ROOT).replace('_', '-'))) {
                    throw claim.errorAtKey(header + " is set or checked by the gateway; choose another header");
                }
                forward.put(header, claim.text());
            }
        }
        try {
            return new JwtConfig(realm, issuers, leeway, m.duration("max_lifetime", null),
                    names(m.get("required_claims")), names(m.get("scopes")), m.text("typ", null),
                    m.text("identity_claim", "sub"), forward);
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    private static JwtIssuer issuer(ConfigNode item, ReadContext context) throws ConfigException {
        ConfigMap m = item.map("issuer", "jwks_url", "keys", "secret", "audiences", "algorithms");
        String iss = m.require("issuer").text();
        URI jwks = null;
        ConfigNode j = m.get("jwks_url");
        if (j != null) jwks = jwksUrl(j);
        List<Secret> keys = new ArrayList<>();
        ConfigNode k = m.get("keys");
        if (k != null) {
            for (ConfigNode key : k.list()) keys.add(context.secret(key));
            if (keys.isEmpty()) throw k.error("expected at least one PEM public key");
        }
        Secret secret = null;
        ConfigNode s = m.get("secret");
        if (s != null) {
            secret = context.secret(s);
            if (secret.utf8().length < 32) {
                throw s.error("an HS secret needs at least 32 bytes, this one has " + secret.utf8().length);
            }
        }
        int sources = (jwks != null ? 1 : 0) + (keys.isEmpty() ? 0 : 1) + (secret != null ? 1 : 0);
        if (sources != 1) {
            throw item.error("expected exactly one of jwks_url, keys, secret (" + (sources == 0 ? "none" : sources)
                    + " given)");
        }
        ConfigNode a = m.require("audiences", "required (the API's audience, e.g. [orders-api]; or audiences: any)");
        List<String> audiences;
        if (a.isScalar() && "any".equals(a.string())) {
            audiences = null;
        } else {
            audiences = names(a);
            if (audiences.isEmpty()) throw a.error("expected at least one audience, or audiences: any");
        }
        Set<JwtAlgorithm> algorithms = secret != null ? EnumSet.of(JwtAlgorithm.HS256) : DEFAULT_PUBLIC;
        ConfigNode al = m.get("algorithms");
        if (al != null) {
            algorithms = EnumSet.noneOf(JwtAlgorithm.class);
            for (ConfigNode one : al.list()) {
                String name = one.string();
                JwtAlgorithm alg = JwtAlgorithm.of(name.toUpperCase(Locale.ROOT));
                if (name.equalsIgnoreCase("none")) {
                    throw one.error("none cannot be configured (an unsigned token proves nothing)");
                }
                if (alg == null) {
                    throw one.error("expected one of " + JwtAlgorithm.known() + ", got '" + Sizes.echo(name) + "'");
                }
                if (alg.hmac() && secret == null) {
                    throw one.error(alg + " needs secret: (HS* verifies with a shared secret; with public keys it "
                            + "would let anyone holding the public key sign tokens)");
                }
                if (!alg.hmac() && secret != null) {
                    throw one.error(alg + " needs public keys (jwks_url or keys), not a secret");
                }
                if (secret != null && secret.utf8().length < alg.minSecretBytes()) {
                    throw one.error(alg + " needs a secret of at least " + alg.minSecretBytes() + " bytes, this one "
                            + "has " + secret.utf8().length);
                }
                algorithms.add(alg);
            }
            if (algorithms.isEmpty()) throw al.error("expected at least one algorithm");
        }
        try {
            return new JwtIssuer(iss, jwks, keys, secret, audiences, algorithms);
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    /** {@code https://...}, or {@code http://} on a loopback host only. */
    static URI jwksUrl(ConfigNode node) throws ConfigException {
        String text = node.text();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw node.error("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw node.error("expected an https:// URL, got '" + Sizes.echo(text) + "'");
        }
        if (uri.getUserInfo() != null) throw node.error("a URL with user info is not supported");
        if (scheme.equals("http") && !loopback(uri.getHost())) {
            throw node.error("must be https:// (plain http:// is allowed only on loopback: 127.0.0.1, [::1], "
                    + "localhost)");
        }
        return uri;
    }

    private static boolean loopback(String host) {
        if (host.equalsIgnoreCase("localhost")) return true;
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) return false;  // literals only: no DNS lookup at config time
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static List<String> names(ConfigNode list) throws ConfigException {
        List<String> out = new ArrayList<>();
        if (list == null) return out;
        for (ConfigNode item : list.list()) out.add(item.text());
        return out;
    }
}
