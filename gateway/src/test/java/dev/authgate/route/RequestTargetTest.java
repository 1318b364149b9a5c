package dev.authgate.route;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestTargetTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "/a/../b", "/..", "/a/..", "/a/./b", "/.", "/a/.",
            "/%2e%2e/admin", "/%2E%2E/admin", "/a/%2e%2E", "/%2e/x", "/.%2e/x", "/%2E./x",
            "/a/..;/b", "/a/%2e%2e;x=1/b",
            "/a%2Fb", "/a%2fb", "/a%5Cb", "/a%5cb", "/a\\b", "/a\\..\\b",
            "/a%00b", "/a%0Ab", "/a%0d%0a", "/a%7F",
            "/a//b", "//admin",
            "/a%252e%252e/b", "/a%252Fb", "/a%255Cb",
            "/a%2", "/a%zz", "/a%e2%82",
            "/a#frag", "*", "example.com:443", "/a b",
    })
    void refusesTargetsThatCouldRouteDifferentlyUpstream(String target) {
        RequestTarget t = RequestTarget.parse(target);
        assertFalse(t.ok(), () -> target + " should be refused, matched as " + t.matchPath());
        assertNull(t.matchPath());
    }

    @Test
    void refusesRawControlCharacterInPath() {
        assertFalse(RequestTarget.parse("/a\u0000b").ok());
        assertFalse(RequestTarget.parse("/a\tb").ok());
        assertFalse(RequestTarget.parse("/caf\u00e9").ok());
        assertFalse(RequestTarget.parse("/a?x=\u0001").ok());
    }

    @Test
    void namesTheProblemInTheDetail() {
        assertEquals("'..' segment in path (raw or percent-encoded)", RequestTarget.parse("/%2e%2e/x").problem());
        assertEquals("encoded '/' (%2F) in path", RequestTarget.parse("/a%2Fb").problem());
        assertEquals("backslash in path", RequestTarget.parse("/a\\b").problem());
        assertEquals("empty path segment ('//') in path", RequestTarget.parse("/a//b").problem());
    }

    @ParameterizedTest
    @CsvSource({
            "/, /",
            "/webhooks/github, /webhooks/github",
            "/hooks/, /hooks/",
            "/a%20b, /a b",
            "/caf%C3%A9, /caf\u00e9",
            "/a%25b, /a%b",
            "/a...b/..c/x.., /a...b/..c/x..",
            "/admin;jsessionid=1/x, /admin/x",
            "/a/;x, /a/",
            "/%41dmin, /Admin",
    })
    void decodesThePathForMatching(String target, String matchPath) {
        RequestTarget t = RequestTarget.parse(target);
        assertTrue(t.ok(), () -> target + ": " + t.problem());
        assertEquals(matchPath, t.matchPath());
        assertEquals(target, t.rawPath());
    }

    @Test
    void keepsRawPathAndQueryForForwarding() {
        RequestTarget t = RequestTarget.parse("/a%20b/c?x=1&y=%2F..%2F&z");
        assertTrue(t.ok());
        assertEquals("/a%20b/c", t.rawPath());
        assertEquals("x=1&y=%2F..%2F&z", t.rawQuery());
        assertEquals("/a b/c", t.matchPath());
        assertEquals("/a%20b/c?x=1&y=%2F..%2F&z", t.originForm());
    }

    @Test
    void emptyQueryIsKeptApartFromNoQuery() {
        assertEquals("", RequestTarget.parse("/a?").rawQuery());
        assertNull(RequestTarget.parse("/a").rawQuery());
    }

    @Test
    void reducesAbsoluteFormToOriginForm() {
        RequestTarget t = RequestTarget.parse("http://example.com:8080/webhooks/x?y=1");
        assertTrue(t.ok());
        assertEquals("/webhooks/x", t.rawPath());
        assertEquals("y=1", t.rawQuery());
        assertEquals("/", RequestTarget.parse("HTTPS://example.com").matchPath());
        assertEquals("/?q", RequestTarget.parse("http://example.com?q").originForm());
        assertFalse(RequestTarget.parse("http://example.com/a/../b").ok());
    }

    @Test
    void refusedTargetKeepsQueryApartSoLogsCanMaskIt() {
        RequestTarget t = RequestTarget.parse("/a/../b?token=abc");
        assertFalse(t.ok());
        assertEquals("/a/../b", t.rawPath());
        assertEquals("token=abc", t.rawQuery());
        RequestTarget noSlash = RequestTarget.parse("x?token=abc");
        assertFalse(noSlash.ok());
        assertEquals("x", noSlash.rawPath());
        assertEquals("token=abc", noSlash.rawQuery());
    }

    /** Found by RequestTargetFuzzTest: an encoded '!' opening a segment was taken for an internal error marker. */
    @Test
    void routesASegmentThatDecodesToAnExclamationMark() {
        RequestTarget t = RequestTarget.parse("/%21/575t");
        assertTrue(t.ok(), t.toString());
        assertEquals("/!/575t", t.matchPath());
        assertEquals("/a/!b", RequestTarget.parse("/a/%21b").matchPath());
    }
}
