package dev.authgate.limits;

import java.util.Arrays;

/**
 * One address range: {@code 10.0.0.0/8}, {@code fd00::/8}, or a lone address ({@code 10.1.2.3} means /32,
 * {@code ::1} means /128). Host bits after the prefix are ignored ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}). An
 * IPv4-mapped IPv6 range with a prefix of 96 or more ({@code ::ffff:10.0.0.0/104}) is the IPv4 range it maps.
 */
final class Cidr {
    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * @throws IllegalArgumentException {@code "'10.0.0.0/33' is not a CIDR like 10.0.0.0/8 or fd00::/8"}
     */
    static Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("null is not a CIDR like 10.0.0.0/8 or fd00::/8");
        }
        IllegalArgumentException bad = new IllegalArgumentException(
                "'" + IpAddresses.echo(text) + "' is not a CIDR like 10.0.0.0/8 or fd00::/8");
        String s = text.trim();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] raw = IpAddresses.parseRaw(address);
        if (raw == null) {
            throw bad;
        }
        int bits = raw.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw bad;
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) {
                throw bad;
            }
        }
        if (IpAddresses.isV4Mapped(raw) && prefix >= 96) {
            return new Cidr(IpAddresses.unmap(raw), prefix - 96);
        }
        return new Cidr(raw, prefix);
    }

    /** Whether {@code address} (4 or 16 bytes, IPv4-mapped already unmapped) is inside this range. */
    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return IpAddresses.format(network) + "/" + prefix;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }
}
