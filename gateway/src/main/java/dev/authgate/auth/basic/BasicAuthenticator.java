package dev.authgate.auth.basic;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.Authenticator;
import dev.authgate.auth.AuthorizationHeader;
import dev.authgate.auth.Challenges;
import dev.authgate.auth.CredentialMistakes;
import dev.authgate.auth.HiddenWhitespace;
import dev.authgate.auth.ReceivedText;
import dev.authgate.http.Reason;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

/**
 * {@code basic:}: {@code Authorization: Basic base64(user:password)} against bcrypt hashes ({@code $2a$}, {@code $2b$},
 * {@code $2y$}). Identity: the user name.
 *
 * <p>bcrypt runs on {@link AuthSupport#hashing()}, never on the calling event loop; when that executor refuses the
 * work, the stage completes exceptionally with its {@link RejectedExecutionException} (see
 * {@link dev.authgate.auth.HashingExecutors#isOverload}). An unknown user is verified against a dummy hash of the configured cost, so
 * it costs the same time as a wrong password and both get the same reason and detail.
 *
 * <p>Successful verifications are cached for {@value #CACHE_TTL_SECONDS}s after the write (at most
 * {@value #CACHE_SIZE} entries), keyed by an HMAC-SHA256 of the decoded {@code user:password} under a random key
 * made by this instance: the password itself is never held, and a config reload, which builds new authenticators,
 * starts with an empty cache. A cached hit completes inline without the executor.
 */
final class BasicAuthenticator implements Authenticator {
    static final String SCHEME = BasicConfig.NAME;
    static final long CACHE_TTL_SECONDS = 60;
    static final long CACHE_SIZE = 10_000;
    /** The same sentence for an unknown user and a wrong password: which one was wrong is never revealed. */
    static final String INVALID_DETAIL = "user name or password is wrong";

    private final String challenge;
    private final Map<String, BCrypt.HashData> users;
    private final BCrypt.HashData dummy;
    private final Executor hashing;
    /** {@link BcryptVerifier#verify}; a test passes a counting wrapper to prove unknown users pay for bcrypt too. */
    private final BiPredicate<byte[], BCrypt.HashData> bcrypt;
    /** One unkeyed Mac per thread (event loops and bcrypt workers); keyed per call with this instance's key. */
    private static final ThreadLocal<Mac> CACHE_MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    });

    private final SecretKeySpec cacheKey;
    private final Cache<String, String> verified;

    BasicAuthenticator(BasicConfig config, AuthSupport support) {
        this(config, support, BcryptVerifier::verify);
    }

    /** As the public path, with the bcrypt check given (tests only: count the verifications that really run). */
    BasicAuthenticator(BasicConfig config, AuthSupport support, BiPredicate<byte[], BCrypt.HashData> bcrypt) {
        this.bcrypt = bcrypt;
        Map<String, BCrypt.HashData> parsed = new HashMap<>();
        for (Map.Entry<String, String> user : new TreeMap<>(config.users()).entrySet()) {
            if (user.getKey().indexOf(':') >= 0) {
                throw new IllegalArgumentException("users." + user.getKey()
                        + ": a user name cannot contain ':' (Basic splits user:password at the first colon)");
            }
            try {
                parsed.put(user.getKey(), BcryptVerifier.parse(user.getValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("users." + user.getKey() + ": " + e.getMessage());
            }
        }
        this.users = Map.copyOf(parsed);
        this.dummy = BcryptVerifier.dummy(typicalCost(users.values()));
        this.hashing = support.hashing();
        this.challenge = "Basic realm=" + Challenges.quoted(Challenges.realm(config.realm())) + ", charset=\"UTF-8\"";
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(support.clock().millis());
        this.verified = Caffeine.newBuilder()
                .ticker(ticker)
                .executor(Runnable::run) // maintenance is tiny; keep it off the common pool
                .expireAfterWrite(Duration.ofSeconds(CACHE_TTL_SECONDS))
                .maximumSize(CACHE_SIZE)
                .build();
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String challenge() {
        return challenge;
    }

    /** The cost of the dummy hash unknown users are verified against (the most common configured cost). */
    int dummyCost() {
        return dummy.cost;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        Decoded parsed = decode(request.headers());
        if (parsed.rejection() != null) {
            return CompletableFuture.completedFuture(parsed.rejection());
        }
        byte[] decoded = parsed.userColonPassword();
        try {
            return verify(decoded);
        } finally {
            Arrays.fill(decoded, (byte) 0);
        }
    }

    private CompletionStage<AuthResult> verify(byte[] decoded) {
        int colon = indexOf(decoded, (byte) ':');
        if (colon < 0) {
            return rejected(Reason.CREDENTIALS_MALFORMED,
                    "the decoded Basic credentials have no colon (expected: base64(user:password))");
        }
        String user;
        try {
            user = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded, 0, colon)).toString();
        } catch (CharacterCodingException e) {
            return rejected(Reason.CREDENTIALS_MALFORMED, "the Basic user name is not UTF-8");
        }
        String key = cacheKey(decoded);
        if (verified.getIfPresent(key) != null) {
            return CompletableFuture.completedFuture(accepted(user, "password verified (cached)"));
        }
        BCrypt.HashData hash = users.get(user);
        boolean known = hash != null;
        BCrypt.HashData against = known ? hash : dummy;
        byte[] password = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    // Non-short-circuit: an unknown user pays for the full bcrypt run too.
                    @SuppressWarnings("ShortCircuitBoolean") // '&' on purpose: still so should the operands swap
                    boolean ok = bcrypt.test(password, against) & known;
                    if (!ok) {
                        return new AuthResult.Rejected(Reason.CREDENTIALS_INVALID, INVALID_DETAIL, true);
                    }
                    verified.put(key, user);
                    return accepted(user, "password verified");
                } finally {
                    Arrays.fill(password, (byte) 0);
                }
            }, hashing);
        } catch (RejectedExecutionException e) {
            Arrays.fill(password, (byte) 0);
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The decoded {@code user:password} bytes, or the rejection that explains why there are none. */
    @SuppressWarnings("ArrayRecordComponent") // a return pair, never compared or hashed; toString hides the bytes
    private record Decoded(byte[] userColonPassword, AuthResult.Rejected rejection) {
        @Override
        public String toString() {
            return rejection != null ? rejection.toString() : "Decoded[<credentials>]";
        }
    }

    private static Decoded decode(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.AUTHORIZATION);
        if (values.isEmpty()) {
            return reject(missing(
                    "Authorization header absent (expected: Authorization: Basic base64(user:password))"));
        }
        if (values.size() > 1) {
            return reject(present(Reason.CREDENTIALS_MALFORMED,
                    values.size() + " Authorization headers (expected: exactly one)"));
        }
        // Parsed as typed (UTF-8 put back together): base64 is ASCII, so only a value that fails anyway changes, and
        // a zero-width space sent as E2 80 8B is named as one.
        AuthorizationHeader h = AuthorizationHeader.parse(ReceivedText.utf8View(values.get(0)));
        if (h == null) {
            return reject(missing("Authorization header is empty (expected: Basic base64(user:password))"));
        }
        if (h.scheme() == null) {
            String value = h.credentials();
            if (value.isEmpty()) {
                return reject(present(Reason.CREDENTIALS_WHITESPACE, "Authorization holds only hidden whitespace: "
                        + h.spacingProblem().replace(" before the scheme", "")));
            }
            String encoded = CredentialMistakes.urlEncodedScheme(value, "Basic");
            if (encoded != null) {
                return reject(present(Reason.CREDENTIALS_MALFORMED, encoded));
            }
            if (AuthorizationHeader.isSchemeWordAlone(value, "Basic")) {
                return reject(present(Reason.CREDENTIALS_MALFORMED, "Authorization: Basic carries no credentials"));
            }
            String known = AuthorizationHeader.knownScheme(value);
            if (known != null) {
                return reject(present(Reason.SCHEME_MISMATCH,
                        "Authorization holds the " + known + " scheme with no credentials (expected: Basic)"));
            }
            return reject(present(Reason.CREDENTIALS_MALFORMED,
                    "Authorization holds a value without a scheme (expected: Basic base64(user:password))"));
        }
        if (!h.hasScheme("Basic")) {
            String known = AuthorizationHeader.knownScheme(h.scheme());
            return reject(present(Reason.SCHEME_MISMATCH, "Authorization uses "
                    + (known != null ? "the " + known + " scheme" : "a scheme other than Basic")
                    + " (expected: Basic)"));
        }
        if (h.credentialsBlank()) {
            return reject(present(Reason.CREDENTIALS_MALFORMED, "Authorization: Basic carries no credentials"));
        }
        if (h.spacingProblem() != null) {
            return reject(present(Reason.CREDENTIALS_WHITESPACE, "hidden whitespace in Authorization: "
                    + h.spacingProblem() + " (expected: Basic, one space, base64(user:password))"));
        }
        String twice = CredentialMistakes.schemeTwice(h.credentials(), "Basic");
        if (twice != null) {
            return reject(present(Reason.CREDENTIALS_MALFORMED, twice));
        }
        if (CredentialMistakes.quoted(h.credentials())) {
            return reject(present(Reason.CREDENTIALS_MALFORMED, CredentialMistakes.quotedDetail("the Basic credentials")));
        }
        String ws = HiddenWhitespace.findWhere(h.credentials(), "credentials");
        if (ws != null) {
            return reject(present(Reason.CREDENTIALS_WHITESPACE, "hidden whitespace in the Basic credentials: " + ws));
        }
        try {
            return new Decoded(Base64.getDecoder().decode(h.credentials()), null);
        } catch (IllegalArgumentException e) {
            return reject(present(Reason.CREDENTIALS_MALFORMED,
                    "the Basic credentials are not valid base64 (expected: base64(user:password))"));
        }
    }

    private static Decoded reject(AuthResult.Rejected rejection) {
        return new Decoded(null, rejection);
    }

    private String cacheKey(byte[] userColonPassword) {
        try {
            // user:password is unambiguous as a key: the user part cannot contain a colon.
            Mac mac = CACHE_MACS.get();
            mac.init(cacheKey); // re-keying is two block hashes; Mac.getInstance per request cost 3x a token check
            return Base64.getEncoder().encodeToString(mac.doFinal(userColonPassword));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    }

    private static AuthResult accepted(String user, String detail) {
        return AuthResult.Accepted.of(SCHEME, user, detail, AuthorizationHeader.NAME);
    }

    private static CompletionStage<AuthResult> rejected(Reason reason, String detail) {
        return CompletableFuture.completedFuture(new AuthResult.Rejected(reason, detail, true));
    }

    private static AuthResult.Rejected missing(String detail) {
        return new AuthResult.Rejected(Reason.CREDENTIALS_MISSING, detail, false);
    }

    private static AuthResult.Rejected present(Reason reason, String detail) {
        return new AuthResult.Rejected(reason, detail, true);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The most common cost among the configured hashes (the higher one on a tie). */
    private static int typicalCost(Collection<BCrypt.HashData> hashes) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (BCrypt.HashData h : hashes) {
            counts.merge(h.cost, 1, Integer::sum);
        }
        int best = 12;
        int bestCount = 0;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            if (e.getValue() >= bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "BasicAuthenticator[" + users.size() + " users]";
    }
}
