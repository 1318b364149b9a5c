package dev.authgate.config;

/**
 * Reads {@code admin:} (docs/configuration.md): {@code address}, {@code recent_rejections} and {@code token}. An admin
 * listener on an address other than loopback needs a token: it serves the metrics and the recent rejections (client
 * addresses, paths, reasons) to whoever can reach it.
 */
final class AdminReader {
    private final SecretResolver secrets;

    AdminReader(SecretResolver secrets) {
        this.secrets = secrets;
    }

    AdminConfig read(ConfigNode n, ConfigMap listenMap, ListenConfig listen) throws ConfigException {
        AdminConfig d = AdminConfig.defaults();
        String host = d.host();
        int port = d.port();
        int keep = d.recentRejections();
        Secret token = null;
        java.nio.file.Path captureDir = null;
        long captureMax = AdminConfig.DEFAULT_CAPTURE_DIR_MAX;
        ConfigNode addressNode = null;
        if (n != null) {
            ConfigMap m = n.map("address", "recent_rejections", "token", "capture_dir", "capture_dir_max");
            addressNode = m.get("address");
            if (addressNode != null) {
                HostPort hp = ConfigLoader.hostPort(addressNode);
                host = hp.host();
                port = hp.port();
            }
            ConfigNode recent = m.get("recent_rejections");
            if (recent != null) {
                keep = recent.integer();
                if (keep < 0 || keep > AdminConfig.MAX_RECENT_REJECTIONS) {
                    throw recent.error(keep + " (expected: 0-" + AdminConfig.MAX_RECENT_REJECTIONS + ")");
                }
            }
            if (m.get("token") != null) token = secrets.secret(m.get("token"));
            if (m.get("capture_dir") != null) captureDir = secrets.resolvePath(m.get("capture_dir"), m.get("capture_dir").text());
            if (m.get("capture_dir_max") != null) {
                captureMax = m.get("capture_dir_max").size();
                if (captureMax < 1) throw m.get("capture_dir_max").error("expected at least 1 byte");
            }
        }
        if (token == null && !isLoopback(host)) {
            String problem = "the admin listener on " + host + " (not loopback) needs admin.token: set "
                    + "token: \"${env:AUTHGATE_ADMIN_TOKEN}\", or listen on 127.0.0.1";
            throw addressNode.error(problem);   // the default address is loopback: only a set one gets here
        }
        AdminConfig admin = new AdminConfig(host, port, keep, token, captureDir, captureMax);
        boolean samePort = admin.port() != 0 && admin.port() == listen.port();
        if (samePort && (admin.host().equals(listen.host()) || isWildcard(admin.host()) || isWildcard(listen.host()))) {
            if (addressNode != null) {
                throw addressNode.error("same port as listen.address (" + new HostPort(listen.host(), listen.port()) + ")");
            }
            throw listenMap.get("address").error("same port as the admin listener (admin.address defaults to "
                    + new HostPort(admin.host(), admin.port()) + ")");
        }
        return admin;
    }

    /** {@code localhost}, {@code 127.0.0.0/8} or {@code ::1}; a name other than localhost is not resolved here. */
    static boolean isLoopback(String host) {
        if (host.equals("localhost") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")) return true;
        String[] octets = host.split("\\.", -1);
        return octets.length == 4 && octets[0].equals("127") && java.util.Arrays.stream(octets)
                .allMatch(o -> !o.isEmpty() && o.length() <= 3 && o.chars().allMatch(Character::isDigit));
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }
}
