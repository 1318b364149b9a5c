package dev.authgate.auth.mtls;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authgate.auth.AuthResult;
import dev.authgate.http.Reason;
import dev.authgate.testing.ClientPki;
import dev.authgate.tls.ClientCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allow-list against near misses: random allow-lists made of the certificate's own names, mutated (case, a
 * trailing dot, a prefix or suffix, another scheme), accept exactly when a reference matcher written here says so
 * (subject equal as an X.500 name, URI SAN equal, DNS SAN equal ignoring case, fingerprint equal). The
 * {@code @FuzzTest} does the same with lists the fuzzer writes ({@code scripts/fuzz --target MtlsAllowListFuzzTest});
 * the {@code @Test} is a seeded sweep of near misses.
 */
class MtlsAllowListFuzzTest {
    private static X509Certificate leaf;
    private static ClientCertificate trusted;
    private static String fingerprint;

    @BeforeAll
    static void certificate() {
        ClientPki.Issued issued = ClientPki.root("CN=fuzz CA").issue("CN=billing,O=Example",
                List.of("spiffe://example.org/billing"), List.of("billing.internal", "Api.Example.net"));
        leaf = issued.cert();
        trusted = new ClientCertificate(ClientCertificate.Verdict.TRUSTED, issued.chain(), null);
        fingerprint = "sha256:" + ClientCertificate.sha256Hex(leaf);
    }

    private static String mutate(String s, Random r) {
        switch (r.nextInt(7)) {
            case 0: return s;
            case 1: return s.toUpperCase(Locale.ROOT);
            case 2: return s + ".";
            case 3: return "x" + s;
            case 4: return s.substring(0, Math.max(1, s.length() - 1));
            case 5: return s.replace("spiffe://", "https://");
            default: return s.toLowerCase(Locale.ROOT);
        }
    }

    private static boolean reference(List<String> subjects, List<String> sans, List<String> fingerprints) {
        for (String s : subjects) {
            if (new javax.security.auth.x500.X500Principal(s).equals(leaf.getSubjectX500Principal())) return true;
        }
        for (String s : sans) {
            if (s.equals("spiffe://example.org/billing")) return true;
            if (s.equalsIgnoreCase("billing.internal") || s.equalsIgnoreCase("api.example.net")) return true;
        }
        for (String f : fingerprints) {
            // the documented forms: any case, "sha256:" optional, openssl's colons (docs/configuration.md)
            String hex = f.trim().toLowerCase(Locale.ROOT).replaceFirst("^sha256:", "").replace(":", "");
            if (("sha256:" + hex).equals(fingerprint)) return true;
        }
        return false;
    }

    @Test
    void acceptsExactlyWhatTheReferenceMatches() {
        Random r = new Random(42);
        List<String> names = List.of("spiffe://example.org/billing", "billing.internal", "api.example.net");
        List<String> subjectForms = List.of("CN=billing,O=Example", "cn=billing, o=Example", "O=Example,CN=billing",
                "CN=billing", "CN=Billing,O=Example");
        String otherFingerprint = "sha256:" + "0".repeat(64);
        int accepted = 0;
        for (int i = 0; i < 5_000; i++) {
            List<String> subjects = new ArrayList<>();
            List<String> sans = new ArrayList<>();
            List<String> fingerprints = new ArrayList<>();
            if (r.nextInt(3) == 0) subjects.add(subjectForms.get(r.nextInt(subjectForms.size())));
            for (int k = r.nextInt(3); k > 0; k--) sans.add(mutate(names.get(r.nextInt(names.size())), r));
            if (r.nextInt(4) == 0) fingerprints.add(r.nextBoolean() ? fingerprint : otherFingerprint);
            if (subjects.isEmpty() && sans.isEmpty() && fingerprints.isEmpty()) sans.add("nobody.example");
            MtlsConfig config = new MtlsConfig(subjects, sans, fingerprints, null);
            AuthResult result = new MtlsAuthenticator(config).judge(trusted);
            boolean expected = reference(subjects, sans, fingerprints);
            String label = subjects + " " + sans + " " + fingerprints;
            if (expected) {
                assertInstanceOf(AuthResult.Accepted.class, result, label);
                accepted++;
            } else {
                assertEquals(Reason.CLIENT_CERTIFICATE_NOT_ALLOWED, ((AuthResult.Rejected) result).reason(), label);
            }
        }
        assertTrue(accepted > 500 && accepted < 4_500, "both outcomes exercised: " + accepted);
    }

    /** Allow-lists written by the fuzzer (names mutated from the certificate's own, or any text). */
    @FuzzTest
    void acceptsExactlyWhatTheReferenceMatchesForAnyAllowList(FuzzedDataProvider data) {
        List<String> names = List.of("spiffe://example.org/billing", "billing.internal", "api.example.net",
                "CN=billing,O=Example", fingerprint);
        List<String> subjects = new ArrayList<>();
        List<String> sans = new ArrayList<>();
        List<String> fingerprints = new ArrayList<>();
        for (int n = data.consumeInt(1, 4); n > 0; n--) {
            String value = data.consumeBoolean() ? data.pickValue(names) : data.consumeString(60);
            if (data.consumeBoolean()) value = data.consumeBoolean() ? value.toUpperCase(Locale.ROOT)
                    : value + data.consumeString(3);
            switch (data.consumeInt(0, 2)) {
                case 0 -> subjects.add(value);
                case 1 -> sans.add(value);
                default -> fingerprints.add(value);
            }
        }
        MtlsConfig config;
        try {
            config = new MtlsConfig(subjects, sans, fingerprints, null);
        } catch (IllegalArgumentException refusedAtConfigTime) {
            return; // an unparseable subject or fingerprint never reaches a route
        }
        AuthResult result = new MtlsAuthenticator(config).judge(trusted);
        String label = subjects + " " + sans + " " + fingerprints;
        if (reference(subjects, sans, fingerprints)) {
            assertInstanceOf(AuthResult.Accepted.class, result, label);
        } else {
            assertEquals(Reason.CLIENT_CERTIFICATE_NOT_ALLOWED,
                    assertInstanceOf(AuthResult.Rejected.class, result, label).reason(), label);
        }
    }

    @Test
    void anEmptySubjectIsRefusedAtConfigTime() {
        // "" is a valid (empty) distinguished name: it would admit a certificate whose subject is empty
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new MtlsConfig(List.of(" "), List.of(), List.of(), null));
        assertEquals("subjects[0]: empty", e.getMessage());
    }

    @Test
    void identityPrefersUriThenDnsThenCn() {
        assertEquals("spiffe://example.org/billing", MtlsAuthenticator.identity(leaf));
        X509Certificate dnsOnly = ClientPki.root("CN=ca").issue("CN=x", List.of(), List.of("a.example")).cert();
        assertEquals("a.example", MtlsAuthenticator.identity(dnsOnly));
        X509Certificate cnOnly = ClientPki.root("CN=ca").issue("CN=only-cn,O=Example", List.of(), List.of()).cert();
        assertEquals("only-cn", MtlsAuthenticator.identity(cnOnly));
    }
}
