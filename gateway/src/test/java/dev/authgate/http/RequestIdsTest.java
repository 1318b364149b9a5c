package dev.authgate.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "req-1", "01JD8ZK3Q5W7Y9", "abc.DEF_ghi:jkl-0"})
    void keepsAValidIncomingId(String id) {
        assertEquals(id, RequestIds.acceptOrGenerate(id));
    }

    @Test
    void keepsAnIdOfExactly128Characters() {
        String id = "x".repeat(128);
        assertEquals(id, RequestIds.acceptOrGenerate(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "semi;colon", "slash/", "quote\"", "caf\u00e9", "new\nline", "a=b"})
    void replacesAnInvalidIncomingId(String id) {
        String accepted = RequestIds.acceptOrGenerate(id);
        assertNotEquals(id, accepted);
        assertTrue(RequestIds.isValid(accepted));
    }

    @Test
    void replacesAnIdOf129Characters() {
        String id = "x".repeat(129);
        assertNotEquals(id, RequestIds.acceptOrGenerate(id));
        assertFalse(RequestIds.isValid(id));
    }

    @Test
    void generatesAnIdWhenNoneCame() {
        assertTrue(RequestIds.isValid(RequestIds.acceptOrGenerate(null)));
    }

    @Test
    void generatedIdsAreUlidShapedAndSortByTime() {
        String id = RequestIds.generate();
        assertTrue(id.matches("[0-9A-HJKMNP-TV-Z]{26}"), id);
        String earlier = RequestIds.generate(1_700_000_000_000L, new Random(1));
        String later = RequestIds.generate(1_700_000_000_001L, new Random(1));
        assertTrue(earlier.compareTo(later) < 0);
        assertEquals(earlier.substring(10), later.substring(10));
        // 0 ms encodes as ten zeros
        assertEquals("0000000000", RequestIds.generate(0, new Random(2)).substring(0, 10));
    }

    @Test
    void generatedIdsDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) ids.add(RequestIds.generate());
        assertEquals(10_000, ids.size());
    }
}
