package io.accolade.api.trophy;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.Http;
import io.accolade.support.TestServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Definitions and users for an app, made through the real admin and Trophy APIs (every call must succeed).
 * {@code obj("k", v, ...)} builds an ordered JSON object.
 */
record Setup(Http admin, TestServer.TestApp app) {

    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    String base() {
        return "/admin/v1/apps/" + app.id();
    }

    /** PUT a metric; returns its definition. */
    JsonNode metric(String key, String name) {
        return ok(admin.put(base() + "/metrics/" + key, obj("name", name)));
    }

    JsonNode metric(String key) {
        return metric(key, key);
    }

    /** PUT an achievement; returns its definition. */
    JsonNode achievement(String key, Map<String, Object> body) {
        return ok(admin.put(base() + "/achievements/" + key, body));
    }

    JsonNode api(String key) {
        return achievement(key, obj("name", "Name " + key, "trigger", "api"));
    }

    JsonNode metricAchievement(String key, String metricKey, Number value) {
        return achievement(key, obj("name", "Name " + key, "trigger", "metric", "metricKey", metricKey,
                "metricValue", value));
    }

    JsonNode composite(String key, String... prerequisites) {
        return achievement(key, obj("name", "Name " + key, "trigger", "achievement", "prerequisites",
                List.of(prerequisites)));
    }

    /** Changes only the status of an existing achievement (the rest of its definition is sent back as is). */
    void status(String key, String status) {
        JsonNode current = ok(admin.get(base() + "/achievements/" + key));
        var body = Http.parse(current.toString());
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("status", status);
        ok(admin.put(base() + "/achievements/" + key, body));
    }

    /** A user through PUT /v1/users/{id}. */
    JsonNode user(String id, Map<String, Object> fields) {
        return ok(app.http().put("/v1/users/" + id, fields));
    }

    JsonNode user(String id) {
        return user(id, Map.of());
    }

    Http.Resp event(String metric, String userId, Number value) {
        return app.http().post("/v1/metrics/" + metric + "/event", obj("user", obj("id", userId), "value", value));
    }

    Http.Resp complete(String key, String userId) {
        return app.http().post("/v1/achievements/" + key + "/complete", obj("user", obj("id", userId)));
    }

    /** The member names of a JSON object, in order. */
    static List<String> fieldNames(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.properties().forEach(e -> out.add(e.getKey()));
        return out;
    }

    static JsonNode ok(Http.Resp r) {
        if (r.status() / 100 != 2) {
            throw new AssertionError("expected a 2xx answer, got " + r);
        }
        return r.json();
    }
}
