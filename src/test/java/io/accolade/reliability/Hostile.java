package io.accolade.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The vocabulary of hostile input: values that no field of the given kind may accept. Every list here is built so
 * that each of its values is invalid for its kind, which lets the fuzz test demand a 4xx for any combination of them.
 */
final class Hostile {
    private Hostile() {
    }

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Kinds of fields, each with its own set of invalid values. */
    enum Kind {
        /** App ids, metric and achievement keys: 1-64 of [A-Za-z0-9._-]. */
        KEY,
        /** User ids: 1-128 of [A-Za-z0-9._:@+-], not leading '@'. */
        USER_ID,
        /** A name that may not be blank, up to 200 characters. */
        NAME,
        /** Free text up to 50 characters (units, type, stepFormat). */
        TEXT_50,
        /** Free text up to 200 characters (user names). */
        TEXT_200,
        /** Free text up to 2000 characters (descriptions). */
        TEXT_2000,
        EMAIL,
        TZ,
        /** An ISO-8601 date-time with an offset within the late-event window. */
        TIMESTAMP,
        /** Any finite number with |n| ≤ 1e15. */
        NUMBER,
        /** A number > 0 (thresholds). */
        POSITIVE_NUMBER,
        /** A whole number 1..100000 (streak lengths). */
        STREAK_LENGTH,
        /** A whole number 1..1e9 (Mobage totalSteps). */
        TOTAL_STEPS,
        /** A whole number 0..100 (freeze counts). */
        COUNT_100,
        /** A whole number -1e6..1e6 (points). */
        POINT,
        BOOLEAN,
        /** A JSON object (user). */
        OBJECT,
        /** A non-empty array of objects. */
        OBJECT_LIST,
        /** User attributes: ≤ 100 keys of KEY form, string values ≤ 1000 characters. */
        ATTRIBUTES,
        /** Event attributes: as user attributes. */
        EVENT_ATTRIBUTES,
        /** Device tokens: ≤ 100 strings of 1-512 characters. */
        TOKENS,
        /** An http(s) URL ≤ 2000 characters. */
        URL,
        /** Attribute filters of an achievement: [{key, value}], ≤ 20. */
        FILTERS,
        /** Icon URLs of an achievement: [{type, value, primary}]. */
        ICONS,
        /** A non-null string where the API reports unknown values item by item (bulk user ids). */
        STRING,
        /** One of a fixed set of words (status, trigger, frequency, mode, weekStart, initialState). */
        ENUM,
        /** Prerequisite keys of a composite achievement. */
        PREREQUISITES,
        /** A whole number 0..3650 (days). */
        DAYS,
        /** Mobage's absolute steps: a whole number 0..1e12 (above totalSteps is clamped). */
        STEPS,
        /** Mobage's increment: a signed whole number, |n| ≤ 1e12. */
        STEP_DELTA,
        /** A list of user ids (friends): ≤ 1000 existing users, not the user itself. */
        USER_IDS
    }

    /** Strings that are neither a valid key nor a valid user id. */
    static final List<String> BAD_IDS = List.of(
            "' OR '1'='1", "1; DROP TABLE users;--", "\" OR \"\"=\"", "u1' --", "admin'/*", "%' AND 1=1 --",
            "1 UNION SELECT secret_hash FROM api_keys", "x') OR ('a'='a", "u1;DELETE FROM events",
            "../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "....//....//", "%2e%2e%2f", "..%2F..%2F",
            "<script>alert(1)</script>", "${jndi:ldap://x/a}", "{{7*7}}", "$(reboot)", "`id`",
            "\u0000", "u\u0000", "a b", "\t", "x\r\ny", "é", "用户", "😀", "\ud800", "@me", "a,b", "", " ", "#", "?",
            "a/b", "a\\b", ".", "..", "x".repeat(129), "y".repeat(1000), "z".repeat(70_000));

    static final List<String> SQL_AND_TRAVERSAL = BAD_IDS.subList(0, 15);

    /** Strings for free-text fields: too long, or with characters no text may hold. */
    static List<JsonNode> badText(int max) {
        return List.of(txt("x".repeat(max + 1)), txt("ü".repeat(max + 1)), txt("n".repeat(100_000)),
                txt("a\u0000b"), txt("\u0000"), txt("bad\ud800surrogate"), txt("\udc00"));
    }

    /** Wrong JSON types for a field that wants a string. */
    static final List<JsonNode> NOT_STRINGS = List.of(F.numberNode(1), F.numberNode(-1.5), F.booleanNode(true),
            F.arrayNode().add("x"), F.objectNode().put("a", "b"), F.arrayNode(), F.objectNode());

    /** Number literals no JSON parser of ours may accept, written raw into the document. */
    static final List<String> BAD_NUMBER_LITERALS = List.of("NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1.",
            "1e", "--1", "0x10", "1_000", "1e400", "-1e400", "9".repeat(101), "1" + "0".repeat(400), "1e99999");

    static List<JsonNode> values(Kind kind) {
        List<JsonNode> v = new ArrayList<>();
        switch (kind) {
            case KEY -> {
                BAD_IDS.forEach(s -> v.add(txt(s)));
                v.add(txt("k".repeat(65)));
                v.add(txt("a:b"));
                v.add(txt("a@b"));
                v.add(txt("a+b"));
                v.addAll(NOT_STRINGS);
            }
            case USER_ID -> {
                BAD_IDS.forEach(s -> v.add(txt(s)));
                v.addAll(NOT_STRINGS);
            }
            case NAME -> {
                v.addAll(badText(200));
                v.add(txt(""));
                v.add(txt("   "));
                v.addAll(NOT_STRINGS);
            }
            case TEXT_50 -> {
                v.addAll(badText(50));
                v.addAll(NOT_STRINGS);
            }
            case TEXT_200 -> {
                v.addAll(badText(200));
                v.addAll(NOT_STRINGS);
            }
            case TEXT_2000 -> {
                v.addAll(badText(2000));
                v.addAll(NOT_STRINGS);
            }
            case EMAIL -> {
                for (String s : List.of("not-an-email", "a@b@c", "@", "a b@c.d", "x".repeat(300) + "@e.f", "a@",
                        "@b", "' OR 1=1 --@x", "a\u0000@b.c", "a@b\ud800")) {
                    v.add(txt(s));
                }
                v.addAll(NOT_STRINGS);
            }
            case TZ -> {
                for (String s : List.of("Mars/Olympus_Mons", "+09:00", "-05:00", "Europe/Nowhere", "../../etc/passwd",
                        "", " ", "UTC+99", "Europe/London\u0000", "europe/london ", "x".repeat(1000), "GMT+25",
                        "Z+1", "America/New York", "' OR 1=1 --", "\ud800")) {
                    v.add(txt(s));
                }
                v.addAll(NOT_STRINGS);
            }
            case TIMESTAMP -> {
                for (String s : List.of("2025-13-45T00:00:00Z", "not a date", "2025-06-15T11:00:00",
                        "2025-06-15", "9999-12-31T23:59:59Z", "+999999999-12-31T23:59:59Z", "0000-01-01T00:00:00Z",
                        "-999999999-01-01T00:00:00Z", "2025-06-15T25:00:00Z", "2025-02-30T00:00:00Z",
                        "2025-06-15T11:00:00+25:00", "2025-06-15T11:00:00Z[Mars/Olympus]", "", "NaN",
                        "2024-01-01T00:00:00Z", "2030-01-01T00:00:00Z", "1749985200000", "' OR 1=1 --")) {
                    v.add(txt(s));
                }
                v.add(F.numberNode(1749985200000L));
                v.addAll(NOT_STRINGS.subList(2, NOT_STRINGS.size()));
            }
            case NUMBER, POSITIVE_NUMBER -> {
                BAD_NUMBER_LITERALS.forEach(s -> v.add(raw(s)));
                for (double d : new double[] {1e16, -1e16, 1e300, -1e300, 1.7976931348623157e308, 1e15 + 2}) {
                    v.add(F.numberNode(d));
                }
                v.add(F.numberNode(new java.math.BigInteger("123456789012345678901234567890")));
                for (String s : List.of("1", "NaN", "Infinity", "", "1e3", "one")) {
                    v.add(txt(s));
                }
                v.add(F.booleanNode(true));
                v.add(F.arrayNode().add(1));
                v.add(F.objectNode().put("value", 1));
                if (kind == Kind.POSITIVE_NUMBER) {
                    v.add(F.numberNode(0));
                    v.add(F.numberNode(-1));
                    v.add(raw("-0.0"));
                    v.add(F.numberNode(-1e15));
                }
            }
            case STREAK_LENGTH -> v.addAll(ints(1, 100_000));
            case TOTAL_STEPS -> v.addAll(ints(1, 1_000_000_000L));
            case COUNT_100 -> v.addAll(ints(0, 100));
            case POINT -> v.addAll(ints(-1_000_000, 1_000_000));
            case BOOLEAN -> {
                for (String s : List.of("true", "false", "yes", "")) {
                    v.add(txt(s));
                }
                v.add(F.numberNode(1));
                v.add(F.numberNode(0));
                v.add(F.arrayNode().add(true));
                v.add(F.objectNode());
            }
            case OBJECT -> {
                v.add(txt("u1"));
                v.add(F.numberNode(1));
                v.add(F.booleanNode(false));
                v.add(F.arrayNode().add(F.objectNode().put("id", "u1")));
                v.add(F.arrayNode());
            }
            case OBJECT_LIST -> {
                v.add(txt("x"));
                v.add(F.numberNode(1));
                v.add(F.objectNode());
                v.add(F.arrayNode().add(1));
                v.add(F.arrayNode().add("x"));
                v.add(F.arrayNode().add(F.arrayNode()));
                v.add(F.arrayNode().add(F.nullNode()));
                v.add(F.booleanNode(true));
            }
            case ATTRIBUTES, EVENT_ATTRIBUTES -> {
                v.addAll(attributeTypeErrors());
                v.add(F.objectNode().put("bad key", "v"));
                v.add(F.objectNode().put("", "v"));
                v.add(F.objectNode().put("k".repeat(65), "v"));
                v.add(F.objectNode().put("' OR 1=1 --", "v"));
                v.add(F.objectNode().put("../x", "v"));
                v.add(F.objectNode().put("k", "v".repeat(1001)));
                v.add(F.objectNode().put("k", "a\u0000b"));
                ObjectNode many = F.objectNode();
                for (int i = 0; i < 101; i++) {
                    many.put("k" + i, "v");
                }
                v.add(many);
            }
            case TOKENS -> {
                v.add(txt("token"));
                v.add(F.arrayNode().add(1));
                v.add(F.arrayNode().add(F.nullNode()));
                v.add(F.arrayNode().add(""));
                v.add(F.arrayNode().add("t".repeat(513)));
                v.add(F.arrayNode().add("a\u0000b"));
                ArrayNode many = F.arrayNode();
                for (int i = 0; i < 101; i++) {
                    many.add("t" + i);
                }
                v.add(many);
                v.add(F.objectNode());
            }
            case URL -> {
                for (String s : List.of("javascript:alert(1)", "ftp://x/y", "http://", "http:// space", "file:///etc/passwd",
                        "https://" + "a".repeat(2000), "data:text/html,<script>", "//evil.example/x", "../../x",
                        "http://x/\u0000")) {
                    v.add(txt(s));
                }
                v.addAll(NOT_STRINGS);
            }
            case FILTERS -> {
                v.add(txt("x"));
                v.add(F.objectNode());
                v.add(F.arrayNode().add(1));
                v.add(F.arrayNode().add(F.objectNode().put("key", "bad key").put("value", "v")));
                v.add(F.arrayNode().add(F.objectNode().put("key", "' OR 1=1").put("value", "v")));
                v.add(F.arrayNode().add(F.objectNode().put("key", "k")));
                v.add(F.arrayNode().add(F.objectNode().put("key", "k").put("value", 1)));
                v.add(F.arrayNode().add(F.objectNode().put("key", "k").put("value", "v").put("extra", 1)));
                v.add(F.arrayNode().add(F.objectNode().put("key", "k").put("value", "a\u0000")));
                ArrayNode many = F.arrayNode();
                for (int i = 0; i < 21; i++) {
                    many.add(F.objectNode().put("key", "k" + i).put("value", "v"));
                }
                v.add(many);
            }
            case ICONS -> {
                v.add(txt("x"));
                v.add(F.objectNode());
                v.add(F.arrayNode().add(1));
                v.add(F.arrayNode().add(F.objectNode().put("value", "nope")));
                v.add(F.arrayNode().add(F.objectNode().put("type", 1).put("value", "https://x.example/i.png")));
                v.add(F.arrayNode().add(F.objectNode().put("value", "https://x.example/i.png").put("primary", "yes")));
                v.add(F.arrayNode().add(F.objectNode()));
                v.add(F.arrayNode().add(F.objectNode().put("value", "https://x.example/i.png").put("x", 1)));
            }
            case STRING -> {
                v.addAll(NOT_STRINGS);
                v.add(F.nullNode());
            }
            case ENUM -> {
                for (String s : List.of("bogus", "", " ", "x' OR '1'='1", "active\u0000", "\uff21\uff23\uff34", "daily ",
                        "de\ud800", "../../etc/passwd", "UNLOCKED!", "z".repeat(10_000))) {
                    v.add(txt(s));
                }
                v.addAll(NOT_STRINGS);
            }
            case PREREQUISITES -> {
                v.add(F.arrayNode());
                v.add(F.arrayNode().add("a-metric").add("a-metric"));
                v.add(F.arrayNode().add("nope"));
                v.add(F.arrayNode().add(1));
                v.add(F.arrayNode().add(F.nullNode()));
                v.add(F.arrayNode().add("' OR 1=1 --"));
                v.add(txt("a-metric"));
                v.add(F.objectNode());
            }
            case DAYS -> v.addAll(ints(0, 3650));
            case STEPS -> v.addAll(ints(0, 1_000_000_000_000L));
            case STEP_DELTA -> v.addAll(ints(-1_000_000_000_000L, 1_000_000_000_000L));
            case USER_IDS -> {
                v.add(txt("u2"));
                v.add(F.objectNode());
                v.add(F.arrayNode().add(1));
                v.add(F.arrayNode().add(F.nullNode()));
                v.add(F.arrayNode().add("u1"));                  // the user itself
                v.add(F.arrayNode().add("nobody"));              // no such user
                for (int i = 0; i < 6; i++) {
                    v.add(F.arrayNode().add("mu").add(BAD_IDS.get(i * 7 % BAD_IDS.size())));
                }
                ArrayNode many = F.arrayNode();
                for (int i = 0; i < 1001; i++) {
                    many.add("f" + i);
                }
                v.add(many);
            }
        }
        return v;
    }

    private static List<JsonNode> attributeTypeErrors() {
        return List.of(txt("x"), F.numberNode(1), F.arrayNode().add("x"), F.objectNode().put("k", 1),
                F.objectNode().put("k", true), F.objectNode().set("k", F.objectNode()),
                F.objectNode().set("k", F.arrayNode()), F.objectNode().set("k", F.nullNode()));
    }

    private static List<JsonNode> ints(long min, long max) {
        List<JsonNode> v = new ArrayList<>();
        v.add(F.numberNode(min - 1));
        v.add(F.numberNode(max + 1));
        if (min > -1_000_000_000_000L) {
            v.add(F.numberNode(-1_000_000_000_000L));
        }
        v.add(F.numberNode(Long.MAX_VALUE));
        v.add(F.numberNode(Long.MIN_VALUE));
        v.add(F.numberNode(new java.math.BigInteger("99999999999999999999999")));
        v.add(F.numberNode(1.5));
        v.add(F.numberNode(min + 0.001));
        v.add(F.numberNode(1e300));
        v.add(txt("3"));
        v.add(F.booleanNode(true));
        v.add(F.arrayNode().add(3));
        for (String s : List.of("NaN", "Infinity", "1e400", "9".repeat(101))) {
            v.add(raw(s));
        }
        return v;
    }

    /** Whole bodies that are not one well-formed JSON object. */
    static List<byte[]> garbageBodies() {
        List<byte[]> b = new ArrayList<>();
        for (String s : List.of("{", "}", "[]", "null", "\"str\"", "1", "true", "{\"a\":}", "{'a':1}", "{\"a\":1,}",
                "{\"a\":1}{\"b\":2}", "{\"a\":1} x", "{\"a\":1,\"a\":2}", "{a:1}", "{\"a\":1 /* c */}",
                "{\"a\":NaN}", "{\"value\":Infinity}", "[{\"id\":\"u1\"}]", "\"{}\"",
                "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"unterminated}", "{\"a\":\"tab\tinside\"}",
                "<xml/>", "id=u1&value=1", "{\"user\":{\"id\":\"u1\"},\"value\":1", "\u0000", " ", "\r\n")) {
            b.add(s.getBytes(StandardCharsets.UTF_8));
        }
        b.add(new byte[0]);
        b.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'});             // bad UTF-8
        b.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'});
        b.add(new byte[] {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ':', '1', '}'});   // UTF-8 surrogate
        b.add(new byte[] {(byte) 0xC0, (byte) 0xAF});                                               // overlong '/'
        b.add("[".repeat(5000).getBytes(StandardCharsets.UTF_8));
        b.add(("{\"a\":".repeat(2000) + "1" + "}".repeat(2000)).getBytes(StandardCharsets.UTF_8));
        b.add(("[".repeat(65) + "]".repeat(65)).getBytes(StandardCharsets.UTF_8));
        b.add(("{\"a\":\"" + "x".repeat(1 << 20) + "\"}").getBytes(StandardCharsets.UTF_8));        // > 1 MiB
        b.add(("[" + "1,".repeat(200_000) + "1]").getBytes(StandardCharsets.UTF_8));
        return b;
    }

    static JsonNode txt(String s) {
        return F.textNode(s);
    }

    /** A literal written into the document as is (NaN, 1e400): Jackson's trees cannot hold these otherwise. */
    static JsonNode raw(String literal) {
        return F.rawValueNode(new RawValue(literal));
    }

    static <T> T pick(Random rng, List<T> list) {
        return list.get(rng.nextInt(list.size()));
    }

    /**
     * A path segment for a hostile id: percent-encoded as UTF-8 (so that it reaches the server as that string), or
     * one of the raw sequences a path can carry (invalid escapes, encoded NUL and CRLF, bytes that are not UTF-8).
     */
    static String pathSegment(Random rng, java.util.function.Predicate<String> allowed) {
        if (rng.nextInt(4) == 0) {
            return pick(rng, List.of("%zz", "%", "%C3%28", "%FF%FE", "%00", "%u0041", "%2e%2e", "%252e%252e%252f",
                    "%0d%0aSet-Cookie:%20x=1", "u1%0a", "\u00ff\u00fe", "%E2%80%AE", "%C0%AF", "%ED%A0%80", "a%20b",
                    "..%5C..%5C", "'%20OR%20'1'='1", "*", "$", "!", "(x)", "u1%3B"));
        }
        String id;
        do {
            id = pick(rng, BAD_IDS);
        } while (!allowed.test(id));
        return encode(id);
    }

    static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    static byte[] write(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
