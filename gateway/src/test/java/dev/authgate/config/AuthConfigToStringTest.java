package dev.authgate.config;

import dev.authgate.auth.Credential;
import dev.authgate.auth.basic.BasicConfig;
import dev.authgate.auth.bearer.BearerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Config records end up in exception messages and debug logs: their toString must not carry secrets or hashes. */
class AuthConfigToStringTest {
    private static final String HASH = "$2y$04$abcdefghijklmnopqrstuu5jRnMN0BAxVqO3yv7CWFh3.mz6b3vNu";
    private static final String TOKEN = "tok-" + System.nanoTime();

    @Test
    void basicNamesUsersButNotTheirHashes() {
        String s = new BasicConfig("ops", Map.of("alice", HASH), null).toString();
        assertTrue(s.contains("alice"), s);
        assertFalse(s.contains(HASH) || s.contains("$2y$"), "bcrypt hash in toString");
    }

    @Test
    void credentialsShowWhereTheSecretCameFromNotTheSecret() {
        String s = new BearerConfig(null, List.of(new Credential("ci", new Secret(TOKEN, "env:T"))))
                .toString();
        assertTrue(s.contains("env:T"), s);
        assertFalse(s.contains(TOKEN));
    }
}
