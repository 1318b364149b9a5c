package dev.authgate.cli;

import dev.authgate.auth.hmac.HmacSchemeSummary;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.AuthConfig.Credential;
import dev.authgate.config.RouteConfig;
import dev.authgate.config.RouteTable;
import dev.authgate.config.Secret;
import dev.authgate.http.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
            case CREDENTIALS_MISSING:
            case BEARER_PREFIX_MISSING:
            case SCHEME_MISMATCH:
            case CREDENTIALS_MALFORMED:
            case CREDENTIALS_WHITESPACE:
            case CREDENTIALS_IN_WRONG_HEADER:
            case SIGNATURE_MISSING:
            case SIGNATURE_MALFORMED:
            case TIMESTAMP_MISSING:
            case TIMESTAMP_MALFORMED:
                for (AuthConfig a : members(auth)) {
                    out.add("the route expects " + expects(a));
                }
                if (in.reason() == Reason.SIGNATURE_MISSING) otherProviders(in, out);
                break;
            case CREDENTIALS_INVALID:
                for (AuthConfig a : members(auth)) {
                    invalid(a, in.headers(), out);
                }
                break;
            case SIGNATURE_MISMATCH:
                for (AuthConfig a : members(auth)) {
                    if (a instanceof AuthConfig.Hmac h) mismatch(h, in, out);
                }
                break;
            case TIMESTAMP_OUT_OF_WINDOW:
                for (AuthConfig a : members(auth)) {
                    if (a instanceof AuthConfig.Hmac h) window(h, in, out);
                }
                break;
            default:
                break;
        }
        return out;
    }

    /** The schemes of a route: the one, or the members of {@code any:}. */
    static List<AuthConfig> members(AuthConfig auth) {
        if (auth == null) return List.of();
        return auth instanceof AuthConfig.Any any ? any.schemes() : List.of(auth);
    }

    /** What a sender must send for {@code auth}, with configured ids but no values. */
    static String expects(AuthConfig auth) {
        if (auth instanceof AuthConfig.Bearer b) {
            return "Authorization: Bearer <token> (tokens: " + identities(b.tokens()) + ")";
        }
        if (auth instanceof AuthConfig.ApiKey k) {
            return k.header() + ": <key> (keys: " + identities(k.keys()) + ")";
        }
        if (auth instanceof AuthConfig.Basic b) {
            return "Authorization: Basic base64(user:password) (users: " + String.join(", ", b.users().keySet().stream()
                    .sorted().toList()) + ")";
        }
        if (auth instanceof AuthConfig.Hmac h) {
            HmacSchemeSummary s = HmacSchemeSummary.of(h);
            StringBuilder sb = new StringBuilder(s.signatureHeader()).append(": ").append(s.signatureShape())
                    .append(" (").append(s.name().equals("hmac") ? "generic hmac" : "preset " + s.name())
                    .append(", ").append(s.algorithm()).append(" over ").append(s.payload()).append(")");
            if (!s.timestampHeaders().isEmpty()) {
                sb.append(", ").append(s.timestampHeaders().get(0)).append(": <unix seconds>");
            }
            if (s.payload().contains("{id}")) sb.append(", ").append(s.idHeaders().get(0)).append(": <delivery id>");
            return sb.toString();
        }
        return auth.scheme();
    }

    private static String identities(List<Credential> credentials) {
        return credentials.stream().map(Credential::identity).collect(Collectors.joining(", "));
    }

    /** A request signed for another provider: its signature header is another preset's. */
    private static void otherProviders(Input in, List<String> out) {
        if (in.headers() == null) return;
        for (String header : HmacSchemeSummary.presetSignatureHeaders()) {
            if (in.headers().contains(header)) {
                out.add("the request carries " + header + ", the signature header of preset "
                        + String.join(" / ", HmacSchemeSummary.presetsSigningIn(header))
                        + ": is the route's preset (or the sender's URL) the right one?");
            }
        }
    }

    /** Which credential was sent, by fingerprint (as the access log names credentials without an id). */
    private static void invalid(AuthConfig a, HttpHeaders h, List<String> out) {
        if (h == null) return;
        if (a instanceof AuthConfig.Bearer b) {
            String v = h.get("Authorization");
            if (v != null && v.trim().regionMatches(true, 0, "Bearer ", 0, 7)) {
                out.add("the token sent has fingerprint " + Secret.fingerprint(v.trim().substring(7).trim())
                        + "; configured tokens: " + fingerprints(b.tokens()));
            }
        } else if (a instanceof AuthConfig.ApiKey k) {
            String v = h.get(k.header());
            if (v != null) {
                out.add("the key sent in " + k.header() + " has fingerprint " + Secret.fingerprint(v.trim())
                        + "; configured keys: " + fingerprints(k.keys()));
            }
        } else if (a instanceof AuthConfig.Basic b) {
            String user = basicUser(h.get("Authorization"));
            if (user != null) {
                out.add(b.users().containsKey(user)
                        ? "the user name sent is configured: the password does not match its bcrypt hash"
                        : "the user name sent is not configured (users: " + String.join(", ",
                        b.users().keySet().stream().sorted().toList()) + ")");
            }
        }
    }

    private static String fingerprints(List<Credential> credentials) {
        return credentials.stream().map(c -> c.id() == null ? c.value().fingerprint()
                : c.id() + " (" + c.value().fingerprint() + ")").collect(Collectors.joining(", "));
    }

    private static String basicUser(String authorization) {
        if (authorization == null) return null;
        String v = authorization.trim();
        if (!v.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        try {
            String decoded = new String(Base64.getDecoder().decode(v.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** What was signed and with which secrets (by origin), and the body's fingerprint to compare with the sender's. */
    private static void mismatch(AuthConfig.Hmac h, Input in, List<String> out) {
        HmacSchemeSummary s = HmacSchemeSummary.of(h);
        out.add("the route signs " + s.payload() + " with " + s.algorithm() + " and sends " + s.signatureHeader()
                + ": " + s.signatureShape() + (h.publicUrl() == null ? "" : "; public_url: " + h.publicUrl()
                + " (the request's query string is appended as received)"));
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < s.secretOrigins().size(); i++) {
            secrets.add("#" + (i + 1) + " " + s.secretOrigins().get(i));
        }
        out.add("secrets tried: " + String.join(", ", secrets) + " (the sender must hold one of them; during a"
                + " rotation list the new and the old one)");
        if (in.headers() != null && s.timestamped()) {
            out.add("signed timestamp: " + s.timestampIn(in.headers()) + " (from " + s.timestampWhere() + ")");
        }
        if (in.body() != null) {
            out.add("body: " + describe(in.body()) + "; compare with the bytes the sender signed (a proxy or client"
                    + " that re-serializes JSON, re-encodes or changes line ends breaks the signature)");
        }
        out.add("a known-good signature for a body file: authgate sign --config " + in.configFile() + " --route "
                + in.route().name() + " --body FILE");
    }

    /** The skew against the clock used, and how to judge an old capture as of its own time. */
    private static void window(AuthConfig.Hmac h, Input in, List<String> out) {
        HmacSchemeSummary s = HmacSchemeSummary.of(h);
        Instant now = in.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        out.add("judged at " + now.getEpochSecond() + " (" + now + (in.nowGiven() ? ", from --now)" : ", the current"
                + " time)") + " with tolerance " + s.tolerance().toSeconds() + " s both ways");
        String ts = in.headers() == null ? null : s.timestampIn(in.headers());
        if (ts != null && ts.matches("[0-9]{1,18}")) {
            long seconds = Long.parseLong(ts);
            if (seconds < 100_000_000_000L) {
                out.add("the request's timestamp is " + ts + " (" + Instant.ofEpochSecond(seconds) + ")");
            }
            if (!in.nowGiven() || seconds != now.getEpochSecond()) {
                out.add("to check the rest of an old capture as of when it was sent, add --now " + ts);
            }
        }
    }

    /** Length, SHA-256 and line-end shape of the body (never its content). */
    static String describe(ByteBuf body) {
        int n = body.readableBytes();
        String end;
        if (n == 0) {
            end = "empty";
        } else if (body.getByte(body.writerIndex() - 1) == '\n') {
            end = n > 1 && body.getByte(body.writerIndex() - 2) == '\r' ? "ends with CRLF" : "ends with a newline";
        } else {
            end = "no trailing newline";
        }
        return n + " bytes, sha256 " + sha256(body) + ", " + end;
    }

    private static String sha256(ByteBuf body) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(ByteBufUtil.getBytes(body, body.readerIndex(), body.readableBytes(), false));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
