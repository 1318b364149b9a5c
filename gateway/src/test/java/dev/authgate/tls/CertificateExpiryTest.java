package dev.authgate.tls;

import dev.authgate.testing.TestCerts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code listen.tls.expiry_warning}: what is logged at start and at each reload. */
class CertificateExpiryTest {
    @TempDir
    static Path dir;
    static TestCerts certs;
    static final Instant NOT_AFTER = Instant.now().plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);
    static ServerTls tls;

    @BeforeAll
    static void load() {
        certs = TestCerts.create(dir);
        certs.writeServerCert(dir.resolve("soon.crt"), NOT_AFTER);
        tls = SslContexts.load(certs.tlsConfig(dir.resolve("soon.crt"), certs.serverKey()));
    }

    @AfterAll
    static void release() {
        tls.release();
    }

    @Test
    void saysNothingWhileTheCertificateOutlivesTheThreshold() {
        assertNull(CertificateExpiry.warning(tls, Duration.ofDays(9), NOT_AFTER.minus(Duration.ofDays(10))));
        assertNull(CertificateExpiry.warning(tls, Duration.ZERO, NOT_AFTER.plus(Duration.ofDays(1))));
    }

    @Test
    void warnsWithinTheThresholdNamingTheCertificateAndTheTimeLeft() {
        String w = CertificateExpiry.warning(tls, Duration.ofDays(14), NOT_AFTER.minus(Duration.ofHours(75)));
        assertEquals("the served certificate (CN=localhost) expires at " + NOT_AFTER + ", in 3d 3h "
                + "(listen.tls.expiry_warning: within 14d); renew it, the gateway reloads it", w);
    }

    @Test
    void saysWhenItHasExpired() {
        String w = CertificateExpiry.warning(tls, Duration.ofDays(14), NOT_AFTER.plus(Duration.ofMinutes(90)));
        assertEquals("the served certificate (CN=localhost) EXPIRED at " + NOT_AFTER + ", 1h 30m ago: clients "
                + "refuse it; renew it and the gateway reloads it", w);
    }
}
