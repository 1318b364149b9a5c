package dev.authgate.server;

import dev.authgate.Main;
import dev.authgate.auth.hmac.HmacSchemes;
import dev.authgate.testing.RawHttp;
import picocli.CommandLine;

import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A delivery as a sender makes it with {@code authgate sign} (run through {@link Main}, as an operator would, against
 * a config file): the request target and headers it prints, and the body. Plus the config files the HMAC end-to-end
 * tests sign with and serve: one route per preset at {@code /hooks/PRESET}.
 *
 * @param target the path and query to send (twilio adds {@code bodySHA256=} to the query of a non-form body)
 */
record SignedDelivery(String target, List<Map.Entry<String, String>> headers, byte[] body) {
    static final String PUBLIC_URL_BASE = "https://hooks.example.com";

    /** The secret a test names {@code seed} for {@code preset}: {@code whsec_<base64>} where the preset needs it. */
    static String secret(String preset, String seed) {
        return preset.equals("standard-webhooks") || preset.equals("svix")
                ? "whsec_" + Base64.getEncoder().encodeToString(
                        (seed + "-key-material").getBytes(StandardCharsets.UTF_8))
                : seed + "-" + preset;
    }

    /** Whether the preset has a delivery id header (replay {@code key: id}); else the key is the signature. */
    static boolean hasId(String preset) {
        return List.of("github", "shopify", "standard-webhooks", "svix").contains(preset);
    }

    /**
     * A gateway.yaml over TLS ({@code certs/server.crt}, {@code certs/server.key} in the config's folder) with one
     * route per preset: {@code PRESET} at {@code /hooks/PRESET}; with {@code replay}, also {@code PRESET-ack} at
     * {@code /ack/PRESET} ({@code on_duplicate: acknowledge}) and the reject route keyed by id or signature.
     *
     * <p>Secrets are {@code ${file:secrets/...}} files written into {@code dir} (with a trailing newline, which the
     * loader drops, as files written by {@code echo} have).
     *
     * @param seeds the secret seeds of a preset's route, in order (the first is the one {@code sign} uses)
     */
    static String config(Path dir, String upstreamUrl, Function<String, List<String>> seeds, boolean replay) {
        StringBuilder y = new StringBuilder("""
                listen:
                  address: 127.0.0.1:0
                  tls: { cert: certs/server.crt, key: certs/server.key }
                upstreams:
                  app: { url: "%s", connect_timeout: 2s, response_timeout: 10s }
                routes:
                """.formatted(upstreamUrl));
        for (String preset : HmacSchemes.presetNames()) {
            route(dir, y, preset, "/hooks/" + preset, preset, seeds.apply(preset), replay ? "reject" : null);
            if (replay) route(dir, y, preset + "-ack", "/ack/" + preset, preset, seeds.apply(preset), "acknowledge");
        }
        return y.toString();
    }

    private static void route(Path dir, StringBuilder y, String name, String path, String preset, List<String> seeds,
                              String onDuplicate) {
        List<String> secrets = new ArrayList<>();
        for (String seed : seeds) {
            String file = "secrets/" + preset + "-" + seed;
            try {
                Files.createDirectories(dir.resolve("secrets"));
                Files.writeString(dir.resolve(file), secret(preset, seed) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            secrets.add("\"${file:" + file + "}\"");
        }
        y.append("  - name: ").append(name).append('\n')
                .append("    match: { path: ").append(path).append(", methods: [POST] }\n")
                .append("    upstream: app\n")
                .append("    auth:\n      hmac:\n        preset: ").append(preset).append('\n')
                .append("        secrets: [").append(String.join(", ", secrets)).append("]\n");
        if (preset.equals("square") || preset.equals("twilio")) {
            y.append("        public_url: \"").append(PUBLIC_URL_BASE).append(path).append("\"\n");
        }
        if (onDuplicate != null) {
            y.append("        replay: { key: ").append(hasId(preset) ? "id" : "signature")
                    .append(", on_duplicate: ").append(onDuplicate).append(" }\n");
        }
    }

    /** Runs {@code authgate sign --config CONFIG --route ROUTE --body FILE --url https://localhost/PATH}. */
    static SignedDelivery sign(Path config, String route, String path, byte[] body) {
        try {
            Path file = Files.createTempFile(config.getParent(), "body", ".bin");
            Files.write(file, body);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                    .execute("sign", "--config", config.toString(), "--route", route, "--body", file.toString(),
                            "--url", "https://localhost" + path);
            assertEquals(0, code, err.toString());
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            String target = null;
            for (String line : out.toString().split("\n")) {
                if (line.startsWith("curl ")) {
                    String url = line.split("'")[1];
                    target = url.substring("https://localhost".length());
                } else {
                    int colon = line.indexOf(": ");
                    headers.add(Map.entry(line.substring(0, colon), line.substring(colon + 2)));
                }
            }
            Files.delete(file);
            return new SignedDelivery(target, headers, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SignedDelivery withBody(byte[] other) {
        return new SignedDelivery(target, headers, other);
    }

    /** The request bytes: request line, Host, the signed headers, Content-Length, the body. */
    byte[] request() {
        StringBuilder head = new StringBuilder("POST ").append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (Map.Entry<String, String> h : headers) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** Sends it on a new TLS connection and reads the response. */
    RawHttp.Response sendTls(int port, SSLSocketFactory sockets) {
        try (RawHttp c = RawHttp.connectTls(port, sockets)) {
            return c.send(request()).read();
        }
    }

    /** A header the signer printed (case-insensitive), or null. */
    String header(String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }
}
