package dev.authgate.config;

import java.util.Locale;

/** Reads the {@code state:} section into a {@link StateConfig}; absent keys take the defaults (§10). */
final class StateReader {
    private final SecretResolver secrets;

    StateReader(SecretResolver secrets) {
        this.secrets = secrets;
    }

    StateConfig read(ConfigNode n) throws ConfigException {
        if (n == null) return StateConfig.memory();
        ConfigMap m = n.map("store", "redis", "on_failure");
        StateConfig.Store store = choice(m.get("store"), StateConfig.Store.class, StateConfig.Store.MEMORY);
        StateConfig.OnFailure onFailure = onFailure(m.get("on_failure"));
        StateConfig.RedisConfig redis = null;
        ConfigNode r = m.get("redis");
        if (store == StateConfig.Store.REDIS) {
            redis = redis(m.require("redis", "required when store is redis"));
        } else if (r != null) {
            throw r.errorAtKey("only used with store: redis (store is memory)");
        }
        try {
            return new StateConfig(store, redis, onFailure);
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    private StateConfig.RedisConfig redis(ConfigNode n) throws ConfigException {
        ConfigMap m = n.map("url", "cluster", "key_prefix", "command_timeout", "connect_timeout");
        ConfigNode urlNode = m.require("url");
        Secret url;
        String raw = urlNode.rawScalar();
        if (raw.startsWith("${")) {
            url = secrets.secret(urlNode);
        } else {
            // A url without a password is no secret; one with a password inline gets the inline-secret warning.
            url = hasUserInfo(raw) ? secrets.secret(urlNode) : new Secret(urlNode.text(), "inline");
        }
        try {
            return new StateConfig.RedisConfig(url, m.bool("cluster", false),
                    m.get("key_prefix") == null ? StateConfig.DEFAULT_KEY_PREFIX : m.get("key_prefix").string(),
                    m.duration("command_timeout", StateConfig.DEFAULT_COMMAND_TIMEOUT),
                    m.duration("connect_timeout", StateConfig.DEFAULT_CONNECT_TIMEOUT));
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }

    private static boolean hasUserInfo(String url) {
        int scheme = url.indexOf("://");
        String rest = scheme < 0 ? url : url.substring(scheme + 3);
        int end = rest.indexOf('/');
        return (end < 0 ? rest : rest.substring(0, end)).contains("@");
    }

    private static StateConfig.OnFailure onFailure(ConfigNode n) throws ConfigException {
        StateConfig.OnFailure d = StateConfig.memory().onFailure();
        if (n == null) return d;
        ConfigMap m = n.map("replay", "throttle");
        return new StateConfig.OnFailure(
                choice(m.get("replay"), StateConfig.ReplayPolicy.class, d.replay()),
                choice(m.get("throttle"), StateConfig.ThrottlePolicy.class, d.throttle()));
    }

    private static <E extends Enum<E>> E choice(ConfigNode n, Class<E> type, E dflt) throws ConfigException {
        if (n == null) return dflt;
        String s = n.string();
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(s)) return e;
        }
        StringBuilder expected = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            if (expected.length() > 0) expected.append(" or ");
            expected.append(e.name().toLowerCase(Locale.ROOT));
        }
        throw n.error("expected " + expected + ", got '" + Sizes.echo(s) + "'");
    }
}
