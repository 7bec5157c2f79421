package io.accolade.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed reads of a JSON object's members. Every wrong type or value is a 400 that names the field by its path
 * ({@code user.tz}, {@code freezes[3].userId}), so a client sees exactly what to fix.
 */
public final class Fields {
    private final JsonNode node;
    private final String path;

    private Fields(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The body must be a JSON object. */
    public static Fields of(JsonNode node) {
        return of(node, "");
    }

    public static Fields of(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest((path.isEmpty() ? "request body" : "'" + path + "'") + " must be a JSON object");
        }
        return new Fields(node, path);
    }

    public JsonNode raw() {
        return node;
    }

    public String name(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** Present at all, even as null (PATCH distinguishes "set to null" from "leave alone"). */
    public boolean present(String field) {
        return node.has(field);
    }

    /** Refuses members outside {@code allowed}: a typo in a definition should not be silently dropped. */
    public Fields only(Set<String> allowed) {
        var it = node.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw ApiException.badRequest("unknown field '" + name(f) + "'");
            }
        }
        return this;
    }

    public String requiredString(String field) {
        return optionalString(field).orElseThrow(() -> ApiException.badRequest("'" + name(field) + "' is required"));
    }

    public Optional<String> optionalString(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("'" + name(field) + "' must be a string");
        }
        return Optional.of(v.textValue());
    }

    public Optional<Boolean> optionalBoolean(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest("'" + name(field) + "' must be true or false");
        }
        return Optional.of(v.booleanValue());
    }

    public double requiredNumber(String field) {
        return optionalNumber(field).orElseThrow(() -> ApiException.badRequest("'" + name(field) + "' is required"));
    }

    public Optional<Double> optionalNumber(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isNumber()) {
            throw ApiException.badRequest("'" + name(field) + "' must be a number");
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d) || Math.abs(d) > 1e15) {
            throw ApiException.badRequest("'" + name(field) + "' is out of range (|value| must be at most 1e15)");
        }
        return Optional.of(d);
    }

    public long requiredLong(String field) {
        return optionalLong(field).orElseThrow(() -> ApiException.badRequest("'" + name(field) + "' is required"));
    }

    public Optional<Long> optionalLong(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()))) {
            throw ApiException.badRequest("'" + name(field) + "' must be a whole number");
        }
        // Not Math.abs: Math.abs(Long.MIN_VALUE) is negative and would pass.
        if (!v.canConvertToLong() || v.longValue() > 1_000_000_000_000L || v.longValue() < -1_000_000_000_000L) {
            throw ApiException.badRequest("'" + name(field) + "' is out of range");
        }
        return Optional.of(v.longValue());
    }

    public Optional<Integer> optionalInt(String field, int min, int max) {
        return optionalLong(field).map(l -> {
            if (l < min || l > max) {
                throw ApiException.badRequest("'" + name(field) + "' must be between " + min + " and " + max);
            }
            return l.intValue();
        });
    }

    /** A string→string map ({@code attributes}); null or absent is empty. */
    public Optional<Map<String, String>> optionalStringMap(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            throw ApiException.badRequest("'" + name(field) + "' must be an object of string values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        var it = v.properties().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw ApiException.badRequest("'" + name(field) + "." + e.getKey() + "' must be a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Optional.of(out);
    }

    public Optional<List<String>> optionalStringList(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isArray()) {
            throw ApiException.badRequest("'" + name(field) + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw ApiException.badRequest("'" + name(field) + "[" + i + "]' must be a string");
            }
            out.add(v.get(i).textValue());
        }
        return Optional.of(out);
    }

    /** An array of objects, each handed over as {@link Fields} with its indexed path. */
    public Optional<List<Fields>> optionalObjectList(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isArray()) {
            throw ApiException.badRequest("'" + name(field) + "' must be an array");
        }
        List<Fields> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(Fields.of(v.get(i), name(field) + "[" + i + "]"));
        }
        return Optional.of(out);
    }

    public Optional<Fields> optionalObject(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        return Optional.of(Fields.of(v, name(field)));
    }

    public Fields requiredObject(String field) {
        return optionalObject(field).orElseThrow(() -> ApiException.badRequest("'" + name(field) + "' is required"));
    }

    public static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }
}
