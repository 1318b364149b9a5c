package dev.authgate.observe;

import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The credentials a gateway capture redacted ({@code <redacted sha256:XXXXXXXX len=N>}, docs/operations.md,
 * "Captures"), replaced for {@code explain} and the explorer's {@code verify} by stand-ins of the same shape: one word ({@code redacted-XXXXXXXX}), or
 * for Basic the Base64 of {@code redacted:XXXXXXXX}. So a redacted credential is judged as a present credential that
 * matches none (the reason a wrong one got), not as one with hidden whitespace; it can never pass.
 */
public final class RedactedCredentials {
    private static final Pattern MARK = Pattern.compile("<redacted sha256:([0-9a-f]{8}) len=[0-9]+>");

    private RedactedCredentials() {
    }

    /** Replaces every redaction mark in {@code headers}; adds a note when there was one. */
    public static void standIn(HttpHeaders headers, List<String> notes) {
        List<Map.Entry<String, String>> all = new ArrayList<>();
        boolean any = false;
        for (Map.Entry<String, String> h : headers) {
            String v = h.getValue();
            Matcher m = MARK.matcher(v);
            if (m.find()) {
                any = true;
                String prefix = v.substring(0, m.start());
                String standIn = prefix.strip().equalsIgnoreCase("basic")
                        ? Base64.getEncoder().encodeToString(("redacted:" + m.group(1)).getBytes(StandardCharsets.UTF_8))
                        : "redacted-" + m.group(1);
                v = prefix + standIn + v.substring(m.end());
            }
            all.add(Map.entry(h.getKey(), v));
        }
        if (!any) return;
        headers.clear();
        all.forEach(e -> headers.add(e.getKey(), e.getValue()));
        notes.add("credential values were redacted when the gateway captured this request: they are judged as a"
                + " credential that matches none, so a credential check cannot pass here");
    }
}
