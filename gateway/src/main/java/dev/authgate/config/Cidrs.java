package dev.authgate.config;

import io.netty.util.NetUtil;

import java.util.regex.Pattern;

/** Parses {@code limits.trusted_proxies} entries: {@code 10.0.0.0/8}, {@code fd00::/8}, or one address. */
final class Cidrs {
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

    private Cidrs() {
    }

    /**
     * Returns the canonical {@code address/prefix} (a lone address gets /32 or /128). No DNS: only IP literals.
     *
     * @throws IllegalArgumentException {@code "'x' is not a CIDR like 10.0.0.0/8 or fd00::/8"}
     */
    static String normalize(String text) {
        IllegalArgumentException bad = new IllegalArgumentException(
                "'" + Sizes.echo(text) + "' is not a CIDR like 10.0.0.0/8 or fd00::/8");
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        boolean v4 = NetUtil.isValidIpV4Address(address);
        if (!v4 && !NetUtil.isValidIpV6Address(address)) throw bad;
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) throw bad;
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!PREFIX.matcher(p).matches()) throw bad;
            prefix = Integer.parseInt(p);
            if (prefix > bits) throw bad;
        }
        return NetUtil.bytesToIpAddress(bytes) + "/" + prefix;
    }
}
