package dev.authgate.limits;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.authgate.limits.TrustedProxiesTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientIpsTest {
    private final ClientIps ips = new ClientIps(TrustedProxies.parse(List.of("10.0.0.0/8", "fd00::/8")));

    @Test
    void anUntrustedPeerIsTheClientWhateverItForwards() {
        assertEquals("203.0.113.9", ips.resolve(ip("203.0.113.9"), xff("1.2.3.4")));
    }

    @Test
    void withNoTrustedProxiesXForwardedForIsIgnored() {
        ClientIps none = new ClientIps(TrustedProxies.NONE);
        assertEquals("10.0.0.1", none.resolve(ip("10.0.0.1"), xff("1.2.3.4")));
    }

    @Test
    void aTrustedPeerWithoutXForwardedForIsTheClient() {
        assertEquals("10.0.0.1", ips.resolve(ip("10.0.0.1"), null));
        assertEquals("10.0.0.1", ips.resolve(ip("10.0.0.1"), List.of()));
        assertEquals("10.0.0.1", ips.resolve(ip("10.0.0.1"), xff("")));
    }

    @Test
    void aTrustedPeerYieldsTheRightmostForwardedAddress() {
        assertEquals("198.51.100.7", ips.resolve(ip("10.0.0.1"), xff("198.51.100.7")));
    }

    @Test
    void trustedHopsAreSkippedFromTheRight() {
        // spoofed 6.6.6.6 on the left is never reached: 198.51.100.7 is the first untrusted hop from the right
        assertEquals("198.51.100.7",
                ips.resolve(ip("10.0.0.1"), xff("6.6.6.6, 198.51.100.7, 10.9.9.9, 10.0.0.2")));
    }

    @Test
    void severalHeaderLinesAreOneListInOrder() {
        assertEquals("198.51.100.7", ips.resolve(ip("10.0.0.1"), xff("6.6.6.6, 198.51.100.7", "10.0.0.3")));
        assertEquals("6.6.6.6", ips.resolve(ip("10.0.0.1"), xff("6.6.6.6", "10.0.0.4, 10.0.0.3")));
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
        assertEquals("10.1.1.1", ips.resolve(ip("10.0.0.1"), xff("10.1.1.1, 10.2.2.2")));
    }

    @Test
    void aMalformedEntryStopsTheWalkAtTheLastGoodAddress() {
        assertEquals("10.2.2.2", ips.resolve(ip("10.0.0.1"), xff("198.51.100.7, unknown, 10.2.2.2")));
        assertEquals("10.0.0.1", ips.resolve(ip("10.0.0.1"), xff("198.51.100.7, _hidden")));
        assertEquals("10.0.0.1", ips.resolve(ip("10.0.0.1"), xff("198.51.100.7, client.example.com")));
        assertEquals("10.0.0.1", ips.resolve(ip("10.0.0.1"), xff("198.51.100.7,")), "empty element");
        assertEquals("10.0.0.1", ips.resolve(ip("10.0.0.1"), xff("999.1.1.1")));
    }

    @Test
    void portsAndBracketsAreDropped() {
        assertEquals("198.51.100.7", ips.resolve(ip("10.0.0.1"), xff("198.51.100.7:4711")));
        assertEquals("2001:db8::7", ips.resolve(ip("10.0.0.1"), xff("[2001:db8::7]:4711")));
        assertEquals("2001:db8::7", ips.resolve(ip("10.0.0.1"), xff("[2001:db8::7]")));
        assertEquals("10.0.0.1", ips.resolve(ip("10.0.0.1"), xff("198.51.100.7:http")));
        assertEquals("10.0.0.1", ips.resolve(ip("10.0.0.1"), xff("[2001:db8::7")));
    }

    @Test
    void answersAreCanonicalText() {
        assertEquals("2001:db8::7", ips.resolve(ip("fd00::1"), xff("2001:DB8:0:0:0:0:0:7")));
        assertEquals("198.51.100.7", ips.resolve(ip("fd00::1"), xff("::ffff:198.51.100.7")));
        assertEquals("2001:db8::1", ips.resolve(ip("2001:db8:0::1"), null));
    }

    @Test
    void ipv6HopsAreTrustedByIpv6Ranges() {
        assertEquals("2001:db8::9", ips.resolve(ip("fd00::1"), xff("2001:db8::9, fd12::5")));
    }

    @Test
    void zoneIdsAreMalformed() {
        assertEquals("10.0.0.1", ips.resolve(ip("10.0.0.1"), xff("fe80::1%eth0")));
    }

    private static List<String> xff(String... values) {
        return Arrays.asList(values);
    }
}
