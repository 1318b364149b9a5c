package dev.authgate.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A socket HTTP/1.1 client for protocol tests: sends bytes exactly as given (requests as text blocks, with
 * {@link #crlf} turning line feeds into CRLF) and parses responses by hand. No retries, no redirects, no header
 * normalization, so what the test sees is what the gateway sent.
 */
public final class RawHttp implements AutoCloseable {
    /** Generous: the box is shared; a test that waits this long has failed anyway. */
    public static final int READ_TIMEOUT_MILLIS = 15_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** A plain TCP connection to 127.0.0.1:{@code port}. */
    public static RawHttp connect(int port) {
        return connect(port, 0);
    }

    /**
     * A plain TCP connection with SO_RCVBUF {@code receiveBuffer} set before connecting (small: a slow client), 0
     * for the default.
     */
    public static RawHttp connect(int port, int receiveBuffer) {
        try {
            Socket s = new Socket();
            if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
            s.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
            return new RawHttp(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A TLS connection (handshake done) to localhost:{@code port}, trusting what {@code factory} trusts, limited to
     * {@code protocols} when given (e.g. {@code "TLSv1.2"}).
     */
    public static RawHttp connectTls(int port, SSLSocketFactory factory, String... protocols) {
        try {
            javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) factory.createSocket("localhost", port);
            if (protocols.length > 0) s.setEnabledProtocols(protocols);
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            s.startHandshake();
            return new RawHttp(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one request on a new connection and reads one response. */
    public static Response exchange(int port, String request) {
        try (RawHttp http = connect(port)) {
            return http.send(request).read();
        }
    }

    /** Text with {@code \n} line ends turned into {@code \r\n} (for text blocks). */
    public static String crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    /**
     * Sends a request head given as lines separated by {@code \n} (turned into CRLF, the empty line added), then
     * nothing.
     */
    public RawHttp request(String head) {
        return request(head, new byte[0]);
    }

    /** Sends {@code head} as {@link #request(String)} does, then {@code body} as given. */
    public RawHttp request(String head, byte[] body) {
        send(crlf(head.strip() + "\n\n"));
        return send(body);
    }

    /** Sends {@code text} as ISO-8859-1 bytes, exactly. */
    public RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends, tolerating a connection the server already closed (the test then checks what came back). */
    public RawHttp sendQuietly(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException ignored) {
            // the server may close after refusing; what it sent before is still readable
        }
        return this;
    }

    /**
     * Reads the next response (an interim 100 is a response too), body by Content-Length, chunked or the close. A
     * body shorter than its Content-Length fails ({@link EOFException} {@code body cut after N of M bytes}).
     */
    public Response read() {
        try {
            Response head = readHead();
            int status = head.status();
            byte[] body;
            if (status < 200 || status == 204 || status == 304) {
                body = new byte[0];
            } else if (head.header("Content-Length") != null) {
                int n = Integer.parseInt(head.header("Content-Length"));
                body = in.readNBytes(n);
                if (body.length != n) throw new EOFException("body cut after " + body.length + " of " + n + " bytes");
            } else if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
                body = chunked();
            } else {
                body = in.readAllBytes();
            }
            return new Response(head.statusLine(), status, head.headers(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads only the status line and headers of the next response (for HEAD requests, which get no body). */
    public Response readHead() {
        try {
            String statusLine = line();
            if (statusLine == null) throw new EOFException("connection closed before a response");
            int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (String l = line(); l != null && !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                headers.add(Map.entry(l.substring(0, colon), l.substring(colon + 1).trim()));
            }
            return new Response(statusLine, status, headers, new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether the server closed the connection (end of stream or reset) within the read timeout, reading and
     * dropping anything it still sends.
     */
    public boolean isClosedByPeer() {
        return isClosedByPeer(READ_TIMEOUT_MILLIS);
    }

    /** {@link #isClosedByPeer()} within {@code timeoutMillis}. */
    public boolean isClosedByPeer(int timeoutMillis) {
        try {
            socket.setSoTimeout(timeoutMillis);
            while (in.read() >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            } catch (SocketException ignored) {
                // closed meanwhile
            }
        }
    }

    /** Every byte until the server closes the connection (end of stream or reset). */
    public byte[] readToEnd() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            int c;
            while ((c = in.read()) >= 0) b.write(c);
        } catch (SocketException e) {
            // a reset ends the stream too
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** Whether the server sent nothing and kept the connection open for {@code millis}. */
    public boolean staysOpenFor(int millis) {
        try {
            socket.setSoTimeout(millis);
            in.read();
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    /** The negotiated TLS protocol, or null on a plain connection. */
    public String tlsProtocol() {
        return socket instanceof javax.net.ssl.SSLSocket
                ? ((javax.net.ssl.SSLSocket) socket).getSession().getProtocol() : null;
    }

    /** The certificate the server presented (the leaf), or null on a plain connection. */
    public java.security.cert.X509Certificate peerCertificate() {
        if (!(socket instanceof javax.net.ssl.SSLSocket)) return null;
        try {
            return (java.security.cert.X509Certificate)
                    ((javax.net.ssl.SSLSocket) socket).getSession().getPeerCertificates()[0];
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
            if (n == 0) {
                for (String l = line(); l != null && !l.isEmpty(); l = line()) {
                    // trailers ignored
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            line();
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') break;
            if (c != '\r') b.write(c);
        }
        if (c < 0 && b.size() == 0) return null;
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * A parsed response.
     *
     * @param headers in order, names as sent
     */
    public record Response(String statusLine, int status, List<Map.Entry<String, String>> headers, byte[] body) {
        /** The first value of a header (case-insensitive name), or null. */
        public String header(String name) {
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) return h.getValue();
            }
            return null;
        }

        /** Every value of a header, in order. */
        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) values.add(h.getValue());
            }
            return values;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as a flat JSON object (strings, numbers, booleans, null), keys in order. */
        public Map<String, Object> json() {
            Map<String, Object> fields = new LinkedHashMap<>();
            try (JsonParser p = new JsonFactory().createParser(body)) {
                if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalStateException("not a JSON object: "
                        + bodyText());
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    Object v;
                    if (t == JsonToken.VALUE_NUMBER_INT) v = p.getLongValue();
                    else if (t == JsonToken.VALUE_STRING) v = p.getText();
                    else if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) v = p.getBooleanValue();
                    else if (t == JsonToken.VALUE_NULL) v = null;
                    else throw new IllegalStateException("nested JSON in " + name);
                    if (fields.put(name, v) != null) throw new IllegalStateException("duplicate key " + name);
                }
                if (p.nextToken() != null) throw new IllegalStateException("trailing data after JSON object");
                return fields;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return statusLine + " " + headers + " " + body.length + " body bytes";
        }
    }
}
