package dev.authgate.limits;

import io.netty.util.NetUtil;

/** IP literal parsing shared by {@link Cidr} and {@link ClientIps}: no DNS, no zone ids, IPv4-mapped IPv6 as IPv4. */
final class IpAddresses {
    private IpAddresses() {
    }

    /** The 4 or 16 address bytes of an IP literal; an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) gives 4. */
    static byte[] parse(String text) {
        byte[] bytes = parseRaw(text);
        return bytes == null ? null : unmap(bytes);
    }

    /** The 4 or 16 bytes of an IP literal as written (IPv4-mapped stays 16); null if it is not one. */
    static byte[] parseRaw(String text) {
        if (text.isEmpty() || text.indexOf('%') >= 0) {
            return null;   // a zone id (fe80::1%eth0) names an interface of this host, not a client
        }
        if (!NetUtil.isValidIpV4Address(text) && !NetUtil.isValidIpV6Address(text)) {
            return null;
        }
        return NetUtil.createByteArrayFromIpAddressString(text);
    }

    /** {@code ::ffff:a.b.c.d} → {@code a.b.c.d}; any other address unchanged. */
    static byte[] unmap(byte[] bytes) {
        if (!isV4Mapped(bytes)) {
            return bytes;
        }
        return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
    }

    static boolean isV4Mapped(byte[] bytes) {
        if (bytes.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    /** Canonical text: dotted IPv4, RFC 5952 IPv6 ({@code 2001:db8::1}). */
    static String format(byte[] bytes) {
        return NetUtil.bytesToIpAddress(bytes);
    }

    /** A config value shortened for an error message. */
    static String echo(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
