package dev.authgate.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.authgate.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EchoCommandTest {
    private static final JsonFactory JSON = new JsonFactory();

    private EchoCommand.Running echo;
    private final List<String> logLines = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startEcho() throws IOException {
        echo = EchoCommand.start(new InetSocketAddress("127.0.0.1", 0), logLines::add);
    }

    @AfterEach
    void stopEcho() {
        echo.close();
    }

    @Test
    void answersWithMethodPathQueryHeadersAndTheSha256OfABinaryBody() throws Exception {
        byte[] body = new byte[1024 * 1024 + 7];
        new Random(42).nextBytes(body);
        body[0] = (byte) 0xC3; // an invalid UTF-8 sequence start, so a decoding echo would be caught
        body[1] = (byte) 0x28;
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(echoUri("/hooks/github?a=1&b=two"))
                        .timeout(Duration.ofSeconds(30))
                        .header("X-Custom", "first")
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        Map<String, Object> json = parse(response.body());
        assertEquals("POST", json.get("method"));
        assertEquals("/hooks/github", json.get("path"));
        assertEquals("a=1&b=two", json.get("query"));
        assertEquals("/hooks/github?a=1&b=two", json.get("uri"));
        assertEquals("HTTP/1.1", json.get("protocol"));
        assertEquals((long) body.length, json.get("body_size"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)), json.get("body_sha256"));
        List<List<String>> headers = headers(json);
        assertTrue(headers.contains(List.of("X-Custom", "first")), headers.toString());
        assertTrue(headers.contains(List.of("Content-Length", String.valueOf(body.length))), headers.toString());
        assertTrue(((String) json.get("client")).startsWith("127.0.0.1:"), (String) json.get("client"));
    }

    @Test
    void reportsNullQueryAndTheEmptyBodyDigestForAPlainGet() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(echoUri("/health")).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        Map<String, Object> json = parse(response.body());
        assertEquals("GET", json.get("method"));
        assertEquals("/health", json.get("path"));
        assertTrue(json.containsKey("query"));
        assertNull(json.get("query"));
        assertEquals(0L, json.get("body_size"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", json.get("body_sha256"));
    }

    @Test
    void showsHeadersWithTheirCaseOrderDuplicatesAndChunkedFramingAsReceived() throws Exception {
        String raw = "POST /api/x HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "X-MiXeD-Case: 1\r\n"
                + "x-dup: a\r\n"
                + "X-Dup: b\r\n"
                + "Transfer-Encoding: chunked\r\n"
                + "\r\n"
                + "5\r\nhello\r\n0\r\n\r\n";
        try (Socket socket = connect()) {
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            RawResponse response = RawResponse.read(socket.getInputStream());

            assertEquals(200, response.status);
            Map<String, Object> json = parse(response.body);
            assertEquals(List.of(
                    List.of("Host", "localhost"),
                    List.of("X-MiXeD-Case", "1"),
                    List.of("x-dup", "a"),
                    List.of("X-Dup", "b"),
                    List.of("Transfer-Encoding", "chunked")), headers(json));
            assertEquals(5L, json.get("body_size"));
            assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", json.get("body_sha256"));
        }
    }

    @Test
    void keepsTheConnectionAliveAcrossPipelinedRequests() throws Exception {
        String two = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
                + "DELETE /two?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
        try (Socket socket = connect()) {
            socket.getOutputStream().write(two.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            RawResponse first = RawResponse.read(in);
            RawResponse second = RawResponse.read(in);

            assertEquals("/one", parse(first.body).get("path"));
            Map<String, Object> json = parse(second.body);
            assertEquals("DELETE", json.get("method"));
            assertEquals("/two", json.get("path"));
            assertEquals(3L, json.get("body_size"));
            assertEquals(null, first.headers.get("connection"));
        }
    }

    @Test
    void closesAfterAnsweringARequestThatAsksForClose() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET /bye HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            RawResponse response = RawResponse.read(in);

            assertEquals(200, response.status);
            assertEquals("close", response.headers.get("connection"));
            assertEquals(-1, in.read());
        }
    }

    @Test
    void answersHeadWithTheHeadersOfTheJsonButNoBody() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(echoUri("/x")).timeout(Duration.ofSeconds(30))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        assertTrue(Long.parseLong(response.headers().firstValue("Content-Length").orElse("0")) > 0);
        assertEquals("", response.body());
    }

    @Test
    void answersAMalformedRequestWith400AndCloses() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            RawResponse response = RawResponse.read(in);

            assertEquals(400, response.status);
            assertEquals(-1, in.read());
        }
    }

    @Test
    void logsOneLinePerRequestWithoutTheQueryString() throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(echoUri("/reports?api_key=s3cr3t-value"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.discarding());

        assertEquals(List.of("echo: GET /reports 200 body=0B"), List.copyOf(logLines));
    }

    @Test
    void parsesHostAndPortIncludingBracketedIpv6() {
        assertEquals(new InetSocketAddress("127.0.0.1", 3000), EchoCommand.parseListen("127.0.0.1:3000"));
        assertEquals(0, EchoCommand.parseListen("localhost:0").getPort());
        assertEquals(8080, EchoCommand.parseListen("[::1]:8080").getPort());
        assertEquals("[0:0:0:0:0:0:0:1]:8080", EchoCommand.hostPort(EchoCommand.parseListen("[::1]:8080")));
        assertThrows(IllegalArgumentException.class, () -> EchoCommand.parseListen("3000"));
        assertThrows(IllegalArgumentException.class, () -> EchoCommand.parseListen("127.0.0.1:"));
        assertThrows(IllegalArgumentException.class, () -> EchoCommand.parseListen("127.0.0.1:70000"));
        assertThrows(IllegalArgumentException.class, () -> EchoCommand.parseListen("127.0.0.1:http"));
    }

    @Test
    void exitsWithUsageErrorOnABadListenAddress() {
        assertEquals(2, Main.execute("echo", "--listen", "no-port-here"));
    }

    @Test
    void exitsWith1WhenTheAddressIsInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(1, Main.execute("echo", "--quiet", "--listen", "127.0.0.1:" + taken.getLocalPort()));
        }
    }

    @Test
    void theCommandPrintsTheBoundAddressAndServesOnIt(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path stdout = dir.resolve("stdout");
        // stdout goes to a file, not a pipe: other output (e.g. logging without a logback.xml) must not block the child.
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "dev.authgate.Main", "echo", "--listen", "127.0.0.1:0")
                .redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            Pattern listening = Pattern.compile("(?m)^echo listening on 127\\.0\\.0\\.1:(\\d+)$");
            Matcher m = listening.matcher("");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!m.find() && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                m = listening.matcher(Files.readString(stdout, StandardCharsets.UTF_8));
            }
            assertTrue(m.find(0), "no 'echo listening on' line in: " + Files.readString(stdout, StandardCharsets.UTF_8));
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/ping"))
                            .timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("/ping", parse(response.body()).get("path"));
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    private URI echoUri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + echo.address().getPort() + pathAndQuery);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", echo.address().getPort());
        socket.setSoTimeout(30_000);
        return socket;
    }

    @SuppressWarnings("unchecked")
    private static List<List<String>> headers(Map<String, Object> json) {
        return (List<List<String>>) json.get("headers");
    }

    private static Map<String, Object> parse(String json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) read(p);
            assertNull(p.nextToken(), "trailing content after the JSON object");
            return map;
        }
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Object> map = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                map.put(name, read(p));
            }
            return map;
        }
        if (t == JsonToken.START_ARRAY) {
            List<Object> list = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) list.add(read(p));
            return list;
        }
        if (t == JsonToken.VALUE_NULL) return null;
        if (t == JsonToken.VALUE_NUMBER_INT) return p.getLongValue();
        if (t == JsonToken.VALUE_STRING) return p.getText();
        throw new IOException("unexpected JSON token " + t);
    }

    /** A minimal HTTP/1.1 response reader for Content-Length framed responses. */
    private static final class RawResponse {
        int status;
        final Map<String, String> headers = new LinkedHashMap<>();
        String body;

        static RawResponse read(InputStream in) throws IOException {
            RawResponse r = new RawResponse();
            String statusLine = line(in);
            r.status = Integer.parseInt(statusLine.split(" ")[1]);
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                r.headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(r.headers.getOrDefault("content-length", "0"));
            r.body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            return r;
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c == -1) throw new IOException("connection closed mid-response");
                if (c != '\r') b.write(c);
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
