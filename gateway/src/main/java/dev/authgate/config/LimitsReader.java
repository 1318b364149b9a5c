package dev.authgate.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads the {@code limits:} section into a {@link LimitsConfig}; absent keys take the defaults. */
final class LimitsReader {
    private LimitsReader() {
    }

    static LimitsConfig read(ConfigNode n) throws ConfigException {
        LimitsConfig d = LimitsConfig.defaults();
        if (n == null) return d;
        ConfigMap m = n.map("max_body", "max_header_bytes", "header_timeout", "idle_timeout", "auth_failures",
                "trusted_proxies", "body_timeout", "max_connections", "max_requests_per_connection");
        long maxBody = m.get("max_body") == null ? d.maxBody() : m.get("max_body").size();
        int maxHeaderBytes = d.maxHeaderBytes();
        ConfigNode mh = m.get("max_header_bytes");
        if (mh != null) {
            long v = mh.size();
            if (v > 1024 * 1024) throw mh.error(Sizes.format(v) + " (expected: at most 1MiB)");
            maxHeaderBytes = (int) v;
        }
        LimitsConfig.AuthFailuresConfig authFailures = null;
        ConfigNode af = m.get("auth_failures");
        if (af != null) {
            ConfigMap am = af.map("max", "window");
            int max = am.get("max") == null ? 20 : am.get("max").integer();
            try {
                authFailures = new LimitsConfig.AuthFailuresConfig(max, am.duration("window", Duration.ofMinutes(1)));
            } catch (IllegalArgumentException e) {
                throw am.wrap(e);
            }
        }
        List<String> trusted = new ArrayList<>();
        ConfigNode tp = m.get("trusted_proxies");
        if (tp != null) {
            for (ConfigNode item : tp.list()) {
                try {
                    trusted.add(Cidrs.normalize(item.string()));
                } catch (IllegalArgumentException e) {
                    throw item.error(e.getMessage());
                }
            }
        }
        try {
            return new LimitsConfig(maxBody, maxHeaderBytes, m.duration("header_timeout", d.headerTimeout()),
                    m.duration("idle_timeout", d.idleTimeout()), authFailures, trusted,
                    m.duration("body_timeout", d.bodyTimeout()),
                    m.get("max_connections") == null ? d.maxConnections() : m.get("max_connections").integer(),
                    m.get("max_requests_per_connection") == null ? d.maxRequestsPerConnection()
                            : m.get("max_requests_per_connection").integer());
        } catch (IllegalArgumentException e) {
            throw m.wrap(e);
        }
    }
}
