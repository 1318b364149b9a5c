package dev.authgate.cli;

import dev.authgate.config.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code authgate health [--url URL] [--timeout 2s]}: asks an admin endpoint (default
 * {@code http://127.0.0.1:9901/healthz}) and exits 0 on a 200, 1 on anything else (another status, refused, timed out),
 * 2 on a usage error. For the Dockerfile's {@code HEALTHCHECK}: the JRE image needs no curl. Prints nothing on success
 * and one line on standard error otherwise. Uses the JDK's HTTP client, no redirects.
 */
@Command(mixinStandardHelpOptions = true, name = "health", description = "Check an admin endpoint (for HEALTHCHECK): exit 0 on 200, else 1.")
public final class HealthCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:9901/healthz",
            description = "what to ask (default: ${DEFAULT-VALUE}); /readyz for readiness")
    String url;

    @Option(names = "--timeout", defaultValue = "2s", description = "connect and answer timeout (default: ${DEFAULT-VALUE})")
    String timeout;

    @Override
    public Integer call() throws InterruptedException {
        Duration limit;
        URI uri;
        try {
            limit = Durations.parse(timeout);
            uri = URI.create(url);
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("expected http://HOST:PORT/PATH, got '" + url + "'");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("health: " + e.getMessage());
            return 2;
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(limit)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        try {
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri).timeout(limit).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 200) return 0;
            System.err.println("health: " + uri + " answered " + r.statusCode());
            return 1;
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            System.err.println("health: " + uri + ": " + why);
            return 1;
        }
    }
}
