package dev.authgate.route;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes request-target parsing, the gate in front of every route match. Invariants: no exception; a refused target
 * has a problem and no match path; a routable one has a normalized match path (starts with '/', no '.', '..' or
 * empty segment, no control character) and its origin form parses back to the same match path.
 */
class RequestTargetFuzzTest {

    @FuzzTest
    void parsesAnyTargetIntoARefusalOrANormalizedPath(String target) {
        RequestTarget t = RequestTarget.parse(target);
        assertNotNull(t.rawPath());
        if (!t.ok()) {
            assertNull(t.matchPath());
            assertFalse(t.problem().isEmpty());
            return;
        }
        String m = t.matchPath();
        assertTrue(m.startsWith("/"), m);
        for (String segment : m.substring(1).split("/", -1)) {
            assertFalse(segment.equals(".") || segment.equals(".."), m);
        }
        assertFalse(m.contains("//"), m);
        assertTrue(m.chars().noneMatch(Character::isISOControl), m);
        assertTrue(t.originForm().startsWith("/"), t.originForm());
        RequestTarget again = RequestTarget.parse(t.originForm());
        assertTrue(again.ok(), t.originForm());
        assertEquals(m, again.matchPath());
        assertEquals(t.originForm(), again.originForm());
    }
}
