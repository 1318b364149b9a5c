package dev.authgate.config;

import dev.authgate.testing.TestCerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The keys issue 4 added: {@code listen.tls.expiry_warning} and the {@code d} duration unit. */
class ConfigLoaderOpsKeysTest {
    @TempDir
    Path dir;

    private String config(String tlsExtra) {
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        return """
                listen:
                  address: 127.0.0.1:0
                  tls:
                    cert: %s
                    key: %s
                %s
                routes:
                  - { name: a, match: { path: /a }, respond: 204, auth: none }
                """.formatted(certs.serverCert(), certs.serverKey(), tlsExtra);
    }

    @Test
    void expiryWarningDefaultsTo14DaysAndTakesDays() throws ConfigException {
        LoaderHarness h = new LoaderHarness(dir);
        assertEquals(Duration.ofDays(14), h.load(config("")).listen().tls().expiryWarning());
        assertEquals(Duration.ofDays(30),
                h.load(config("    expiry_warning: 30d")).listen().tls().expiryWarning());
        assertEquals(Duration.ZERO, h.load(config("    expiry_warning: 0s")).listen().tls().expiryWarning());
    }

    @Test
    void aBadExpiryWarningNamesItsKey() {
        LoaderHarness h = new LoaderHarness(dir);
        String message = h.error(config("    expiry_warning: soon"));
        assertEquals(h.at(6) + "listen.tls.expiry_warning: expected a duration like 10s, got 'soon'", message);
    }

    @Test
    void durationsTakeDays() {
        assertEquals(Duration.ofDays(14), Durations.parse("14d"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("14 d"));
    }
}
