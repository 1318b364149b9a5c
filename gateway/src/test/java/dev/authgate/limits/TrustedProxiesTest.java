package dev.authgate.limits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrustedProxiesTest {
    @Test
    void namesTheIndexAndTheValueOfABadEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxies.parse(List.of("10.0.0.0/8", "10.0.0.0/33")));
        assertEquals("trusted_proxies[1]: '10.0.0.0/33' is not a CIDR like 10.0.0.0/8 or fd00::/8", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::1/129", "10.0.0/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8",
            "10.0.0.0/08x", "localhost", "example.com/24", "", " ", "256.0.0.0/8", "fe80::1%eth0/64", "10.0.0.0 /8",
            "1.2.3.4:80"})
    void refusesWhatIsNotACidr(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxies.parse(List.of(bad)));
        assertEquals("trusted_proxies[0]: '" + bad + "' is not a CIDR like 10.0.0.0/8 or fd00::/8", e.getMessage());
    }

    @Test
    void shortensAVeryLongBadValueInTheMessage() {
        String longValue = "x".repeat(200);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxies.validate(longValue));
        assertEquals("'" + "x".repeat(57) + "...' is not a CIDR like 10.0.0.0/8 or fd00::/8", e.getMessage());
    }

    @Test
    void validateGivesTheCanonicalForm() {
        assertEquals("10.0.0.0/8", TrustedProxies.validate("10.0.0.0/8"));
        assertEquals("10.1.2.3/32", TrustedProxies.validate("10.1.2.3"));
        assertEquals("::1/128", TrustedProxies.validate("::1"));
        assertEquals("2001:db8::/32", TrustedProxies.validate("2001:DB8:0::/32"));
        assertEquals("10.0.0.0/8", TrustedProxies.validate("::ffff:10.0.0.0/104"));
    }

    @Test
    void nullOrEmptyTrustsNobody() {
        assertSame(TrustedProxies.NONE, TrustedProxies.parse(null));
        assertSame(TrustedProxies.NONE, TrustedProxies.parse(List.of()));
        assertFalse(TrustedProxies.NONE.contains(ip("127.0.0.1")));
    }

    @Test
    void matchesIpv4Ranges() {
        TrustedProxies t = TrustedProxies.parse(List.of("10.0.0.0/8", "192.168.1.128/25", "203.0.113.7"));
        assertTrue(t.contains(ip("10.0.0.0")));
        assertTrue(t.contains(ip("10.255.255.255")));
        assertFalse(t.contains(ip("11.0.0.0")));
        assertFalse(t.contains(ip("9.255.255.255")));
        assertTrue(t.contains(ip("192.168.1.128")));
        assertTrue(t.contains(ip("192.168.1.255")));
        assertFalse(t.contains(ip("192.168.1.127")));
        assertTrue(t.contains(ip("203.0.113.7")));
        assertFalse(t.contains(ip("203.0.113.8")));
        assertFalse(t.contains(ip("::a00:1")), "an IPv6 address never matches an IPv4 range");
    }

    @Test
    void matchesIpv6Ranges() {
        TrustedProxies t = TrustedProxies.parse(List.of("::1/128", "2001:db8::/32", "fd00::/7"));
        assertTrue(t.contains(ip("::1")));
        assertFalse(t.contains(ip("::2")));
        assertTrue(t.contains(ip("2001:db8:ffff::1")));
        assertFalse(t.contains(ip("2001:db9::1")));
        assertTrue(t.contains(ip("fc00::1")));
        assertTrue(t.contains(ip("fdff::1")));
        assertFalse(t.contains(ip("fe00::1")));
        assertFalse(t.contains(ip("127.0.0.1")));
    }

    @Test
    void hostBitsAfterThePrefixAreIgnoredAndSlashZeroMatchesAllOfOneFamily() {
        TrustedProxies t = TrustedProxies.parse(List.of("10.1.2.3/8", "0.0.0.0/0"));
        assertTrue(t.contains(ip("10.200.0.1")));
        assertTrue(t.contains(ip("8.8.8.8")));
        assertFalse(t.contains(ip("2001:db8::1")));
    }

    @Test
    void ipv4MappedIpv6AddressesMatchIpv4Ranges() throws UnknownHostException {
        TrustedProxies t = TrustedProxies.parse(List.of("10.0.0.0/8"));
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 1;
        // The JDK turns a mapped address into an Inet4Address itself; check the bytes path too.
        assertTrue(t.contains(InetAddress.getByAddress(mapped)));
        assertTrue(t.contains(IpAddresses.unmap(Arrays.copyOf(mapped, 16))));
    }

    static InetAddress ip(String literal) {
        try {
            byte[] bytes = IpAddresses.parseRaw(literal);
            if (bytes == null) {
                throw new IllegalArgumentException(literal);
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
