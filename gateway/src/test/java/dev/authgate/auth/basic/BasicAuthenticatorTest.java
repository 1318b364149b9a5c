package dev.authgate.auth.basic;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.authgate.auth.AuthProbe;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.HashingExecutors;
import dev.authgate.auth.TestExecutors;
import dev.authgate.http.Reason;
import dev.authgate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class BasicAuthenticatorTest {
    public static final String ALICE_PASSWORD = "c0rrect-h0rse:battery";
    static final String BOB_PASSWORD = "Tr0ub4dor&3-bob";
    static final String CAROL_PASSWORD = "carol-s3cret-2b";
    static final String WRONG_PASSWORD = "wr0ng-passw0rd-x";
    // Cost 4 keeps the tests fast; the code paths are the same at 12.
    public static final String ALICE_HASH = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, ALICE_PASSWORD.toCharArray());
    static final String BOB_HASH = BCrypt.with(BCrypt.Version.VERSION_2A).hashToString(4, BOB_PASSWORD.toCharArray());
    static final String CAROL_HASH = BCrypt.with(BCrypt.Version.VERSION_2B).hashToString(4, CAROL_PASSWORD.toCharArray());

    private final AuthProbe probe = new AuthProbe().secrets(ALICE_PASSWORD, BOB_PASSWORD, CAROL_PASSWORD,
            WRONG_PASSWORD, "alice:" + ALICE_PASSWORD, "alice:" + WRONG_PASSWORD);
    private final ThreadPoolExecutor pool = HashingExecutors.bcrypt(2, 16);
    private final TestExecutors.Counting counting = new TestExecutors.Counting(pool);

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        probe.close();
    }

    private static BasicConfig config() {
        return new BasicConfig("ops", Map.of("alice", ALICE_HASH, "bob", BOB_HASH, "carol", CAROL_HASH), null);
    }

    private BasicAuthenticator basic(AuthSupport support) {
        return new BasicAuthenticator(config(), support);
    }

    private BasicAuthenticator basic() {
        return basic(AuthProbe.support(counting));
    }

    public static String basicHeader(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private AuthResult.Rejected rejected(BasicAuthenticator basic, String authorization) {
        return probe.rejected(basic, probe.request("Authorization", authorization));
    }

    @Test
    void acceptsTheRightPasswordWithTheUserAsIdentity() {
        AuthResult.Accepted a = probe.accepted(basic(), probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
        assertEquals("basic", a.scheme());
        assertEquals("alice", a.identity());
        assertEquals(List.of("Authorization"), a.credentialHeaders());
    }

    @ParameterizedTest(name = "[{index}]") // values may hold test secrets: keep them out of reports
    @ValueSource(strings = {"alice", "bob", "carol"})
    void acceptsHashesLabelled2y2aAnd2b(String user) {
        String password = Map.of("alice", ALICE_PASSWORD, "bob", BOB_PASSWORD, "carol", CAROL_PASSWORD).get(user);
        assertEquals(user, probe.accepted(basic(), probe.request("Authorization", basicHeader(user, password))).identity());
    }

    @Test
    void acceptsTheSchemeWordInAnyCase() {
        probe.accepted(basic(), probe.request("Authorization", "bASIC " + basicHeader("alice", ALICE_PASSWORD).substring(6)));
    }

    @Test
    void runsBcryptOnTheHashingPoolNotOnTheCallingThread() {
        probe.accepted(basic(), probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
        assertEquals(1, counting.submissions.get());
        assertEquals(1, counting.threads.size());
        assertTrue(counting.threads.get(0).startsWith("authgate-bcrypt-"), counting.threads.get(0));
        assertFalse(counting.threads.contains(Thread.currentThread().getName()));
    }

    @Test
    void leavesTheStagePendingUntilTheExecutorRunsBcrypt() {
        TestExecutors.Holding holding = new TestExecutors.Holding();
        BasicAuthenticator basic = basic(AuthProbe.support(holding));
        CompletableFuture<AuthResult> f = AuthProbe.future(basic,
                probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
        assertFalse(f.isDone(), "bcrypt ran inline on the calling thread");
        assertEquals(1, holding.size());
        holding.runAll();
        assertTrue(f.isDone());
        AuthResult result = f.join();
        probe.record(result);
        assertInstanceOf(AuthResult.Accepted.class, result);
    }

    @Test
    void givesAnUnknownUserAndAWrongPasswordIdenticalResults() {
        // Every bcrypt verification that really runs, with the cost of the hash it ran against.
        List<Integer> verifiedCosts = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        BasicAuthenticator basic = new BasicAuthenticator(config(), AuthProbe.support(counting), (password, hash) -> {
            verifiedCosts.add(hash.cost);
            return BcryptVerifier.verify(password, hash);
        });
        AuthResult.Rejected wrongPassword = rejected(basic, basicHeader("alice", WRONG_PASSWORD));
        AuthResult.Rejected unknownUser = rejected(basic, basicHeader("mallory", ALICE_PASSWORD));
        AuthResult.Rejected emptyUser = rejected(basic, basicHeader("", ALICE_PASSWORD));
        assertEquals(Reason.CREDENTIALS_INVALID, wrongPassword.reason());
        assertEquals(wrongPassword, unknownUser);
        assertEquals(wrongPassword, emptyUser);
        assertEquals("user name or password is wrong", wrongPassword.detail());
        assertTrue(wrongPassword.credentialPresent());
        // The unknown users paid for a bcrypt run too, against a dummy hash of the configured cost: a verification
        // that skipped bcrypt for them (a short-circuit, or no task at all) would leave fewer than three runs here.
        assertEquals(3, counting.submissions.get());
        assertEquals(4, basic.dummyCost());
        assertEquals(List.of(4, 4, 4), verifiedCosts);
    }

    @Test
    void makesTheDummyHashAsCostlyAsMostConfiguredHashes() {
        String cost5 = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(5, "x".toCharArray());
        BasicAuthenticator mixed = new BasicAuthenticator(new BasicConfig(null,
                Map.of("a", cost5, "b", cost5, "c", ALICE_HASH), null), AuthProbe.support(counting));
        assertEquals(5, mixed.dummyCost());
    }

    @Test
    void answersACachedSuccessWithoutTheExecutor() {
        BasicAuthenticator basic = basic();
        probe.accepted(basic, probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
        assertEquals(1, counting.submissions.get());

        CompletableFuture<AuthResult> second = AuthProbe.future(basic,
                probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
        assertTrue(second.isDone(), "a cached hit completes inline");
        AuthResult.Accepted a = assertInstanceOf(AuthResult.Accepted.class, second.join());
        probe.record(a);
        assertEquals("alice", a.identity());
        assertEquals(1, counting.submissions.get(), "a cached hit must not reach the executor");
    }

    @Test
    void neverCachesAFailure() {
        BasicAuthenticator basic = basic();
        rejected(basic, basicHeader("alice", WRONG_PASSWORD));
        rejected(basic, basicHeader("alice", WRONG_PASSWORD));
        assertEquals(2, counting.submissions.get());
    }

    @Test
    void doesNotLetACachedSuccessAcceptAnotherPassword() {
        BasicAuthenticator basic = basic();
        probe.accepted(basic, probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
        assertEquals(Reason.CREDENTIALS_INVALID, rejected(basic, basicHeader("alice", WRONG_PASSWORD)).reason());
        assertEquals(Reason.CREDENTIALS_INVALID, rejected(basic, basicHeader("bob", ALICE_PASSWORD)).reason());
        assertEquals(3, counting.submissions.get());
    }

    @Test
    void forgetsACachedSuccessAfterItsTtl() {
        MutableClock clock = new MutableClock();
        BasicAuthenticator basic = basic(new AuthSupport(counting, clock));
        probe.accepted(basic, probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
        clock.advance(Duration.ofSeconds(BasicAuthenticator.CACHE_TTL_SECONDS - 1));
        probe.accepted(basic, probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
        assertEquals(1, counting.submissions.get());
        clock.advance(Duration.ofSeconds(2));
        probe.accepted(basic, probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
        assertEquals(2, counting.submissions.get());
    }

    @Test
    void startsWithAnEmptyCacheAfterAReloadBuildsANewInstance() {
        AuthSupport support = AuthProbe.support(counting);
        probe.accepted(basic(support), probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
        probe.accepted(basic(support), probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
        assertEquals(2, counting.submissions.get());
    }

    @Test
    void failsTheStageWithRejectedExecutionWhenThePoolIsSaturated() throws Exception {
        ThreadPoolExecutor tiny = HashingExecutors.bcrypt(1, 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        try {
            tiny.execute(() -> {
                started.countDown();
                awaitQuietly(release);
            });
            assertTrue(started.await(30, TimeUnit.SECONDS));
            tiny.execute(() -> awaitQuietly(release)); // fills the one queue slot
            BasicAuthenticator basic = basic(AuthProbe.support(tiny));
            CompletableFuture<AuthResult> f = AuthProbe.future(basic,
                    probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
            assertInstanceOf(RejectedExecutionException.class, e.getCause());
            assertTrue(HashingExecutors.isOverload(e));
            assertFalse(e.getCause().getMessage().contains(ALICE_PASSWORD));
        } finally {
            release.countDown();
            tiny.shutdown();
            assertTrue(tiny.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void splitsAtTheFirstColonSoPasswordsMayContainColons() {
        // ALICE_PASSWORD contains a colon.
        assertTrue(ALICE_PASSWORD.contains(":"));
        probe.accepted(basic(), probe.request("Authorization", basicHeader("alice", ALICE_PASSWORD)));
    }

    @Test
    void rejectsAPasswordLongerThanBcryptReadsWithoutFailing() {
        String longPassword = WRONG_PASSWORD.repeat(10);
        probe.secrets(longPassword);
        assertEquals(Reason.CREDENTIALS_INVALID, rejected(basic(), basicHeader("alice", longPassword)).reason());
    }

    @Test
    void acceptsAPasswordLongerThan72BytesLikeHtpasswdDoes() {
        String longPassword = BOB_PASSWORD.repeat(6);
        probe.secrets(longPassword);
        String hash = new String(BCrypt.with(BCrypt.Version.VERSION_2Y,
                at.favre.lib.crypto.bcrypt.LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2Y))
                .hash(4, longPassword.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        BasicAuthenticator basic = new BasicAuthenticator(new BasicConfig(null, Map.of("dave", hash), null),
                AuthProbe.support(counting));
        probe.accepted(basic, probe.request("Authorization", basicHeader("dave", longPassword)));
    }

    @Test
    void rejectsANonUtf8PasswordAsInvalidAndANonUtf8UserAsMalformed() {
        byte[] badPassword = {'a', 'l', 'i', 'c', 'e', ':', (byte) 0xC3, (byte) 0x28};
        assertEquals(Reason.CREDENTIALS_INVALID,
                rejected(basic(), "Basic " + Base64.getEncoder().encodeToString(badPassword)).reason());
        byte[] badUser = {(byte) 0xFF, 'x', ':', 'p'};
        AuthResult.Rejected r = rejected(basic(), "Basic " + Base64.getEncoder().encodeToString(badUser));
        assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason());
    }

    @Test
    void rejectsAMissingHeaderWithCredentialsMissing() {
        AuthResult.Rejected r = probe.rejected(basic(), probe.request("X-Other", "1"));
        assertEquals(Reason.CREDENTIALS_MISSING, r.reason());
        assertFalse(r.credentialPresent());
        assertEquals(0, counting.submissions.get());
    }

    @ParameterizedTest(name = "[{index}]") // values may hold test secrets: keep them out of reports
    @ValueSource(strings = {"Bearer abc.def.ghi", "Token abc", "Bearer", "Digest username=\"alice\""})
    void rejectsAnotherSchemeWithSchemeMismatch(String value) {
        AuthResult.Rejected r = rejected(basic(), value);
        assertEquals(Reason.SCHEME_MISMATCH, r.reason());
        assertTrue(r.credentialPresent());
        assertTrue(r.detail().endsWith("(expected: Basic)"), r.detail());
    }

    @Test
    void rejectsBadBase64AsMalformed() {
        AuthResult.Rejected r = rejected(basic(), "Basic not*base64!");
        assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason());
        assertEquals("the Basic credentials are not valid base64 (expected: base64(user:password))", r.detail());
    }

    @Test
    void rejectsCredentialsWithoutAColonAsMalformed() {
        String noColon = Base64.getEncoder().encodeToString(("alice" + ALICE_PASSWORD.replace(":", ""))
                .getBytes(StandardCharsets.UTF_8));
        probe.secrets(ALICE_PASSWORD.replace(":", ""));
        AuthResult.Rejected r = rejected(basic(), "Basic " + noColon);
        assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason());
        assertEquals("the decoded Basic credentials have no colon (expected: base64(user:password))", r.detail());
        assertEquals(0, counting.submissions.get());
    }

    @ParameterizedTest(name = "[{index}]") // values may hold test secrets: keep them out of reports
    @ValueSource(strings = {"Basic", "basic:", "dXNlcjpwYXNz"})
    void rejectsBasicWithoutCredentialsOrWithoutTheSchemeAsMalformed(String value) {
        assertEquals(Reason.CREDENTIALS_MALFORMED, rejected(basic(), value).reason());
    }

    @Test
    void rejectsHiddenWhitespaceWithCredentialsWhitespace() {
        String encoded = basicHeader("alice", ALICE_PASSWORD).substring("Basic ".length());
        for (String value : List.of("Basic  " + encoded, "Basic\t" + encoded, "Basic\u00A0" + encoded,
                "Basic " + encoded + "\u200B", "Basic " + encoded + "\\n", "\uFEFF")) {
            AuthResult.Rejected r = rejected(basic(), value);
            assertEquals(Reason.CREDENTIALS_WHITESPACE, r.reason(), r.detail());
        }
        assertEquals(0, counting.submissions.get());
    }

    @Test
    void rejectsTwoAuthorizationHeadersAsMalformed() {
        AuthResult.Rejected r = probe.rejected(basic(), probe.request(
                "Authorization", basicHeader("alice", ALICE_PASSWORD),
                "Authorization", basicHeader("bob", BOB_PASSWORD)));
        assertEquals(Reason.CREDENTIALS_MALFORMED, r.reason());
    }

    @Test
    void challengesWithRealmAndCharset() {
        assertEquals("basic", basic().scheme());
        assertEquals("Basic realm=\"ops\", charset=\"UTF-8\"", basic().challenge());
        BasicAuthenticator defaultRealm = new BasicAuthenticator(
                new BasicConfig(null, Map.of("alice", ALICE_HASH), null), AuthProbe.support(counting));
        assertEquals("Basic realm=\"authgate\", charset=\"UTF-8\"", defaultRealm.challenge());
    }

    @ParameterizedTest(name = "[{index}]") // values may hold test secrets: keep them out of reports
    @ValueSource(strings = {"plaintext-password", "$1$abc$def", "$2x$04$abcdefghijklmnopqrstuv", "$2y$04$short"})
    void refusesAHashThatIsNotBcryptWithoutEchoingIt(String hash) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BasicAuthenticator(
                new BasicConfig(null, Map.of("dave", hash), null), AuthProbe.support(counting)));
        assertTrue(e.getMessage().startsWith("users.dave: not a"), e.getMessage());
        assertFalse(e.getMessage().contains(hash), e.getMessage());
    }

    @Test
    void refusesAUserNameWithAColon() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BasicAuthenticator(
                new BasicConfig(null, Map.of("a:b", ALICE_HASH), null), AuthProbe.support(counting)));
        assertTrue(e.getMessage().startsWith("users.a:b: a user name cannot contain ':'"), e.getMessage());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
