package dev.authgate.tls;

import dev.authgate.testing.ClientPki;
import dev.authgate.testing.MutableClock;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ClientCertVerifier} remembers trusted chains ({@link TrustedChains}): the cache must never change a verdict,
 * only save the PKIX work. Certificates made by BouncyCastle ({@link ClientPki}), time from a {@link MutableClock}.
 */
class ClientCertVerifierCacheTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private final MutableClock clock = new MutableClock(NOW);
    private final ClientPki ca = ClientPki.root("CN=cache test CA");

    private ClientPki.Issued issue(String cn, Instant notAfter) {
        return ca.issue("CN=" + cn, List.of(), List.of(), NOW.minus(Duration.ofHours(1)), notAfter,
                KeyPurposeId.id_kp_clientAuth);
    }

    private static Certificate[] presented(ClientPki.Issued issued) {
        return issued.chain().toArray(new Certificate[0]);
    }

    @Test
    void theSameChainAgainIsTheRememberedVerdict() {
        ClientCertVerifier verifier = new ClientCertVerifier(List.of(ca.certificate()), List.of(), clock);
        ClientPki.Issued partner = issue("partner", NOW.plus(Duration.ofDays(30)));
        ClientCertificate first = verifier.verify(presented(partner));
        assertEquals(ClientCertificate.Verdict.TRUSTED, first.verdict());
        assertSame(first, verifier.verify(presented(partner)), "the second connection is served from the cache");
        ClientCertificate other = verifier.verify(presented(issue("other", NOW.plus(Duration.ofDays(30)))));
        assertEquals(ClientCertificate.Verdict.TRUSTED, other.verdict());
        assertNotSame(first, other, "another certificate is another entry");
    }

    @Test
    void aRememberedVerdictNeverOutlivesNotAfter() {
        ClientCertVerifier verifier = new ClientCertVerifier(List.of(ca.certificate()), List.of(), clock);
        ClientPki.Issued shortLived = issue("short", NOW.plus(Duration.ofMinutes(10)));
        assertEquals(ClientCertificate.Verdict.TRUSTED, verifier.verify(presented(shortLived)).verdict());
        clock.advance(Duration.ofMinutes(11));
        ClientCertificate late = verifier.verify(presented(shortLived));
        assertEquals(ClientCertificate.Verdict.EXPIRED, late.verdict());
        assertTrue(late.detail().startsWith("expired 1m"), late.detail());
    }

    @Test
    void untrustedChainsAreJudgedEveryTimeAndANewCrlRevokesAChainTheOldVerifierTrusted(@TempDir Path dir) {
        ClientPki stranger = ClientPki.root("CN=someone else's CA");
        ClientCertVerifier verifier = new ClientCertVerifier(List.of(ca.certificate()), List.of(), clock);
        Certificate[] foreign = presented(stranger.issue("CN=intruder", List.of(), List.of(),
                NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(1)), KeyPurposeId.id_kp_clientAuth));
        ClientCertificate once = verifier.verify(foreign);
        assertEquals(ClientCertificate.Verdict.UNTRUSTED, once.verdict());
        assertNotSame(once, verifier.verify(foreign));

        ClientPki.Issued partner = issue("partner", NOW.plus(Duration.ofDays(30)));
        assertEquals(ClientCertificate.Verdict.TRUSTED, verifier.verify(presented(partner)).verdict());
        // a reload builds a new verifier from the files: the CRL that now lists the certificate applies at once
        ClientCertVerifier reloaded = ClientCertVerifier.load(ca.writeCert(dir.resolve("ca.pem")),
                ca.writeCrl(dir.resolve("ca.crl"), partner.serial()), clock);
        assertEquals(ClientCertificate.Verdict.REVOKED, reloaded.verify(presented(partner)).verdict());
    }
}
