package dev.authgate.cli;

import dev.authgate.auth.AnyConfig;
import dev.authgate.auth.AuthScheme;
import dev.authgate.auth.SignedRequest;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigLoader;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.RouteConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code authgate sign --config FILE --route NAME [--body FILE] [--url URL]}: prints the headers a sender would send
 * for the body (empty without {@code --body}), one {@code Name: value} a line, signed with the route's first secret
 * at the current time; with {@code --url}, also a ready curl line. The request is a {@code POST}; the signed path and
 * query are those of {@code --url}, else the route's path. Exit 0; 1 when the config does not load; 2 for a usage
 * error (no such route, not an hmac route, unreadable body, bad URL).
 */
@Command(name = "sign", description = "Print the headers a sender would send for a body on an hmac route.")
public final class SignCommand implements Callable<Integer> {
    @Option(names = "--config", description = "config file (default: ${DEFAULT-VALUE})", defaultValue = "config/gateway.yaml")
    Path config;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = "--route", required = true, description = "the route's name")
    String route;

    @Option(names = "--body", description = "file with the body to sign, sent as is (default: empty body)")
    Path body;

    @Option(names = "--url", description = "where to send it: adds a curl line (and signs its path and query)")
    String url;

    @Spec
    CommandSpec spec;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GatewayConfig loaded;
        try {
            loaded = ConfigLoader.load(config, AuthSchemes.standard());
        } catch (ConfigException e) {
            err.println("sign: " + e.getMessage());
            err.flush();
            return 1;
        }
        int code = sign(loaded.routes(), out, err);
        out.flush();
        err.flush();
        return code;
    }

    /** Signs for the --route route among {@code routes}; package-private so tests can pass routes built in code. */
    int sign(List<RouteConfig> routes, PrintWriter out, PrintWriter err) {
        RouteConfig r = routes.stream().filter(x -> x.name().equals(route)).findFirst().orElse(null);
        if (r == null) {
            err.println("sign: no route named '" + route + "' (routes: "
                    + routes.stream().map(RouteConfig::name).collect(Collectors.joining(", ")) + ")");
            return 2;
        }
        AuthConfig signing = signingMember(r.auth());
        if (signing == null) {
            err.println("sign: route '" + route + "' uses auth " + r.auth().scheme() + ", not " + signingSchemes());
            return 2;
        }
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : Files.readAllBytes(body);
        } catch (IOException e) {
            err.println("sign: cannot read --body " + body + ": " + e.getMessage());
            return 2;
        }
        URI uri = null;
        if (url != null) {
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                uri = null;
            }
            if (uri == null || uri.getScheme() == null || uri.getRawAuthority() == null) {
                err.println("sign: --url '" + url + "' (expected: an absolute URL such as https://localhost:8443/path)");
                return 2;
            }
        }
        String path = uri != null && !uri.getRawPath().isEmpty() ? uri.getRawPath()
                : r.match().path() != null ? r.match().path() : r.match().pathPrefix();
        String query = uri == null ? null : uri.getRawQuery();
        SignedRequest signed;
        try {
            signed = AuthSchemes.standard().of(signing).sign(signing, bytes, "POST", path, query, clock);
        } catch (IllegalArgumentException e) {
            err.println("sign: route '" + route + "': auth." + signing.scheme() + "." + e.getMessage());
            return 1;
        }
        for (Map.Entry<String, String> h : signed.headers()) {
            out.println(h.getKey() + ": " + h.getValue());
        }
        if (uri != null) {
            String target = uri.getScheme() + "://" + uri.getRawAuthority() + path
                    + (signed.query() == null ? "" : "?" + signed.query());
            StringBuilder curl = new StringBuilder("curl --cacert certs/ca.crt -X POST ").append(quote(target));
            for (Map.Entry<String, String> h : signed.headers()) {
                curl.append(" -H ").append(quote(h.getKey() + ": " + h.getValue()));
            }
            if (body != null) {
                curl.append(" --data-binary ").append(quote("@" + body));
            }
            out.println(curl);
        } else if (signed.query() != null) {
            err.println("note: the signature covers the query string; send the request to the route's URL with ?"
                    + signed.query());
        }
        return 0;
    }

    /** The route's block of a scheme that can sign: the scheme itself, or the first such member of {@code any:}. */
    private static AuthConfig signingMember(AuthConfig auth) {
        for (AuthConfig a : AnyConfig.members(auth)) {
            if (AuthSchemes.standard().of(a).signs()) return a;
        }
        return null;
    }

    /** {@code hmac}: the registered schemes that can sign. */
    private static String signingSchemes() {
        return AuthSchemes.standard().all().stream().filter(AuthScheme::signs).map(AuthScheme::name)
                .collect(Collectors.joining(" or "));
    }

    /** Single-quotes for a POSIX shell. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
