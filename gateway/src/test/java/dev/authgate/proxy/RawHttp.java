package dev.authgate.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A socket client for requests the JDK client won't send (hop-by-hop headers, HTTP/1.0) and for framing checks. */
final class RawHttp implements AutoCloseable {

    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : String.join(", ", v);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(int port) throws IOException {
        this(port, 0);
    }

    /** @param receiveBuffer SO_RCVBUF to set before connecting (small: the client is slow), 0 for the default */
    RawHttp(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(15_000);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    /** Sends {@code head} (lines separated by \n, converted to CRLF, blank line added) and then {@code body}. */
    RawHttp send(String head, byte[] body) throws IOException {
        String h = head.strip().replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n\r\n";
        out.write(h.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        return this;
    }

    RawHttp send(String head) throws IOException {
        return send(head, new byte[0]);
    }

    InputStream input() {
        return in;
    }

    Response read() throws IOException {
        return read(false);
    }

    /** Reads one response, framed by Content-Length, chunked coding, or the close (HTTP/1.0 style). */
    Response read(boolean headRequest) throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, List<String>> headers = headers();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean bodyless = headRequest || status == 204 || status == 304 || status / 100 == 1;
        String te = join(headers.get("transfer-encoding"));
        String cl = join(headers.get("content-length"));
        if (bodyless) {
            // no body
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                String sizeLine = line();
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                body.write(in.readNBytes(size));
                if (!line().isEmpty()) throw new IOException("bad chunk framing");
            }
        } else if (cl != null) {
            int n = Integer.parseInt(cl.trim());
            byte[] b = in.readNBytes(n);
            if (b.length != n) throw new EOFException("body cut after " + b.length + " of " + n + " bytes");
            body.write(b);
        } else {
            in.transferTo(body);
        }
        return new Response(status, headers, body.toByteArray());
    }

    /** True when the peer closed the connection (EOF or reset) before {@code timeoutMillis}. */
    boolean closedByPeer(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        try {
            byte[] buf = new byte[8192];
            while (true) {
                if (in.read(buf) < 0) return true;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        } finally {
            socket.setSoTimeout(15_000);
        }
    }

    private Map<String, List<String>> headers() throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while (!(line = line()).isEmpty()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return headers;
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new EOFException("connection closed mid-line: " + sb);
            if (c != '\r') sb.append((char) c);
        }
        return sb.toString();
    }

    private static String join(List<String> values) {
        return values == null ? null : String.join(", ", values);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
