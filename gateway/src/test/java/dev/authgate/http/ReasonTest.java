package dev.authgate.http;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReasonTest {
    @Test
    void codesAreTheLowerCaseNamesOfTheContract() {
        Set<String> codes = Arrays.stream(Reason.values()).map(Reason::code).collect(Collectors.toSet());
        assertEquals(Reason.values().length, codes.size());
        assertTrue(codes.containsAll(Set.of("credentials_missing", "signature_mismatch", "timestamp_out_of_window",
                "too_many_failures", "upstream_timeout", "shutting_down", "headers_too_large")));
        assertEquals(401, Reason.REPLAYED.status());
        assertEquals(431, Reason.HEADERS_TOO_LARGE.status());
    }
}
