package dev.authgate.auth;

import dev.authgate.config.AuthConfig;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigNode;
import dev.authgate.config.ReadContext;
import dev.authgate.http.Reason;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One auth scheme, everything the gateway and the CLI need from it: reading its {@code auth:} block, building its
 * {@link Authenticator}, the reasons it can give, and its {@code explain}/{@code sign} support. Each scheme is one
 * package ({@code dev.authgate.auth.bearer}, ...) with one implementation of this interface, registered with one line
 * in {@code dev.authgate.auth.schemes.AuthSchemes}. Implementations are stateless singletons.
 *
 * @param <C> the scheme's config record
 */
public interface AuthScheme<C extends AuthConfig> {

    /** The YAML key under {@code auth:} ({@code bearer}), also {@link AuthConfig#scheme()} of its records. */
    String name();

    /** The config record this scheme reads and builds. */
    Class<C> configType();

    /** True when written as a plain value ({@code auth: none}) rather than a block ({@code bearer: {...}}). */
    default boolean plainValue() {
        return false;
    }

    /** Why this scheme may not be a member of {@code any:} (the config error), or null when it may. */
    default String notInAny() {
        return null;
    }

    /**
     * Reads the block under the scheme's key (for a {@link #plainValue()} scheme, the value itself).
     *
     * @throws ConfigException positioned at the offending key: {@code FILE:LINE: routes[0].auth.bearer.tokens: ...}
     */
    C read(ConfigNode node, ReadContext context) throws ConfigException;

    /**
     * Builds the authenticator; called at load and reload, never per request.
     *
     * @throws IllegalArgumentException with a message {@code "field: problem"}, never containing a secret
     */
    Authenticator create(C config, AuthSupport support);

    /** Every reason this scheme's authenticator (or the gateway, for its routes) can give; each has a troubleshooting row. */
    Set<Reason> reasons();

    /** For {@code explain}: what a sender must send, e.g. {@code Authorization: Bearer <token> (tokens: ci-bot)}. */
    String expects(C config);

    /** For {@code explain}: the scheme's own lines about {@code in.reason()} for one member of the route. */
    default List<String> hints(C config, HintInput in) {
        return List.of();
    }

    /** For {@code explain}: lines about the request alone, once per route using the scheme, after the members' hints. */
    default List<String> requestHints(HintInput in) {
        return List.of();
    }

    /** For {@code explain}: what cannot be judged offline, or how it was judged. */
    default List<String> notes(C config, boolean passed, Instant judgedAt) {
        return List.of();
    }

    /**
     * Credentials of the block that expire ({@code expires:}), identity to time, for
     * {@code authgate_credential_expiry_seconds} and the start-up/reload warnings.
     */
    default Map<String, Instant> expiries(C config) {
        return Map.of();
    }

    /** What one credential is called in expiry warnings: {@code token}, {@code key}. */
    default String credentialKind() {
        return "credential";
    }

    /** Whether {@code authgate sign} can sign for this scheme ({@link #sign}). */
    default boolean signs() {
        return false;
    }

    /**
     * Signs a request as this scheme expects it (only when {@link #signs()}).
     *
     * @throws IllegalArgumentException {@code "field: problem"} when the block cannot sign
     */
    default SignedRequest sign(C config, byte[] body, String method, String path, String rawQuery, Clock clock) {
        throw new UnsupportedOperationException(name() + " cannot sign");
    }
}
