package dev.authgate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * {@code state:} (docs/configuration.md): where replay claims and failed-auth counters live, in this process
 * ({@code memory}, the default) or shared by several instances through Redis.
 *
 * @param store     {@code memory} or {@code redis}
 * @param redis     {@code state.redis}; null when {@code store} is {@code memory}
 * @param onFailure {@code state.on_failure}: what the request path does while the shared store does not answer
 */
public record StateConfig(Store store, RedisConfig redis, OnFailure onFailure) {

    /** {@code state.store}. */
    public enum Store { MEMORY, REDIS }

    /** {@code state.on_failure.replay}: refuse with 503 {@code store_unavailable}, or forward unprotected. */
    public enum ReplayPolicy { REJECT, ALLOW }

    /** {@code state.on_failure.throttle}: count failures per instance meanwhile, or do not throttle meanwhile. */
    public enum ThrottlePolicy { LOCAL, ALLOW }

    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final String DEFAULT_KEY_PREFIX = "authgate:";

    public StateConfig {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(onFailure, "on_failure");
        if (store == Store.REDIS && redis == null) {
            throw new IllegalArgumentException("redis: required when store is redis");
        }
        if (store == Store.MEMORY) redis = null;
    }

    /** {@code store: memory}: nothing shared, nothing can fail. */
    public static StateConfig memory() {
        return new StateConfig(Store.MEMORY, null, new OnFailure(ReplayPolicy.REJECT, ThrottlePolicy.LOCAL));
    }

    public boolean shared() {
        return store == Store.REDIS;
    }

    /** {@code state.on_failure}. */
    public record OnFailure(ReplayPolicy replay, ThrottlePolicy throttle) {
        public OnFailure {
            Objects.requireNonNull(replay, "replay");
            Objects.requireNonNull(throttle, "throttle");
        }
    }

    /**
     * {@code state.redis}.
     *
     * @param url            {@code redis://[user:password@]host:port/db}, {@code rediss://} (TLS),
     *                       {@code redis-sentinel://host:port[,host:port]/db#master}; a {@link Secret} because it may
     *                       carry the password: never logged, see {@link #describe()}
     * @param cluster        {@code true}: Redis Cluster, {@code url} names a seed node
     * @param keyPrefix      put before every key, so several fleets or tenants can share one server
     * @param commandTimeout how long one command may take before it counts as failed (default 250 ms)
     * @param connectTimeout how long a connection attempt may take (default 2 s)
     */
    public record RedisConfig(Secret url, boolean cluster, String keyPrefix, Duration commandTimeout,
                              Duration connectTimeout) {
        private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel");

        public RedisConfig {
            Objects.requireNonNull(url, "url");
            String scheme = scheme(url.reveal());
            if (scheme == null || !SCHEMES.contains(scheme)) {
                throw new IllegalArgumentException("url: expected redis://, rediss://, redis-sentinel:// or "
                        + "rediss-sentinel://host:port (the value from " + url.origin() + " is not shown)");
            }
            if (cluster && scheme.endsWith("-sentinel")) {
                throw new IllegalArgumentException("cluster: cannot be combined with a redis-sentinel:// url");
            }
            Objects.requireNonNull(keyPrefix, "key_prefix");
            if (keyPrefix.length() > 64 || keyPrefix.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                throw new IllegalArgumentException("key_prefix: expected at most 64 printable ASCII characters "
                        + "without spaces");
            }
            positive(commandTimeout, "command_timeout");
            positive(connectTimeout, "connect_timeout");
        }

        /** The url without its user info, for logs and the banner: {@code rediss://redis.internal:6380}. */
        public String describe() {
            try {
                URI u = new URI(url.reveal());
                String hosts = u.getHost() != null ? u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "")
                        : stripUserInfo(u.getRawAuthority());
                return u.getScheme() + "://" + hosts + (cluster ? " (cluster)" : "");
            } catch (URISyntaxException e) {
                return scheme(url.reveal()) + "://?";
            }
        }

        private static String stripUserInfo(String authority) {
            if (authority == null) return "?";
            int at = authority.lastIndexOf('@');
            return at < 0 ? authority : authority.substring(at + 1);
        }

        private static String scheme(String url) {
            int i = url.indexOf("://");
            return i <= 0 ? null : url.substring(0, i).toLowerCase(Locale.ROOT);
        }

        private static void positive(Duration d, String key) {
            Objects.requireNonNull(d, key);
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(key + ": expected > 0");
            if (d.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException(key + ": " + Durations.format(d) + " (expected: at most 1m)");
            }
        }
    }
}
