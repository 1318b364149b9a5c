package dev.authgate.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Durations, sizes, host:port addresses and CIDRs as the config writes them. */
class ParsingTest {
    @Test
    void parsesDurationsInEachUnit() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
    }

    @Test
    void refusesDurationsWithoutUnitOrWithSpaces() {
        for (String bad : new String[] {"10", "ten", "10 s", "1.5s", "-1s", "10S", "1w", "", "1m30s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertEquals("expected a duration like 10s, got '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void formatsDurationsInTheLargestExactUnit() {
        assertEquals("1h", Durations.format(Duration.ofMinutes(60)));
        assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }

    @Test
    void parsesSizesInBinaryUnitsOrBytes() {
        assertEquals(64 * 1024, Sizes.parse("64KiB"));
        assertEquals(1024 * 1024, Sizes.parse("1MiB"));
        assertEquals(1024L * 1024 * 1024, Sizes.parse("1GiB"));
        assertEquals(1000, Sizes.parse("1000"));
        assertEquals(512, Sizes.parse("512B"));
    }

    @Test
    void refusesDecimalUnitsAndOverflow() {
        for (String bad : new String[] {"1MB", "1 MiB", "1mib", "1k", "big", "-1", "1.5MiB", "99999999999999999GiB"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
            assertEquals("expected a size like 64KiB, 1MiB or a number of bytes, got '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void formatsSizesInTheLargestExactUnit() {
        assertEquals("1MiB", Sizes.format(1024 * 1024));
        assertEquals("64KiB", Sizes.format(64 * 1024));
        assertEquals("1000", Sizes.format(1000));
    }

    @Test
    void parsesHostPortIncludingBracketedIpv6() {
        assertEquals(new HostPort("0.0.0.0", 8443), HostPort.parse("0.0.0.0:8443"));
        assertEquals(new HostPort("localhost", 0), HostPort.parse("localhost:0"));
        assertEquals(new HostPort("::1", 9901), HostPort.parse("[::1]:9901"));
        assertEquals("[::1]:9901", HostPort.parse("[::1]:9901").toString());
    }

    @Test
    void refusesAmbiguousOrIncompleteAddresses() {
        for (String bad : new String[] {"8443", ":8443", "::1:8443", "[::1]", "[nothost]:1", "host:", "host:x",
                "bad host:1", "host:123456"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
            assertEquals("expected host:port like 0.0.0.0:8443 or [::1]:8443, got '" + bad + "'", e.getMessage());
        }
        assertEquals("port 70000 in 'h:70000' (expected: 0-65535)",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("h:70000")).getMessage());
    }

    @Test
    void normalizesCidrsAndLoneAddresses() {
        assertEquals("10.0.0.0/8", Cidrs.normalize("10.0.0.0/8"));
        assertEquals("192.168.1.10/32", Cidrs.normalize("192.168.1.10"));
        assertEquals("::1/128", Cidrs.normalize("::1"));
        assertEquals("fd00::/8", Cidrs.normalize("fd00:0::/8"));
        assertEquals("0.0.0.0/0", Cidrs.normalize("0.0.0.0/0"));
    }

    @Test
    void refusesCidrsWithBadPrefixesOrHostNames() {
        for (String bad : new String[] {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0/8", "example.com", "10.0.0.0/-1",
                "10.0.0.0/8/8"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidrs.normalize(bad), bad);
            assertEquals("'" + bad + "' is not a CIDR like 10.0.0.0/8 or fd00::/8", e.getMessage());
        }
    }
}
