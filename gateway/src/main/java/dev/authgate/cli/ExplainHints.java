package dev.authgate.cli;

import dev.authgate.auth.AnyConfig;
import dev.authgate.auth.AuthScheme;
import dev.authgate.auth.HintInput;
import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.RouteConfig;
import dev.authgate.config.RouteTable;
import dev.authgate.http.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The scheme-specific advice {@code authgate explain} adds to a reason's {@link Reason#fix()}: what the route
 * expects, where the request differs, which bytes were signed. Never prints a credential or secret value: only
 * header names, configured ids, fingerprints (as the access log names credentials), secret origins
 * ({@code env:NAME}) and the body's length and SHA-256.
 */
final class ExplainHints {
    /** What the hints look at; {@code headers} and {@code body} are null when the decoder refused the head. */
    record Input(Reason reason, RouteConfig route, List<RouteConfig> routes, HttpHeaders headers, ByteBuf body,
                 List<Map.Entry<String, Integer>> headerSizes, Clock clock, boolean nowGiven, String configFile) {
    }

    /** Reasons about the shape of the credential: each member says what it expects. */
    private static final Set<Reason> SHAPE = EnumSet.of(Reason.CREDENTIALS_MISSING, Reason.BEARER_PREFIX_MISSING,
            Reason.SCHEME_MISMATCH, Reason.CREDENTIALS_MALFORMED, Reason.CREDENTIALS_WHITESPACE,
            Reason.CREDENTIALS_IN_WRONG_HEADER, Reason.SIGNATURE_MISSING, Reason.SIGNATURE_MALFORMED,
            Reason.TIMESTAMP_MISSING, Reason.TIMESTAMP_MALFORMED);

    private ExplainHints() {
    }

    /** The fix sentence, then the specific lines (possibly none). */
    static List<String> of(Input in) {
        List<String> out = new ArrayList<>();
        out.add(in.reason().fix());
        AuthConfig auth = in.route() == null ? null : in.route().auth();
        switch (in.reason()) {
            case ROUTE_NOT_FOUND:
                out.add("the routes (authgate check prints this table):");
                RouteTable.format(in.routes()).lines().forEach(l -> out.add("  " + l));
                break;
            case HEADERS_TOO_LARGE:
                List<Map.Entry<String, Integer>> sizes = new ArrayList<>(in.headerSizes());
                sizes.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()));
                out.add("largest headers: " + sizes.stream().limit(3)
                        .map(e -> e.getKey() + " (" + e.getValue() + " bytes)").collect(Collectors.joining(", ")));
                break;
            default:
                if (auth != null) auth(in, auth, out);
                break;
        }
        return out;
    }

    /**
     * The route's schemes speak: for a reason about the credential's shape, what each member expects; then each
     * member's own lines; then each scheme's lines about the request alone, once.
     */
    private static void auth(Input in, AuthConfig auth, List<String> out) {
        AuthSchemes schemes = AuthSchemes.standard();
        HintInput hint = new HintInput(in.reason(), in.headers(), in.body(), in.clock(), in.nowGiven(),
                in.configFile(), in.route().name());
        List<AuthConfig> members = AnyConfig.members(auth);
        if (SHAPE.contains(in.reason())) {
            for (AuthConfig a : members) {
                out.add("the route expects " + schemes.of(a).expects(a));
            }
        }
        Set<AuthScheme<?>> seen = new LinkedHashSet<>();
        for (AuthConfig a : members) {
            out.addAll(schemes.of(a).hints(a, hint));
            seen.add(schemes.of(a));
        }
        for (AuthScheme<?> s : seen) {
            out.addAll(s.requestHints(hint));
        }
    }
}
