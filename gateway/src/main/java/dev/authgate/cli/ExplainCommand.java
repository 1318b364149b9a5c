package dev.authgate.cli;

import dev.authgate.auth.AnyConfig;
import dev.authgate.auth.AuthResult;
import dev.authgate.auth.AuthServices;
import dev.authgate.auth.AuthSupport;
import dev.authgate.auth.none.NoneConfig;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigLoader;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.RouteConfig;
import dev.authgate.config.RouteTable;
import dev.authgate.http.Problem;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.route.RequestTarget;
import dev.authgate.route.Route;
import dev.authgate.server.GatewayRuntime;
import dev.authgate.server.RequestGate;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code authgate explain --config FILE --request FILE [--now UNIX_SECONDS]}: judges a captured raw HTTP/1.1 request
 * offline as the gateway would — decoded with the server's decoder rules, then route, method, size and credentials
 * ({@link RequestGate}) — and prints the matched route, the verdict, the status, the reason code, the detail and how
 * to fix it, one {@code label: text} a line. bcrypt runs synchronously. Replay state, the auth-failure throttle and
 * the upstream are not known offline (a note says so). Timestamps are judged against the current clock, or against
 * {@code --now} to judge an old capture as of when it was sent.
 *
 * <p>Never prints a credential or secret value: header names, not values; the query with its values masked; the
 * body by length and SHA-256. Exit 0 when the request would pass, 1 when it would be refused, 2 on a usage error
 * (unreadable request file, a config that does not load, a capture cut short).
 */
@Command(name = "explain", description = "Judge a captured raw HTTP/1.1 request offline: route, verdict, reason, fix.")
public final class ExplainCommand implements Callable<Integer> {
    static final int PASS = 0;
    static final int REJECT = 1;
    static final int USAGE = 2;

    @Option(names = "--config", paramLabel = "FILE", description = "config file (default: ${DEFAULT-VALUE})",
            defaultValue = "config/gateway.yaml")
    Path config;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = "--request", required = true, paramLabel = "FILE", description = "the captured request: request"
            + " line, headers, an empty line, the body (CRLF or LF line ends)")
    Path request;

    @Option(names = "--now", paramLabel = "UNIX_SECONDS", description = "judge signed timestamps as of this time"
            + " (unix seconds) instead of the current clock, to check an old capture as of when it was sent")
    Long now;

    @Spec
    CommandSpec spec;

    /** The current clock when {@code --now} is not given (tests fix it). */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int run(PrintWriter out, PrintWriter err) {
        byte[] capture;
        try {
            capture = Files.readAllBytes(request);
        } catch (IOException e) {
            err.println("explain: cannot read --request " + request + " (" + why(e) + ")");
            return USAGE;
        }
        GatewayConfig loaded;
        try {
            loaded = ConfigLoader.load(config, System::getenv, w -> err.println("warning: " + w),
                    AuthSchemes.standard());
        } catch (ConfigException e) {
            err.println("explain: cannot load --config " + config + ": " + e.getMessage());
            return USAGE;
        }
        Clock judged = now == null ? clock : Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC);
        GatewayRuntime runtime;
        // bcrypt runs on this thread: a CLI has nothing else to do meanwhile
        AuthSupport support = new AuthSupport(Runnable::run, judged);
        try {
            runtime = GatewayRuntime.create(loaded, support);
        } catch (IllegalArgumentException e) {
            support.services().close();
            err.println("explain: cannot load --config " + config + ": " + e.getMessage());
            return USAGE;
        }
        // jwt routes: judge with each jwks_url fetched once now (the last JWKS explain can fetch).
        KeyWait.until(runtime::ready, JwtCommand.Inspect.KEY_WAIT);
        try (AuthServices ignored = support.services();
             CapturedRequest captured = CapturedRequest.read(capture, runtime.limits())) {
            RequestGate.Verdict verdict = judge(runtime, captured);
            print(out, runtime, captured, verdict, judged);
            return verdict.passed() ? PASS : REJECT;
        } catch (CapturedRequest.Unusable e) {
            err.println("explain: " + request + ": " + e.getMessage());
            return USAGE;
        }
    }

    /** The server's decisions in its order: decoding, head (404, 405, 413, 431, 400), body, credentials. */
    private static RequestGate.Verdict judge(GatewayRuntime runtime, CapturedRequest c)
            throws CapturedRequest.Unusable {
        if (c.headFailure() != null) return new RequestGate.Verdict(null, c.headFailure(), null);
        HttpRequest head = c.head();
        if (head == null) throw new CapturedRequest.Unusable("no complete request head in the capture");
        RequestGate gate = runtime.gate();
        String method = head.method().name();
        RequestGate.HeadDecision decision = gate.decideHead(head.protocolVersion(), method, head.uri(),
                head.headers());
        if (decision instanceof RequestGate.Refused r) return new RequestGate.Verdict(r.route(), r.problem(), null);
        Route route = ((RequestGate.Admitted) decision).route();
        if (c.bodyFailure() != null) {
            Problem p = c.bodyFailure();
            return new RequestGate.Verdict(route, new Problem(p.status(), p.reason(), p.detail(), route.name(),
                    p.allow(), p.challenges()), null);
        }
        int bytes = c.body().readableBytes();
        if (!c.complete()) {
            if (bytes > runtime.limits().maxBody()) {
                return new RequestGate.Verdict(route, gate.bodyTooLarge(route, bytes), null);
            }
            String declared = head.headers().get("Content-Length");
            throw new CapturedRequest.Unusable("the capture is cut short: " + (declared != null
                    ? "Content-Length says " + declared + " bytes, the file has " + bytes + " after the head"
                    : "the chunked body has no last (0) chunk after " + bytes + " bytes")
                    + " (the gateway would wait for the rest, then answer 408 request_timeout)");
        }
        // The client address is unknown offline; no authenticator depends on it.
        return gate.judge(method, head.uri(), head.headers(), c.body(), "127.0.0.1").toCompletableFuture().join();
    }

    private void print(PrintWriter out, GatewayRuntime runtime, CapturedRequest c, RequestGate.Verdict v,
                       Clock judged) {
        Route route = v.route();
        RouteConfig rc = route == null ? null : route.config();
        line(out, "request", describeRequest(c));
        line(out, "route", rc == null ? "none" : rc.name() + " (" + RouteTable.match(rc.match()) + ", methods "
                + RouteTable.methods(rc.match()) + ", auth " + RouteTable.scheme(rc.auth()) + ", "
                + (rc.upstream() != null ? "upstream " + rc.upstream() : "respond " + rc.respond()) + ")");
        line(out, "verdict", v.passed() ? "pass" : "reject");
        if (v.passed()) {
            printPass(out, route, v.accepted());
        } else {
            printRejection(out, runtime, c, v.problem(), rc, judged);
        }
        for (String note : notes(runtime, c, rc, v.passed(), judged)) {
            line(out, "note", note);
        }
    }

    private static void printPass(PrintWriter out, Route route, AuthResult.Accepted a) {
        line(out, "status", route.respond() != 0
                ? route.respond() + " " + phrase(route.respond()) + " from the gateway (respond: " + route.respond()
                + ")"
                : "forwarded to upstream " + route.upstream().name() + " (" + route.upstream().url()
                + "); its answer goes back to the client");
        line(out, "identity", a.scheme() + (a.identity() == null ? "" : " " + a.identity())
                + (a.detail() == null ? "" : " (" + a.detail() + ")"));
    }

    private void printRejection(PrintWriter out, GatewayRuntime runtime, CapturedRequest c, Problem p,
                                RouteConfig rc, Clock judged) {
        line(out, "status", p.status() + " " + phrase(p.status())
                + (p.allow().isEmpty() ? "" : " (Allow: " + String.join(", ", p.allow()) + ")"));
        line(out, "reason", p.reason() == null ? "- (a failure of the gateway itself, not of the request)"
                : p.reason().code() + " (" + p.reason().meaning() + ")");
        line(out, "detail", p.detail());
        if (p.reason() == null) return;
        HttpHeaders headers = c.head() == null ? null : c.head().headers();
        List<String> hints = ExplainHints.of(new ExplainHints.Input(p.reason(), rc, runtime.config().routes(),
                headers, c.head() == null ? null : c.body(), c.headerSizes(), judged, now != null,
                config.toString()));
        for (int i = 0; i < hints.size(); i++) {
            line(out, i == 0 ? "hint" : "", hints.get(i));
        }
    }

    /** What the reader changed, and what cannot be known offline. */
    private static List<String> notes(GatewayRuntime runtime, CapturedRequest c, RouteConfig rc, boolean passed,
                                      Clock judged) {
        List<String> notes = new ArrayList<>(c.notes());
        if (rc == null) return notes;
        for (AuthConfig a : AnyConfig.members(rc.auth())) {
            notes.addAll(AuthSchemes.standard().of(a).notes(a, passed, judged.instant()));
        }
        if (runtime.limits().authFailures() != null && !(rc.auth() instanceof NoneConfig)) {
            notes.add("limits.auth_failures not checked offline: a client over it gets 429 too_many_failures");
        }
        return notes;
    }

    private static String phrase(int status) {
        return HttpResponseStatus.valueOf(status).reasonPhrase();
    }

    private static void line(PrintWriter out, String label, String text) {
        out.println(String.format("%-10s%s", label.isEmpty() ? "" : label + ":", text));
    }

    private static String describeRequest(CapturedRequest c) {
        String[] parts = c.requestLine().split(" ", 3);
        String target = parts.length > 1 ? parts[1] : "";
        RequestTarget t = RequestTarget.parse(target);
        StringBuilder sb = new StringBuilder(parts[0]).append(' ')
                .append(AccessLogEntry.loggedPath(t.rawPath(), t.rawQuery()));
        if (parts.length > 2) sb.append(' ').append(parts[2]);
        List<String> names = c.headerSizes().stream().map(Map.Entry::getKey).collect(Collectors.toList());
        sb.append("; headers: ").append(names.isEmpty() ? "none" : String.join(", ", names));
        if (c.head() != null) sb.append("; body: ").append(c.body().readableBytes()).append(" bytes");
        return sb.toString();
    }

    private static String why(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
