package dev.authgate.auth.jwt;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.authgate.observe.KeyMetrics;
import dev.authgate.observe.MetricsNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One issuer's {@code jwks_url}: fetched at start and retried with backoff (1 s doubling to 5 min) until it loads,
 * refreshed per {@code Cache-Control: max-age} clamped to 5 min - 24 h (10 min without one), refetched for an unknown
 * {@code kid} at most once per {@value #REFETCH_SECONDS} s, and its last good keys kept up to 24 h while the URL fails.
 */
final class JwksKeys implements KeySource {
    private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);
    static final long REFETCH_SECONDS = 30;
    static final Duration MIN_REFRESH = Duration.ofMinutes(5);
    static final Duration MAX_REFRESH = Duration.ofHours(24);
    static final Duration DEFAULT_REFRESH = Duration.ofMinutes(10);
    static final Duration KEEP_GOOD = Duration.ofHours(24);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final int MAX_BYTES = 1024 * 1024;
    private static final Pattern MAX_AGE = Pattern.compile("(?i)(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d{1,10})");

    private final String issuer;
    private final URI url;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final KeyMetrics metrics;
    private final Clock clock;

    // Guarded by this.
    private KeySet good;
    private Instant lastRefetch;
    private CompletableFuture<KeySet> inFlight;
    private int failures;
    private String lastError;
    private Instant nextAttempt;

    JwksKeys(String issuer, URI url, HttpClient http, ScheduledExecutorService scheduler, KeyMetrics metrics,
             Clock clock) {
        this.issuer = issuer;
        this.url = url;
        this.http = http;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.clock = clock;
    }

    void start() {
        metrics.jwksRegistered(issuer);
        metrics.jwksState(issuer, new KeyMetrics.JwksState(0, null));
        schedule(Duration.ZERO);
    }

    @Override
    public synchronized KeySet keys(Instant now) {
        if (good == null || Duration.between(good.loadedAt(), now).compareTo(KEEP_GOOD) > 0) return null;
        return good;
    }

    @Override
    public synchronized CompletionStage<KeySet> refetchForUnknownKid(Instant now) {
        if (inFlight != null) return inFlight;
        if (lastRefetch != null && Duration.between(lastRefetch, now).getSeconds() < REFETCH_SECONDS) {
            return CompletableFuture.completedFuture(keys(now));
        }
        lastRefetch = now;
        CompletableFuture<KeySet> f = new CompletableFuture<>();
        inFlight = f;
        try {
            scheduler.execute(() -> fetch(false));
        } catch (RejectedExecutionException e) {
            inFlight = null;
            f.complete(keys(now));
        }
        return f;
    }

    @Override
    public synchronized Instant lastRefetch() {
        return lastRefetch;
    }

    @Override
    public synchronized boolean loadedOnce() {
        return good != null;
    }

    @Override
    public synchronized long retryAfterSeconds(Instant now) {
        if (nextAttempt == null) return 1;
        return Math.max(1, Duration.between(now, nextAttempt).getSeconds() + 1);
    }

    @Override
    public synchronized String unavailableDetail(Instant now) {
        if (good == null) {
            return "keys for " + JwtText.safe(issuer, 200) + " not loaded yet from " + url + " (" + failures
                    + " failed fetch" + (failures == 1 ? "" : "es") + (lastError == null ? "" : "; last: " + lastError)
                    + ")";
        }
        return "the last good keys for " + JwtText.safe(issuer, 200) + " are "
                + JwtText.span(Duration.between(good.loadedAt(), now)) + " old (kept up to 24h); " + url
                + " fails" + (lastError == null ? "" : ": " + lastError);
    }

    private void schedule(Duration delay) {
        synchronized (this) {
            nextAttempt = clock.instant().plus(delay);
        }
        try {
            scheduler.schedule(() -> fetch(true), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the server is stopping
        }
    }

    /** One fetch; the regular chain ({@code scheduled}) schedules the next: refresh on success, backoff on failure. */
    private void fetch(boolean scheduled) {
        KeySet loaded = null;
        String error;
        Duration refresh = DEFAULT_REFRESH;
        try {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(JwksFetcher.REQUEST_TIMEOUT)
                    .header("Accept", "application/json, application/jwk-set+json").GET().build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                byte[] body = in.readNBytes(MAX_BYTES + 1);
                if (response.statusCode() != 200) {
                    error = "HTTP " + response.statusCode();
                } else if (body.length > MAX_BYTES) {
                    error = "the JWKS is larger than 1 MiB";
                } else {
                    List<JwtKey> keys = parse(new String(body, StandardCharsets.UTF_8));
                    if (keys.isEmpty()) {
                        error = "the JWKS has no RSA or EC signing key";
                    } else {
                        loaded = new KeySet(keys, clock.instant());
                        error = null;
                        refresh = refreshAfter(response.headers().firstValue("Cache-Control").orElse(null));
                    }
                }
            }
        } catch (HttpTimeoutException e) {
            error = "timed out";
        } catch (IOException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + JwtText.safe(e.getMessage(),
                    100));
        } catch (java.text.ParseException e) {
            error = "not a JWKS (" + JwtText.safe(e.getMessage(), 80) + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            error = e.getClass().getSimpleName();
        }
        CompletableFuture<KeySet> waiting;
        Duration next;
        synchronized (this) {
            if (loaded != null) {
                good = loaded;
                failures = 0;
                lastError = null;
                next = refresh;
            } else {
                failures++;
                lastError = error;
                long backoff = Math.min(MAX_BACKOFF.getSeconds(), 1L << Math.min(failures - 1, 20));
                next = Duration.ofSeconds(backoff);
            }
            waiting = inFlight;
            inFlight = null;
        }
        metrics.jwksFetched(issuer, loaded != null ? MetricsNames.JWKS_SUCCESS : MetricsNames.JWKS_FAILURE);
        if (loaded != null) {
            metrics.jwksState(issuer, new KeyMetrics.JwksState(loaded.keys().size(), loaded.loadedAt()));
            LOG.info("jwks for {} loaded from {}: {} keys ({}), next refresh in {}", issuer, url,
                    loaded.keys().size(), loaded.kids(), JwtText.span(refresh));
        } else {
            LOG.warn("jwks for {} from {} failed: {}; retry in {}", issuer, url, error, JwtText.span(next));
        }
        if (waiting != null) waiting.complete(keys(clock.instant()));
        // Only the regular chain reschedules; a refetch for an unknown kid runs beside it.
        if (scheduled) schedule(next);
    }

    static List<JwtKey> parse(String json) throws java.text.ParseException {
        JWKSet set = JWKSet.parse(json);
        List<JwtKey> out = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            try {
                JwtKey k = JwtKey.of(jwk);
                if (k != null) out.add(k);
            } catch (com.nimbusds.jose.JOSEException | IllegalArgumentException e) {
                // an unusable entry does not spoil the others
            }
        }
        return out;
    }

    /** {@code Cache-Control: max-age} clamped to 5 min - 24 h; 10 min without one. */
    static Duration refreshAfter(String cacheControl) {
        if (cacheControl == null) return DEFAULT_REFRESH;
        Matcher m = MAX_AGE.matcher(cacheControl);
        if (!m.find()) return DEFAULT_REFRESH;
        Duration d = Duration.ofSeconds(Long.parseLong(m.group(1)));
        if (d.compareTo(MIN_REFRESH) < 0) return MIN_REFRESH;
        return d.compareTo(MAX_REFRESH) > 0 ? MAX_REFRESH : d;
    }
}
