package io.accolade.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small JSON-over-HTTP client for tests: real requests against the real server. */
public final class Http {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String base;
    private final Map<String, String> headers;

    public Http(String base) {
        this(base, Map.of());
    }

    private Http(String base, Map<String, String> headers) {
        this.base = base;
        this.headers = headers;
    }

    public String base() {
        return base;
    }

    /** A copy that sends one more header on every request. */
    public Http with(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Http(base, h);
    }

    public Http withKey(String apiKey) {
        return with("X-API-KEY", apiKey);
    }

    public Http withBearer(String token) {
        return with("Authorization", "Bearer " + token);
    }

    public record Resp(int status, Map<String, java.util.List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response is not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Resp get(String path) {
        return send("GET", path, null);
    }

    public Resp delete(String path) {
        return send("DELETE", path, null);
    }

    public Resp post(String path, Object body) {
        return send("POST", path, body);
    }

    public Resp put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Resp patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    /** An {@code application/x-www-form-urlencoded} POST (OAuth token endpoints); parameters in the map's order. */
    public Resp postForm(String path, Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(java.net.URLEncoder.encode(k, java.nio.charset.StandardCharsets.UTF_8)).append('=')
                    .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8));
        });
        return with("Content-Type", "application/x-www-form-urlencoded").send("POST", path, sb.toString());
    }

    /** {@code body}: a String is sent as-is (for malformed JSON), anything else as JSON, null as no body. */
    public Resp send(String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher publisher;
            if (body == null) {
                publisher = HttpRequest.BodyPublishers.noBody();
            } else if (body instanceof byte[] bytes) {
                publisher = HttpRequest.BodyPublishers.ofByteArray(bytes);
            } else if (body instanceof String s) {
                publisher = HttpRequest.BodyPublishers.ofString(s);
            } else {
                publisher = HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body));
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, publisher);
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            // setHeader: a header chosen with with() (e.g. Content-Type) replaces the default above.
            headers.forEach(b::setHeader);
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
