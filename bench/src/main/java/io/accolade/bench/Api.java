package io.accolade.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client for setting up a benchmark (admin calls, template users); never used to measure. */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    record Reply(int status, JsonNode body, String raw) {
    }

    Reply call(String method, String path, String[] headers, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else if (body instanceof String form) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
            b.method(method, HttpRequest.BodyPublishers.ofString(form));
        } else {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = null;
        try {
            n = r.body().isEmpty() ? null : JSON.readTree(r.body());
        } catch (IOException e) {
            // not JSON
        }
        return new Reply(r.statusCode(), n, r.body());
    }

    /** Like {@link #call} but fails unless the status is 2xx. */
    JsonNode ok(String method, String path, String[] headers, Object body) throws IOException, InterruptedException {
        Reply r = call(method, path, headers, body);
        if (r.status() / 100 != 2) {
            throw new IOException(method + " " + path + " -> " + r.status() + ": " + r.raw());
        }
        return r.body();
    }
}
