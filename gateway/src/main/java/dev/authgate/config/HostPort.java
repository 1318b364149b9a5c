package dev.authgate.config;

import io.netty.util.NetUtil;

import java.util.regex.Pattern;

/**
 * A listen address as written in the config or on the command line: {@code host:port}, or {@code [v6]:port} for an
 * IPv6 literal. The host is kept without brackets, ready for {@code new InetSocketAddress(host, port)}; port 0 means
 * an ephemeral port.
 */
public record HostPort(String host, int port) {
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    /**
     * @throws IllegalArgumentException {@code "expected host:port like 0.0.0.0:8443 or [::1]:8443, got 'x'"}
     */
    public static HostPort parse(String text) {
        IllegalArgumentException bad = new IllegalArgumentException(
                "expected host:port like 0.0.0.0:8443 or [::1]:8443, got '" + Sizes.echo(text) + "'");
        String host;
        String port;
        if (text.startsWith("[")) {
            int end = text.indexOf("]:");
            if (end < 0) throw bad;
            host = text.substring(1, end);
            port = text.substring(end + 2);
            if (!NetUtil.isValidIpV6Address(host)) throw bad;
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) throw bad;
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            // an unbracketed IPv6 literal is ambiguous (is the last group the port?), so it is refused
            if (!NetUtil.isValidIpV4Address(host) && !HOST_NAME.matcher(host).matches()) throw bad;
        }
        if (!PORT.matcher(port).matches()) throw bad;
        int p = Integer.parseInt(port);
        if (p > 65535) {
            throw new IllegalArgumentException("port " + p + " in '" + Sizes.echo(text) + "' (expected: 0-65535)");
        }
        return new HostPort(host, p);
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
