package dev.authgate.cli;

import dev.authgate.auth.AuthRequest;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.jwt.JwtInspection;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigLoader;
import dev.authgate.config.GatewayConfig;
import dev.authgate.route.Route;
import dev.authgate.server.GatewayRuntime;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code authgate jwt inspect [--config FILE --route NAME]}: reads a token from stdin and prints its header, claims
 * and time facts; with a route, also the verdict and reason the route would give (its static keys, and each
 * {@code jwks_url} fetched once now). Never prints the signature. Exit 0 when the token parses (and the route, if
 * given, accepts it), 1 when it does not, 2 on a usage error. {@code authgate jwt mint} ({@link JwtMintCommand}) signs a
 * token for development and tests.
 */
@Command(name = "jwt", description = "JWT tools.", subcommands = {JwtCommand.Inspect.class, JwtMintCommand.class})
public final class JwtCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** {@code authgate jwt inspect}. */
    @Command(name = "inspect", description = "Read a JWT on stdin; print its header, claims and time facts, never "
            + "its signature; with --config and --route, the verdict that route would give.")
    public static final class Inspect implements Callable<Integer> {
        static final Duration KEY_WAIT = Duration.ofSeconds(10);

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Option(names = "--config", paramLabel = "FILE", description = "config file, to judge with --route")
        Path config;

        @Option(names = "--route", paramLabel = "NAME", description = "the route whose verdict to print")
        String route;

        @Spec
        CommandSpec spec;

        /** The clock the token is judged against (tests fix it). */
        Clock clock = Clock.systemUTC();

        /** Where the token is read from (tests replace it). */
        InputStream in = System.in;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                return inspect(out, err);
            } finally {
                out.flush();
                err.flush();
            }
        }

        private int inspect(PrintWriter out, PrintWriter err) throws IOException {
            if ((config == null) != (route == null)) {
                err.println("jwt inspect: --config and --route go together");
                return 2;
            }
            String token = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8).strip();
            if (token.regionMatches(true, 0, "Bearer ", 0, 7)) token = token.substring(7).strip();
            if (token.isEmpty()) {
                err.println("jwt inspect: no token on stdin (echo \"$TOKEN\" | authgate jwt inspect)");
                return 2;
            }
            Instant now = clock.instant();
            try {
                for (String line : JwtInspection.describe(token, now)) out.println(line);
            } catch (JwtInspection.NotAJwt e) {
                out.println("not a JWT: " + e.getMessage());
                return 1;
            }
            return config == null ? 0 : judge(token, out, err);
        }

        private int judge(String token, PrintWriter out, PrintWriter err) {
            GatewayConfig loaded;
            try {
                loaded = ConfigLoader.load(config, System::getenv, w -> err.println("warning: " + w),
                        AuthSchemes.standard());
            } catch (ConfigException e) {
                err.println("jwt inspect: cannot load --config " + config + ": " + e.getMessage());
                return 2;
            }
            AuthSupport support = new AuthSupport(Runnable::run, clock);
            try {
                GatewayRuntime runtime = GatewayRuntime.create(loaded, support);
                Route r = runtime.router().routes().stream().filter(x -> x.name().equals(route)).findFirst()
                        .orElse(null);
                if (r == null) {
                    err.println("jwt inspect: no route named '" + route + "' (routes: " + runtime.router().routes()
                            .stream().map(Route::name).collect(Collectors.joining(", ")) + ")");
                    return 2;
                }
                KeyWait.until(r.authenticator()::ready, KEY_WAIT);
                HttpHeaders headers = new DefaultHttpHeaders();
                headers.set("Authorization", "Bearer " + token);
                AuthResult result = r.authenticator().authenticate(new AuthRequest("GET", "/", null, headers,
                        Unpooled.EMPTY_BUFFER, "127.0.0.1")).toCompletableFuture().get(30, TimeUnit.SECONDS);
                if (result instanceof AuthResult.Accepted a) {
                    out.println("verdict:   accepted by route " + route + " as " + a.identity());
                    out.println("detail:    " + a.detail());
                    return 0;
                }
                AuthResult.Rejected rej = (AuthResult.Rejected) result;
                out.println("verdict:   rejected by route " + route + ": " + rej.reason().status() + " "
                        + rej.reason().code());
                out.println("detail:    " + rej.detail());
                out.println("fix:       " + rej.reason().fix());
                return 1;
            } catch (IllegalArgumentException e) {
                err.println("jwt inspect: cannot load --config " + config + ": " + e.getMessage());
                return 2;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 2;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                err.println("jwt inspect: the route's authenticator failed (" + e.getClass().getSimpleName() + ")");
                return 2;
            } finally {
                support.services().close();
            }
        }
    }
}
