package dev.authgate.auth;

import dev.authgate.config.Secret;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class CredentialMatcherTest {
    private final Credential first = new Credential("first", new Secret("alpha-0001", "inline"));
    private final Credential second = new Credential("second", new Secret("bravo-0002", "inline"));
    private final Credential third = new Credential(null, new Secret("charlie-03", "inline"));
    private final CredentialMatcher matcher = new CredentialMatcher(List.of(first, second, third));

    @Test
    void findsWhicheverCredentialMatchesWherever() {
        assertSame(first, matcher.match("alpha-0001"));
        assertSame(second, matcher.match("bravo-0002"));
        assertSame(third, matcher.match("charlie-03"));
        assertEquals(3, matcher.size());
    }

    @Test
    void matchesNeitherPrefixesNorExtensionsNorOtherCases() {
        assertNull(matcher.match("alpha-000"));
        assertNull(matcher.match("alpha-00011"));
        assertNull(matcher.match("ALPHA-0001"));
        assertNull(matcher.match(""));
    }

    @Test
    void keepsTheFirstWhenTwoCredentialsShareAValue() {
        Credential dup = new Credential("dup", new Secret("alpha-0001", "inline"));
        assertSame(first, new CredentialMatcher(List.of(first, dup)).match("alpha-0001"));
    }

    @Test
    void neverPrintsValues() {
        assertFalse(matcher.toString().contains("alpha"));
    }
}
