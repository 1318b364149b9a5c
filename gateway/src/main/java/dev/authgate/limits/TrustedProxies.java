package dev.authgate.limits;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code limits.trusted_proxies}: the CIDR ranges (IPv4 and IPv6) whose {@code X-Forwarded-For} is believed.
 * Immutable and thread-safe. {@link #NONE} trusts nobody (the default: the client IP is the socket peer).
 */
public final class TrustedProxies {
    /** Trusts no peer. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Cidr> ranges;

    private TrustedProxies(List<Cidr> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /**
     * Parses the config list. Each entry is a CIDR ({@code 10.0.0.0/8}, {@code fd00::/8}) or a lone address
     * ({@code /32} or {@code /128}); host names are not accepted.
     *
     * @param cidrs null or empty gives {@link #NONE}
     * @throws IllegalArgumentException naming the first bad entry by index, e.g.
     *                                  {@code "trusted_proxies[1]: '10.0.0.0/33' is not a CIDR like 10.0.0.0/8 or fd00::/8"}
     */
    public static TrustedProxies parse(List<String> cidrs) {
        if (cidrs == null || cidrs.isEmpty()) {
            return NONE;
        }
        List<Cidr> ranges = new ArrayList<>(cidrs.size());
        for (int i = 0; i < cidrs.size(); i++) {
            try {
                ranges.add(Cidr.parse(cidrs.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("trusted_proxies[" + i + "]: " + e.getMessage(), e);
            }
        }
        return new TrustedProxies(ranges);
    }

    /**
     * Checks one entry the way {@link #parse} does, for a config loader that reports its own key path.
     *
     * @return the canonical form ({@code 10.0.0.0/8}; a lone address gets its full prefix)
     * @throws IllegalArgumentException {@code "'x' is not a CIDR like 10.0.0.0/8 or fd00::/8"}
     */
    public static String validate(String cidr) {
        return Cidr.parse(cidr).toString();
    }

    /** True when no range is configured. */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address} is inside any configured range (an IPv4-mapped IPv6 address counts as IPv4). */
    public boolean contains(InetAddress address) {
        Objects.requireNonNull(address, "address");
        return !ranges.isEmpty() && contains(IpAddresses.unmap(address.getAddress()));
    }

    boolean contains(byte[] address) {
        for (Cidr range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
