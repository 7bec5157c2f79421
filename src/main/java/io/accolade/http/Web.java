package io.accolade.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small, explicit helpers for reading requests and writing JSON responses. */
public final class Web {
    private Web() {
    }

    /** Largest accepted request body. Bigger bodies are refused with 413 before they are read. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    public static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final byte[] NO_BODY = new byte[0];

    /** The body's bytes, at most {@link #MAX_BODY_BYTES}. */
    public static byte[] body(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return NO_BODY;
        }
        var declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > MAX_BODY_BYTES) {
            throw ApiException.tooLarge("request body exceeds " + MAX_BODY_BYTES + " bytes");
        }
        InputStream in = req.content().inputStream();
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            // Broken framing (a chunk size that is not hex): Helidon throws runtime exceptions. The stream is not
            // closed, since closing drains the rest of the entity and would wait for bytes that never come; the
            // connection is closed after the answer instead.
            throw new ApiException(400, "unreadable request body", Map.of("Connection", "close"));
        }
        try (in) {
            if (bytes.length > MAX_BODY_BYTES) {
                throw ApiException.tooLarge("request body exceeds " + MAX_BODY_BYTES + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable request body");
        }
    }

    /** The body as one JSON value (400 when it is not). */
    public static JsonNode json(ServerRequest req) {
        return Json.parse(body(req));
    }

    /** The body as a JSON object wrapped for typed reads. */
    public static Fields object(ServerRequest req) {
        return Fields.of(json(req));
    }

    public static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    public static Optional<String> query(ServerRequest req, String name) {
        var v = req.query().first(name);
        return v.isPresent() ? Optional.of(v.get()) : Optional.empty();
    }

    public static List<String> queryAll(ServerRequest req, String name) {
        return req.query().contains(name) ? req.query().all(name) : List.of();
    }

    public static Optional<String> header(ServerRequest req, String name) {
        return req.headers().first(HeaderNames.create(name));
    }

    public static void send(ServerResponse res, int status, Object body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.send(Json.write(body));
    }

    public static void ok(ServerResponse res, Object body) {
        send(res, 200, body);
    }

    /** 200 with a body that is already JSON (see TrophyJson's cached achievement fields). */
    public static void okJson(ServerResponse res, byte[] json) {
        okJson(res, json, json.length);
    }

    /** A 200 whose body is the first {@code length} bytes of {@code json}. */
    public static void okJson(ServerResponse res, byte[] json, int length) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.send(json, 0, length);
    }
}
