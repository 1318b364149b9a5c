package dev.authgate.limits;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Decides a request's client IP: the key of the failed-auth throttle and the {@code client} of the access log.
 *
 * <p>The socket peer is the client unless the peer is a {@linkplain TrustedProxies trusted proxy}. Then
 * {@code X-Forwarded-For} is walked from the right (the hop the trusted peer appended last), skipping addresses that
 * are themselves trusted, and the first untrusted address is the client: what nginx's {@code real_ip_recursive on}
 * does. Several {@code X-Forwarded-For} header lines count as one comma-joined list in order.
 *
 * <ul>
 *   <li>Entries may carry a port ({@code 203.0.113.7:4711}, {@code [2001:db8::7]:4711}) or brackets; it is dropped.</li>
 *   <li>A malformed entry ({@code unknown}, a host name, an obfuscated id, garbage) stops the walk: the answer is the
 *       last good address seen to its right, i.e. the nearest trusted hop, or the peer itself. Nothing to the left of
 *       a bad entry is believed, because only trusted hops vouch for what they appended.</li>
 *   <li>If every entry is trusted (or the header is absent), the answer is the leftmost trusted address, or the peer.</li>
 * </ul>
 *
 * <p>Answers are canonical text: dotted IPv4, RFC 5952 IPv6; IPv4-mapped IPv6 as IPv4. Pure, immutable and
 * thread-safe.
 */
public final class ClientIps {
    private final TrustedProxies trusted;

    /** @param trusted {@link TrustedProxies#NONE} ignores {@code X-Forwarded-For} entirely */
    public ClientIps(TrustedProxies trusted) {
        this.trusted = Objects.requireNonNull(trusted, "trusted");
    }

    /**
     * @param peer          the socket's remote address
     * @param forwardedFor  the {@code X-Forwarded-For} header values in arrival order (null or empty: none)
     * @return the client IP as canonical text
     */
    public String resolve(InetAddress peer, List<String> forwardedFor) {
        Objects.requireNonNull(peer, "peer");
        byte[] peerBytes = IpAddresses.unmap(peer.getAddress());
        if (trusted.isEmpty() || forwardedFor == null || forwardedFor.isEmpty() || !trusted.contains(peerBytes)) {
            return IpAddresses.format(peerBytes);
        }
        byte[] lastGood = peerBytes;
        for (int v = forwardedFor.size() - 1; v >= 0; v--) {
            String value = forwardedFor.get(v);
            if (value == null) {
                continue;
            }
            int end = value.length();
            while (end >= 0) {
                int comma = value.lastIndexOf(',', end - 1);
                String entry = value.substring(comma + 1, end).trim();
                end = comma;
                if (entry.isEmpty() && comma < 0 && value.isBlank()) {
                    break;   // an empty header line adds no hop
                }
                byte[] address = parseEntry(entry);
                if (address == null) {
                    return IpAddresses.format(lastGood);
                }
                if (!trusted.contains(address)) {
                    return IpAddresses.format(address);
                }
                lastGood = address;
            }
        }
        return IpAddresses.format(lastGood);
    }

    /** One {@code X-Forwarded-For} element: an IP literal, optionally bracketed and/or with a port; null if not. */
    static byte[] parseEntry(String entry) {
        String s = entry;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return null;
            }
            String after = s.substring(close + 1);
            if (!after.isEmpty() && !isPort(after)) {
                return null;
            }
            s = s.substring(1, close);
        } else {
            int colon = s.indexOf(':');
            // exactly one colon: IPv4 with a port; more than one: a bare IPv6 address
            if (colon >= 0 && colon == s.lastIndexOf(':')) {
                if (!isPort(s.substring(colon))) {
                    return null;
                }
                s = s.substring(0, colon);
            }
        }
        return IpAddresses.parse(s);
    }

    /** {@code :1}..{@code :65535}. */
    private static boolean isPort(String s) {
        if (s.length() < 2 || s.length() > 6 || s.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        int port = Integer.parseInt(s.substring(1));
        return port >= 0 && port <= 65535;
    }
}
