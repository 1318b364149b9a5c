package dev.authgate.auth.schemes;

import dev.authgate.auth.AllAuthenticator;
import dev.authgate.auth.AllConfig;
import dev.authgate.auth.AnyAuthenticator;
import dev.authgate.auth.AnyConfig;
import dev.authgate.auth.AuthScheme;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.Credential;
import dev.authgate.auth.apikey.ApiKeyAuthScheme;
import dev.authgate.auth.basic.BasicAuthScheme;
import dev.authgate.auth.bearer.BearerAuthScheme;
import dev.authgate.auth.hmac.HmacAuthScheme;
import dev.authgate.auth.jwt.JwtAuthScheme;
import dev.authgate.auth.mtls.MtlsAuthScheme;
import dev.authgate.auth.none.NoneAuthScheme;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.AuthReader;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigMap;
import dev.authgate.config.ConfigNode;
import dev.authgate.config.ReadContext;
import dev.authgate.config.Sizes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The registry of auth schemes: the one place that lists them. The config loader reads {@code routes[N].auth}
 * through it ({@link #read}: {@code none}, one scheme, or several under {@code any:}), the gateway builds
 * authenticators with it ({@link #create}), and {@code explain}, {@code sign} and {@code check} look schemes up in
 * it. {@code any:} is not a scheme but a combinator over the registered ones ({@link AnyConfig},
 * {@link AnyAuthenticator}).
 *
 * <p>Layering (no package cycles; lower never imports higher):
 * <pre>
 *   cli, server, reload              use the registry and everything below
 *   auth.schemes                     this registry: the one import of every scheme package
 *   auth.none, auth.bearer, auth.apikey, auth.basic, auth.hmac, auth.jwt
 *                                    one scheme each: config record, reader, authenticator, challenges,
 *                                    reasons, explain hints (an {@link AuthScheme}); never import each other
 *   auth                             shared types: Authenticator, AuthResult, AuthRequest, AuthScheme,
 *                                    AuthorizationHeader, Credential, CredentialMatcher, Challenges, any:
 *   config, http                     records, ConfigNode, ConfigException, the AuthReader and ReadContext
 *                                    interfaces; never import auth.* (the loader is handed this registry)
 * </pre>
 *
 * <p>Adding a scheme: a package {@code dev.authgate.auth.NAME} with a record implementing {@link AuthConfig} and an
 * {@link AuthScheme} singleton; one line in {@link #STANDARD}; a route using it in a YAML under
 * {@code gateway/src/test/resources/config/}; its name in the docs' scheme list and each of its reasons in the
 * troubleshooting table. {@code AuthSchemesTest} fails until all of these are there.
 */
public final class AuthSchemes implements AuthReader {
    private static final AuthSchemes STANDARD = new AuthSchemes(List.of(
            NoneAuthScheme.INSTANCE,
            BearerAuthScheme.INSTANCE,
            ApiKeyAuthScheme.INSTANCE,
            BasicAuthScheme.INSTANCE,
            HmacAuthScheme.INSTANCE,
            MtlsAuthScheme.INSTANCE,
            JwtAuthScheme.INSTANCE));

    private final Map<String, AuthScheme<?>> byName = new LinkedHashMap<>();
    private final Map<Class<?>, AuthScheme<?>> byType = new LinkedHashMap<>();

    private AuthSchemes(List<AuthScheme<?>> schemes) {
        for (AuthScheme<?> s : schemes) {
            if (s.name().equals(AnyConfig.NAME) || s.name().equals(AllConfig.NAME) || byName.putIfAbsent(s.name(), s) != null
                    || byType.putIfAbsent(s.configType(), s) != null) {
                throw new IllegalStateException("auth scheme registered twice or named any: " + s.name());
            }
        }
    }

    /** The schemes authgate ships. */
    public static AuthSchemes standard() {
        return STANDARD;
    }

    /** All registered schemes, in registration order (not {@code any}, which combines them). */
    public List<AuthScheme<?>> all() {
        return List.copyOf(byName.values());
    }

    /** The scheme for a config record (not {@link AnyConfig}). */
    @SuppressWarnings("unchecked") // byType maps each record class to the scheme of that record type
    public <C extends AuthConfig> AuthScheme<C> of(C config) {
        AuthScheme<?> s = byType.get(config.getClass());
        if (s == null) throw new IllegalArgumentException("no auth scheme registered for " + config.getClass());
        return (AuthScheme<C>) s;
    }

    /**
     * Builds the {@link Authenticator} for a route's {@code auth:}; called at load and reload, never per request (a
     * reload builds fresh authenticators, which also empties their caches).
     *
     * @throws IllegalArgumentException when the config cannot be built; the message has the form
     *                                  {@code "users.alice: problem"} and never contains a secret or a hash
     */
    public Authenticator create(AuthConfig config, AuthSupport support) {
        if (config instanceof AnyConfig any) return new AnyAuthenticator(createAll(any.schemes(), support));
        if (config instanceof AllConfig all) return new AllAuthenticator(createAll(all.schemes(), support));
        return of(config).create(config, support);
    }

    private List<Authenticator> createAll(List<AuthConfig> configs, AuthSupport support) {
        List<Authenticator> members = new ArrayList<>();
        for (AuthConfig member : configs) members.add(create(member, support));
        return members;
    }

    /**
     * The expiry warnings of a route's {@code auth:} (credentials with {@code expires:} within 14 days of {@code now},
     * or past), and its expiring credentials into {@code expiries} (identity to time).
     */
    public List<String> expiryWarnings(AuthConfig config, java.time.Instant now,
                                       Map<String, java.time.Instant> expiries) {
        List<String> warnings = new ArrayList<>();
        for (AuthConfig member : AnyConfig.members(config)) {
            warn(of(member), member, now, expiries, warnings);
        }
        return warnings;
    }

    private static <C extends AuthConfig> void warn(AuthScheme<C> scheme, AuthConfig member, java.time.Instant now,
                                                    Map<String, java.time.Instant> expiries, List<String> out) {
        C config = scheme.configType().cast(member);
        scheme.expiries(config).forEach((id, at) -> {
            expiries.put(id, at);
            String w = Credential.expiryWarning(scheme.credentialKind(), id, at, now);
            if (w != null) out.add(w);
        });
    }

    @Override
    public AuthConfig read(ConfigNode auth, ReadContext context) throws ConfigException {
        return read(auth, context, null, 0);
    }

    /**
     * @param parent the combinator this node is a member of ({@code any}, {@code all}), or null at the top
     * @param depth  0 at the top, 1 inside one combinator, 2 inside a nested one
     */
    private AuthConfig read(ConfigNode n, ReadContext context, String parent, int depth) throws ConfigException {
        if (n.isScalar()) {
            String s = n.string();
            AuthScheme<?> plain = byName.get(s);
            if (plain == null || !plain.plainValue()) {
                throw n.error("expected " + plainNames() + " or one of " + blockNames() + ", got '"
                        + Sizes.echo(s) + "'");
            }
            if (parent != null && plain.notInAny() != null) {
                throw n.error(plain.notInAny().replace("inside any", "inside " + parent));
            }
            return plain.read(n, context);
        }
        List<String> known = new ArrayList<>();
        byName.values().stream().filter(s -> !s.plainValue()).forEach(s -> known.add(s.name()));
        known.add(AnyConfig.NAME);
        known.add(AllConfig.NAME);
        ConfigMap m = n.map(known.toArray(String[]::new));
        List<String> keys = new ArrayList<>(m.keys());
        if (keys.isEmpty()) throw n.error("expected one of " + blockNames());
        if (keys.size() > 1) {
            throw m.raw(keys.get(1)).errorAtKey("one scheme per route; list several under any: [...] (one of them) "
                    + "or all: [...] (every one)");
        }
        String name = keys.get(0);
        ConfigNode body = m.raw(name);
        if (name.equals(AnyConfig.NAME) || name.equals(AllConfig.NAME)) {
            if (name.equals(parent)) throw body.errorAtKey(name + " may not be nested in " + name);
            if (depth >= 2) throw body.errorAtKey("any: and all: nest one level only");
            List<AuthConfig> schemes = members(body, context, name, depth + 1);
            try {
                return name.equals(AnyConfig.NAME) ? new AnyConfig(schemes) : new AllConfig(schemes);
            } catch (IllegalArgumentException e) {
                throw body.errorAtKey(e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
            }
        }
        AuthScheme<?> scheme = byName.get(name);
        if (parent != null && scheme.notInAny() != null) throw body.errorAtKey(scheme.notInAny());
        return scheme.read(body, context);
    }

    private List<AuthConfig> members(ConfigNode n, ReadContext context, String parent, int depth)
            throws ConfigException {
        List<AuthConfig> schemes = new ArrayList<>();
        for (ConfigNode item : n.list()) {
            schemes.add(read(item, context, parent, depth));
        }
        if (schemes.isEmpty()) {
            throw n.error("expected at least one scheme, e.g. [ {bearer: ...}, {api_key: ...} ]");
        }
        return schemes;
    }

    /** {@code none}: the schemes written as a plain value. */
    private String plainNames() {
        return byName.values().stream().filter(AuthScheme::plainValue).map(AuthScheme::name)
                .collect(Collectors.joining(" or "));
    }

    /** {@code bearer, api_key, basic, hmac, mtls, any, all}: the block keys. */
    private String blockNames() {
        return byName.values().stream().filter(s -> !s.plainValue()).map(AuthScheme::name)
                .collect(Collectors.joining(", ")) + ", " + AnyConfig.NAME + ", " + AllConfig.NAME;
    }
}
