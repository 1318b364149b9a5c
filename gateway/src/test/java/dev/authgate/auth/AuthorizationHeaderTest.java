package dev.authgate.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthorizationHeaderTest {

    @Test
    void splitsSchemeAndCredentialsAtOneSpace() {
        AuthorizationHeader h = AuthorizationHeader.parse("Bearer abc.def");
        assertEquals("Bearer", h.scheme());
        assertEquals("abc.def", h.credentials());
        assertNull(h.spacingProblem());
        assertTrue(h.hasScheme("bearer"));
    }

    @Test
    void treatsASingleWordAsABareValue() {
        AuthorizationHeader h = AuthorizationHeader.parse("abc/def==");
        assertNull(h.scheme());
        assertEquals("abc/def==", h.credentials());
    }

    @Test
    void trimsOnlySpacesAndTabsAroundTheValue() {
        assertNull(AuthorizationHeader.parse(" \t "));
        assertEquals("x", AuthorizationHeader.parse("\tBearer x ").credentials());
        assertEquals("x\u00A0", AuthorizationHeader.parse("Bearer x\u00A0").credentials());
    }

    @Test
    void describesBadSpacingBetweenSchemeAndCredentials() {
        assertEquals("two spaces after the scheme", AuthorizationHeader.parse("Bearer  x").spacingProblem());
        assertEquals("a tab instead of the space after the scheme",
                AuthorizationHeader.parse("Bearer\tx").spacingProblem());
        assertEquals("a space and a zero-width space (U+200B) after the scheme",
                AuthorizationHeader.parse("Bearer \u200Bx").spacingProblem());
        assertEquals("a zero-width space (U+200B) before the scheme",
                AuthorizationHeader.parse("\u200BBearer x").spacingProblem());
        assertEquals("x", AuthorizationHeader.parse("Bearer  x").credentials());
    }

    @Test
    void recognisesASchemeWordWrittenWithAColon() {
        assertTrue(AuthorizationHeader.isSchemeWordAlone("Bearer", "Bearer"));
        assertTrue(AuthorizationHeader.isSchemeWordAlone("bearer:abc", "Bearer"));
        assertFalse(AuthorizationHeader.isSchemeWordAlone("bearerabc", "Bearer"));
    }

    @Test
    void namesOnlyWellKnownSchemes() {
        assertEquals("Basic", AuthorizationHeader.knownScheme("BASIC"));
        assertNull(AuthorizationHeader.knownScheme("s3cr3tvalue"));
    }

    @Test
    void neverPrintsCredentialsInToString() {
        String s = AuthorizationHeader.parse("Bearer tok-secret-123").toString();
        assertFalse(s.contains("tok-secret-123"), s);
        assertTrue(s.contains("Bearer"), s);
    }

    @Test
    void findsHiddenWhitespaceAndNamesIt() {
        assertNull(HiddenWhitespace.find("abc-DEF_123.~+/="));
        assertEquals("a non-breaking space (U+00A0)", HiddenWhitespace.find("a\u00A0b"));
        assertEquals("a zero-width non-joiner (U+200C)", HiddenWhitespace.find("a\u200Cb"));
        assertEquals("a zero-width joiner (U+200D)", HiddenWhitespace.find("a\u200Db"));
        assertEquals("a zero-width no-break space / byte order mark (U+FEFF)", HiddenWhitespace.find("\uFEFFab"));
        assertEquals("a Unicode space (U+2009)", HiddenWhitespace.find("a\u2009b"));
        assertEquals("a line feed (LF)", HiddenWhitespace.find("ab\n"));
        assertEquals("a literal \\n", HiddenWhitespace.find("ab\\n"));
        assertEquals("a literal \\r", HiddenWhitespace.find("ab\\r"));
        assertNull(HiddenWhitespace.find("ab\\"));
    }
}
