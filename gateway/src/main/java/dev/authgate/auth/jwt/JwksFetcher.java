package dev.authgate.auth.jwt;

import dev.authgate.auth.AuthServices;
import dev.authgate.observe.KeyMetrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process's JWKS fetcher, shared by every {@code jwt} route and kept across reloads (one per server, in
 * {@link AuthServices}): one {@link JwksKeys} per issuer and URL, fetched on two daemon threads
 * ({@code authgate-jwks-N}) with the JDK HTTP client, never on an event loop. A reload that keeps an issuer keeps its
 * keys, so {@code /readyz} does not drop.
 */
final class JwksFetcher implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final ScheduledExecutorService scheduler;
    private final java.util.concurrent.ExecutorService httpThreads;
    private final HttpClient http;
    private final KeyMetrics metrics;
    private final Map<String, JwksKeys> byIssuerAndUrl = new ConcurrentHashMap<>();

    JwksFetcher(KeyMetrics metrics) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "authgate-jwks-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, threads);
        pool.setRemoveOnCancelPolicy(true);
        this.scheduler = pool;
        this.httpThreads = Executors.newCachedThreadPool(threads);
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(httpThreads)
                .build();
        this.metrics = metrics;
    }

    /** The shared fetcher of {@code services}. */
    static JwksFetcher of(AuthServices services) {
        return services.shared(JwksFetcher.class, s -> new JwksFetcher(s.metrics().keys()));
    }

    /** The keys of {@code issuer} at {@code url}, fetching starts on first use. */
    JwksKeys keys(String issuer, URI url, Clock clock) {
        return byIssuerAndUrl.computeIfAbsent(issuer + " " + url, k -> {
            JwksKeys keys = new JwksKeys(issuer, url, http, scheduler, metrics, clock);
            keys.start();
            return keys;
        });
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        httpThreads.shutdownNow();
    }
}
