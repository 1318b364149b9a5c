package dev.authgate.auth;

import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigMap;
import dev.authgate.config.ConfigNode;
import dev.authgate.config.ReadContext;
import dev.authgate.config.Secret;
import dev.authgate.config.Sizes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A named credential of {@code bearer:} tokens and {@code api_key:} keys:
 * {@code { id: ci-bot, value: "${env:CI_TOKEN}", expires: 2027-03-01T00:00:00Z }}; id may be null (the fingerprint is
 * used), expires too (never expires).
 */
public record Credential(String id, Secret value, Instant expires) {
    /** Visible ASCII: ids go into the X-Auth-Identity header and log lines. */
    private static final Pattern ID = Pattern.compile("[\\x21-\\x7E]{1,128}");
    /** Start-up and reloads warn about credentials that expire within this. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    public Credential {
        Objects.requireNonNull(value, "value");
    }

    /** A credential that never expires. */
    public Credential(String id, Secret value) {
        this(id, value, null);
    }

    /**
     * Whether {@code expires} is set and not after the clock's now. The clock is read only for a credential that
     * expires: most do not, and this runs on every accepted request.
     */
    public boolean expired(Clock clock) {
        return expires != null && !clock.instant().isBefore(expires);
    }

    /** {@code token ci-bot expired 2d ago (expires: 2027-03-01T00:00:00Z)}; {@code what} is "token" or "key". */
    public String expiredDetail(String what, Instant now) {
        return what + " " + identity() + " expired " + span(Duration.between(expires, now)) + " ago (expires: "
                + expires + ")";
    }

    /**
     * The start-up/reload warning when {@code expires} is within {@link #EXPIRY_WARNING} of {@code now} (or past),
     * else null.
     */
    public String expiryWarning(String what, Instant now) {
        return expires == null ? null : expiryWarning(what, identity(), expires, now);
    }

    /** {@link #expiryWarning(String, Instant)} for a credential known by its identity. */
    public static String expiryWarning(String what, String identity, Instant expires, Instant now) {
        Duration left = Duration.between(now, expires);
        if (left.compareTo(EXPIRY_WARNING) > 0) return null;
        if (left.isNegative() || left.isZero()) {
            return what + " " + identity + " EXPIRED at " + expires + ", " + span(left.negated())
                    + " ago: it answers 401 credentials_expired; replace it";
        }
        return what + " " + identity + " expires at " + expires + ", in " + span(left) + " (within 14 days); "
                + "issue a new one and add it next to the old";
    }

    /** {@code 2d}, {@code 3h12m}, {@code 5m}, {@code 12s}. */
    static String span(Duration d) {
        long s = Math.abs(d.getSeconds());
        if (s >= 86_400) return s / 86_400 + "d" + (s % 86_400 / 3600 > 0 ? s % 86_400 / 3600 + "h" : "");
        if (s >= 3600) return s / 3600 + "h" + (s % 3600 / 60 > 0 ? s % 3600 / 60 + "m" : "");
        if (s >= 60) return s / 60 + "m";
        return s + "s";
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
            Instant expires = null;
            ConfigNode valueNode = item;
            if (item.isMapping()) {
                ConfigMap c = item.map("id", "value", "expires");
                ConfigNode exp = c.get("expires");
                if (exp != null) {
                    try {
                        expires = Instant.parse(exp.string());
                    } catch (DateTimeParseException e) {
                        throw exp.error("expected a UTC time like 2027-03-01T00:00:00Z, got '"
                                + Sizes.echo(exp.string()) + "'");
                    }
                }
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
            Credential credential = new Credential(id, context.secret(valueNode), expires);
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

    /** Identity to {@code expires} of the credentials that have one, in order. */
    public static Map<String, Instant> expiries(List<Credential> credentials) {
        Map<String, Instant> out = new java.util.LinkedHashMap<>();
        for (Credential c : credentials) {
            if (c.expires() != null) out.put(c.identity(), c.expires());
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
