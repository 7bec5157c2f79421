package io.accolade.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as given: request targets with raw or invalid percent-encoded bytes,
 * header values with any bytes, bodies that are not UTF-8. Java's HTTP client refuses to send most of these, which
 * is why hostile-input tests need this. One connection per request ({@code Connection: close}).
 */
public final class RawHttp {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** How long a request may take; a server that neither answers nor closes fails the request (status -1). */
    public static int TIMEOUT_MS = 30_000;

    private final int port;

    public RawHttp(int port) {
        this.port = port;
    }

    /** A response; {@code status} is -1 when the server closed the connection without answering. */
    public record Resp(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as JSON, or null when it is not JSON. */
        public JsonNode json() {
            try {
                return body.length == 0 ? null : MAPPER.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            String t = text();
            return status + " " + (t.length() > 300 ? t.substring(0, 300) + "..." : t);
        }
    }

    /**
     * Sends one request. {@code target} and header values are written as ISO-8859-1 (one byte per char, so any byte
     * can be sent); {@code body} may be null. Content-Length is added for a body unless a header sets framing.
     */
    public Resp send(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(TIMEOUT_MS);
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.writeBytes(latin1(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"));
            boolean framed = false;
            for (var h : headers) {
                req.writeBytes(latin1(h.getKey() + ": " + h.getValue() + "\r\n"));
                framed |= h.getKey().equalsIgnoreCase("Content-Length") || h.getKey().equalsIgnoreCase("Transfer-Encoding");
            }
            if (body != null && !framed) {
                req.writeBytes(latin1("Content-Length: " + body.length + "\r\n"));
            }
            req.writeBytes(latin1("\r\n"));
            if (body != null) {
                req.writeBytes(body);
            }
            OutputStream out = s.getOutputStream();
            try {
                out.write(req.toByteArray());
                out.flush();
            } catch (IOException e) {
                // The server may answer (413, 400) and close before the whole request is written: read that.
            }
            return read(s.getInputStream());
        } catch (IOException e) {
            return new Resp(-1, Map.of(), ("no answer: " + e).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Reads one response: headers, then Content-Length bytes, a chunked body, or (neither) up to the close. */
    private static Resp read(InputStream raw) throws IOException {
        var in = new java.io.BufferedInputStream(raw);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            int state = 0;
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    return new Resp(-1, Map.of(), head.toByteArray());
                }
                head.write(b);
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                        ? state + 1 : (b == '\r' ? 1 : 0);
            }
        } catch (java.net.SocketException e) {
            return new Resp(-1, Map.of(), ("connection reset: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ", 3)[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line(in);
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    break;
                }
                out.write(in.readNBytes(size));
                line(in);
            }
            body = out.toByteArray();
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return new Resp(status, headers, body);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
