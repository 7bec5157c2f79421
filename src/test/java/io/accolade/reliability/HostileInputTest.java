package io.accolade.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.reliability.Hostile.Kind;
import io.accolade.support.DbSnapshot;
import io.accolade.support.MutableClock;
import io.accolade.support.RawHttp;
import io.accolade.support.ServerTest;
import io.accolade.support.StoreKind;
import io.accolade.support.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, point 3: thousands of generated malformed requests against every route of every dialect (the route table
 * below is checked against the routes registered in the code). Each must be answered with a 4xx in the dialect's
 * error shape, never a 5xx, and the store must be exactly as before (every row of every table).
 *
 * <p>Deterministic per seed: {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.cases=N} changes its size. Every
 * generated value is invalid for its field by construction ({@link Hostile}), so any 2xx on a write is a bug.
 */
class HostileInputTest extends ServerTest {
    static final long SEED = Long.getLong("fuzz.seed", new Random().nextLong());
    static final int CASES = Integer.getInteger("fuzz.cases", 3000);
    static final Instant NOW = Instant.parse("2025-06-15T12:00:00Z");
    static final String APP = "fz";
    static final String OTHER = "fz-other";
    static final String MOBAGE = "/social/api/restful/v2";
    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String USER_ID_TYPE = "urn:accolade:params:oauth:token-type:user-id";

    @Override
    protected TestServer startServer(StoreKind kind) {
        // A clock that does not move: the streak scheduler has nothing to store while the test runs.
        return TestServer.start(kind, new MutableClock(NOW), c -> c);
    }

    /** Who may call a route: nobody needed, the operator, an app key, either, a Mobage user token, an OAuth client. */
    enum Auth { NONE, ADMIN, KEY, ADMIN_OR_KEY, TOKEN, CLIENT }

    enum Expect {
        /** Must be a 4xx with the dialect's error body. */
        CLIENT_ERROR,
        /** Anything but a 5xx (hostile values in places where the API answers "nothing found" with 2xx). */
        NO_SERVER_ERROR
    }

    record Slot(String path, Kind kind) {
    }

    /** One route: its method and template, who may call it, and (for writes) a valid body with its fields. */
    record Route(String method, String template, Auth auth, Map<String, String> params, JsonNode body,
                 List<Slot> slots, List<String> required, List<Map.Entry<String, JsonNode>> extras,
                 Map<String, List<String>> refusedParams, Map<String, List<String>> badQuery,
                 List<String> lenientQuery, List<Slot> lenientSlots, boolean strictQuery,
                 Map<String, String> form) {
        boolean hasBody() {
            return body != null;
        }

        /** An OAuth endpoint: a form-encoded body, not JSON. */
        boolean isForm() {
            return form != null;
        }

        String dialect() {
            return template.startsWith("/social/api/restful/v2") ? "mobage"
                    : template.startsWith("/oauth2") ? "oauth" : "trophy";
        }
    }

    record Case(String category, Route route, String method, String target, List<Map.Entry<String, String>> headers,
                byte[] body, Expect expect, String label) {
    }

    // ---- fixture ----------------------------------------------------------------------------------------------------

    private String key;
    private String otherKey;
    private String revokedKey;
    private String spareKeyId;
    private JsonNode export;
    private String userToken;
    private String revokedToken;
    private String orphanToken;

    private void fixture() {
        var app = server.newApp(APP);
        key = app.apiKey();
        otherKey = server.newApp(OTHER).apiKey();
        var admin = admin();
        String base = "/admin/v1/apps/" + APP;
        spareKeyId = ok(admin.post(base + "/keys", null)).get("id").asText();
        JsonNode revoked = ok(admin.post(base + "/keys", null));
        revokedKey = revoked.get("apiKey").asText();
        ok(admin.delete(base + "/keys/" + revoked.get("id").asText()));
        ok(admin.put(base + "/metrics/m1", Map.of("name", "M1", "units", "pts")));
        ok(admin.put(base + "/metrics/m2", Map.of("name", "M2")));
        ok(admin.put(base + "/metrics/m-arch", Map.of("name", "Archived", "status", "archived")));
        ok(admin.put(base + "/achievements/a-metric", Map.of("name", "Ten", "trigger", "metric", "metricKey", "m1",
                "metricValue", 10, "userAttributes", List.of(Map.of("key", "plan", "value", "pro")))));
        ok(admin.put(base + "/achievements/a-api", Map.of("name", "Api", "trigger", "api")));
        ok(admin.put(base + "/achievements/a-streak", Map.of("name", "Streak", "trigger", "streak", "streakLength", 3)));
        ok(admin.put(base + "/achievements/a-combo", Map.of("name", "Combo", "trigger", "achievement",
                "prerequisites", List.of("a-metric", "a-api"))));
        ok(admin.put(base + "/achievements/a-locked", Map.of("name", "Locked", "trigger", "api", "status", "locked")));
        ok(admin.put(base + "/achievements/a-inactive", Map.of("name", "Off", "trigger", "api", "status", "inactive")));
        ok(admin.put(base + "/streak", Map.of("enabled", true, "frequency", "daily",
                "metrics", List.of(Map.of("key", "m1", "threshold", 1)),
                "freezes", Map.of("enabled", true, "initial", 1, "max", 3))));
        var client = app.http();
        ok(client.put("/v1/users/u1", Map.of("name", "U1", "tz", "Europe/Paris", "attributes", Map.of("plan", "pro"))));
        ok(client.with("Idempotency-Key", "k1").post("/v1/metrics/m1/event",
                Map.of("user", Map.of("id", "u1"), "value", 12, "attributes", Map.of("src", "web"))));
        ok(client.post("/v1/achievements/a-api/complete", Map.of("user", Map.of("id", "u1"))));
        ok(client.put("/v1/users/u2", Map.of("email", "u2@x.example", "subscribeToEmails", true)));
        ok(client.post("/admin/v1/streaks/freezes", Map.of("freezes", List.of(Map.of("userId", "u2")))));
        ok(server.http.withKey(otherKey).post("/v1/users", Map.of("id", "ou")));
        // Mobage: a user with a token and records, a friendship, a revoked token and one whose key was revoked.
        ok(admin.put(base + "/achievements/a-steps", Map.of("name", "Steps", "trigger", "api", "totalSteps", 10)));
        userToken = token(client, "mu");
        revokedToken = token(client, "mu");
        assertThat(client.postForm("/oauth2/revoke", Map.of("token", revokedToken)).status()).isEqualTo(200);
        JsonNode doomed = ok(admin.post(base + "/keys", null));
        orphanToken = token(server.http.withKey(doomed.get("apiKey").asText()), "mu");
        ok(admin.delete(base + "/keys/" + doomed.get("id").asText()));
        var mobage = server.http.withBearer(userToken);
        ok(mobage.put(MOBAGE + "/people/@me/@self/achievements/@app/a-steps?fields=steps", Map.of("steps", 2)));
        ok(admin.put(base + "/users/u1/friends", Map.of("friends", List.of("u2"))));
        export = ok(admin.get(base + "/definitions"));
    }

    private static String token(io.accolade.support.Http client, String user) {
        return ok(client.postForm("/oauth2/token", Map.of("grant_type", TOKEN_EXCHANGE, "subject_token", user,
                "subject_token_type", USER_ID_TYPE))).get("access_token").asText();
    }

    private static JsonNode ok(io.accolade.support.Http.Resp r) {
        assertThat(r.status()).as("fixture request: " + r).isBetween(200, 299);
        return r.json();
    }

    // ---- the routes -------------------------------------------------------------------------------------------------

    private static final class RouteBuilder {
        final String method;
        final String template;
        final Auth auth;
        final Map<String, String> params = new LinkedHashMap<>();
        JsonNode body;
        final List<Slot> slots = new ArrayList<>();
        final List<String> required = new ArrayList<>();
        final List<Map.Entry<String, JsonNode>> extras = new ArrayList<>();
        final Map<String, List<String>> refused = new LinkedHashMap<>();
        final Map<String, List<String>> badQuery = new LinkedHashMap<>();
        final List<String> lenientQuery = new ArrayList<>();
        final List<Slot> lenientSlots = new ArrayList<>();
        boolean strictQuery;
        Map<String, String> form;

        RouteBuilder(String method, String template, Auth auth) {
            this.method = method;
            this.template = template;
            this.auth = auth;
            Matcher m = Pattern.compile("\\{(\\w+)}").matcher(template);
            while (m.find()) {
                boolean mobage = template.startsWith(MOBAGE);
                params.put(m.group(1), switch (m.group(1)) {
                    case "appId" -> mobage ? "@app" : APP;
                    case "id" -> "u1";
                    case "userId" -> mobage ? "@me" : "u1";
                    case "friendId" -> "mu";
                    case "selfOrFriends" -> "@self";
                    case "keyId" -> "KEYID";
                    default -> template.contains("/metrics/") ? "m1" : "a-api";
                });
            }
        }

        RouteBuilder param(String name, String value) {
            params.put(name, value);
            return this;
        }

        RouteBuilder body(String json) {
            body = Hostile.MAPPER.valueToTree(parse(json));
            return this;
        }

        RouteBuilder body(JsonNode json) {
            body = json;
            return this;
        }

        RouteBuilder slot(String path, Kind kind) {
            slots.add(new Slot(path, kind));
            return this;
        }

        RouteBuilder required(String... paths) {
            required.addAll(List.of(paths));
            return this;
        }

        /** A member that makes the body invalid when added (unknown field, field of another trigger, conflict). */
        RouteBuilder extra(String field, Object value) {
            extras.add(Map.entry(field, Hostile.MAPPER.valueToTree(value)));
            return this;
        }

        RouteBuilder strict() {
            extra("bogus", 1);
            extra("__proto__", Map.of("admin", true));
            extra("constructor", "x");
            return this;
        }

        RouteBuilder refused(String param, String... values) {
            refused.put(param, List.of(values));
            return this;
        }

        RouteBuilder badQuery(String name, String... values) {
            badQuery.put(name, List.of(values));
            return this;
        }

        RouteBuilder lenientQuery(String... names) {
            lenientQuery.addAll(List.of(names));
            return this;
        }

        RouteBuilder lenient(String path, Kind kind) {
            lenientSlots.add(new Slot(path, kind));
            return this;
        }

        /** Unknown query parameters are refused (Mobage's reads): query noise must get a 4xx too. */
        RouteBuilder strictQuery() {
            strictQuery = true;
            return this;
        }

        RouteBuilder form(Map<String, String> valid) {
            form = valid;
            return this;
        }

        Route build() {
            return new Route(method, template, auth, params, body, slots, required, extras, refused, badQuery,
                    lenientQuery, lenientSlots, strictQuery, form);
        }

        private static Object parse(String json) {
            try {
                return Hostile.MAPPER.readTree(json);
            } catch (IOException e) {
                throw new IllegalArgumentException(json, e);
            }
        }
    }

    private static RouteBuilder r(String method, String template, Auth auth) {
        return new RouteBuilder(method, template, auth);
    }

    private static final String USER_FIELDS = "\"email\":\"new@x.example\",\"name\":\"New\",\"tz\":\"Europe/London\","
            + "\"deviceTokens\":[\"t1\"],\"subscribeToEmails\":true,\"attributes\":{\"plan\":\"pro\"}";

    private static RouteBuilder userSlots(RouteBuilder b, String prefix) {
        return b.slot(prefix + "email", Kind.EMAIL).slot(prefix + "name", Kind.TEXT_200).slot(prefix + "tz", Kind.TZ)
                .slot(prefix + "deviceTokens", Kind.TOKENS).slot(prefix + "subscribeToEmails", Kind.BOOLEAN)
                .slot(prefix + "attributes", Kind.ATTRIBUTES);
    }

    /** Every route of the server, with valid parameters and bodies that the fuzzer makes invalid. */
    List<Route> routes() {
        String base = "/admin/v1/apps/{appId}";
        List<Route> out = new ArrayList<>();
        // Health: no auth, no parameters; only query noise reaches them.
        out.add(r("GET", "/health", Auth.NONE).build());
        out.add(r("GET", "/health/live", Auth.NONE).build());

        // Apps and keys: operator only.
        out.add(r("POST", "/admin/v1/apps", Auth.ADMIN).body("{\"id\":\"fz-new\",\"name\":\"New app\"}")
                .slot("id", Kind.KEY).slot("name", Kind.NAME).required("id").strict().extra("id", APP).build());
        out.add(r("GET", "/admin/v1/apps", Auth.ADMIN).build());
        out.add(r("GET", "/admin/v1/apps/{appId}", Auth.ADMIN).refused("appId", "nope").build());
        out.add(r("DELETE", "/admin/v1/apps/{appId}", Auth.ADMIN).refused("appId", "nope").build());
        out.add(r("POST", "/admin/v1/apps/{appId}/keys", Auth.ADMIN).refused("appId", "nope").build());
        out.add(r("GET", "/admin/v1/apps/{appId}/keys", Auth.ADMIN).refused("appId", "nope").build());
        out.add(r("DELETE", "/admin/v1/apps/{appId}/keys/{keyId}", Auth.ADMIN).param("keyId", spareKeyId)
                .refused("keyId", "key_nope").build());

        // Definitions: the operator, or the app's own key.
        out.add(r("GET", base + "/metrics", Auth.ADMIN_OR_KEY).build());
        out.add(r("GET", base + "/metrics/{key}", Auth.ADMIN_OR_KEY).refused("key", "nope").build());
        out.add(r("PUT", base + "/metrics/{key}", Auth.ADMIN_OR_KEY).param("key", "m2")
                .body("{\"name\":\"Metric\",\"units\":\"pts\",\"status\":\"active\"}")
                .slot("name", Kind.NAME).slot("units", Kind.TEXT_50).slot("status", Kind.ENUM).strict()
                .extra("key", "other-key").build());
        out.add(r("DELETE", base + "/metrics/{key}", Auth.ADMIN_OR_KEY)
                .refused("key", "nope", "m1").build());                  // m1 counts for streaks and a-metric: 409
        out.add(r("GET", base + "/achievements", Auth.ADMIN_OR_KEY).build());
        out.add(r("GET", base + "/achievements/{key}", Auth.ADMIN_OR_KEY).refused("key", "nope").build());
        out.add(r("PUT", base + "/achievements/{key}", Auth.ADMIN_OR_KEY).param("key", "a-new")
                .body("{\"name\":\"A\",\"description\":\"d\",\"badgeUrl\":\"https://x.example/b.png\",\"status\":\"active\","
                        + "\"trigger\":\"metric\",\"metricKey\":\"m1\",\"metricValue\":5,"
                        + "\"userAttributes\":[{\"key\":\"plan\",\"value\":\"pro\"}],"
                        + "\"eventAttributes\":[{\"key\":\"src\",\"value\":\"web\"}],\"initialState\":\"REVEALED\","
                        + "\"revealedDescription\":\"r\",\"unlockedDescription\":\"u\",\"type\":\"t\",\"stepFormat\":\"pt\","
                        + "\"point\":10,\"disclosed\":true,"
                        + "\"revealedIconUrls\":[{\"type\":\"default\",\"value\":\"https://x.example/i.png\",\"primary\":true}],"
                        + "\"unlockedIconUrls\":[]}")
                .slot("name", Kind.NAME).slot("description", Kind.TEXT_2000).slot("badgeUrl", Kind.URL)
                .slot("status", Kind.ENUM).slot("trigger", Kind.ENUM).slot("metricKey", Kind.KEY)
                .slot("metricValue", Kind.POSITIVE_NUMBER).slot("userAttributes", Kind.FILTERS)
                .slot("eventAttributes", Kind.FILTERS).slot("initialState", Kind.ENUM)
                .slot("revealedDescription", Kind.TEXT_2000).slot("unlockedDescription", Kind.TEXT_2000)
                .slot("type", Kind.TEXT_50).slot("stepFormat", Kind.TEXT_50).slot("point", Kind.POINT)
                .slot("disclosed", Kind.BOOLEAN).slot("revealedIconUrls", Kind.ICONS).slot("unlockedIconUrls", Kind.ICONS)
                .required("name", "trigger", "metricKey", "metricValue").strict()
                .extra("streakLength", 3).extra("prerequisites", List.of("a-api")).extra("totalSteps", 7)
                .extra("repeatable", true).extra("metricKey", "nope").extra("key", "other-key")
                .extra("initialState", "UNLOCKED").build());
        out.add(r("PUT", base + "/achievements/{key}", Auth.ADMIN_OR_KEY).param("key", "a-streak2")
                .body("{\"name\":\"S\",\"trigger\":\"streak\",\"streakLength\":3}")
                .slot("streakLength", Kind.STREAK_LENGTH).slot("name", Kind.NAME).required("streakLength")
                .extra("metricValue", 3).extra("eventAttributes", List.of(Map.of("key", "k", "value", "v")))
                .extra("totalSteps", 4).build());
        out.add(r("PUT", base + "/achievements/{key}", Auth.ADMIN_OR_KEY).param("key", "a-api")
                .body("{\"name\":\"C\",\"trigger\":\"achievement\",\"prerequisites\":[\"a-metric\"]}")
                .slot("prerequisites", Kind.PREREQUISITES).required("prerequisites").extra("streakLength", 2)
                .extra("prerequisites", List.of("a-combo"))           // a-combo needs a-api: a cycle
                .extra("prerequisites", List.of("a-api"))             // itself
                .extra("repeatable", true).build());
        out.add(r("PUT", base + "/achievements/{key}", Auth.ADMIN_OR_KEY).param("key", "a-api2")
                .body("{\"name\":\"P\",\"trigger\":\"api\",\"totalSteps\":5,\"repeatable\":true}")
                .slot("totalSteps", Kind.TOTAL_STEPS).slot("repeatable", Kind.BOOLEAN).slot("name", Kind.NAME)
                .extra("metricKey", "m1").build());
        out.add(r("DELETE", base + "/achievements/{key}", Auth.ADMIN_OR_KEY)
                .refused("key", "nope", "a-api", "a-metric").build());   // prerequisites of a-combo: 409
        out.add(r("GET", base + "/streak", Auth.ADMIN_OR_KEY).build());
        out.add(r("PUT", base + "/streak", Auth.ADMIN_OR_KEY)
                .body("{\"enabled\":true,\"frequency\":\"weekly\",\"metrics\":[{\"key\":\"m1\",\"threshold\":1}],"
                        + "\"mode\":\"ALL\",\"weekStart\":\"monday\",\"freezes\":{\"enabled\":true,\"initial\":1,"
                        + "\"autoEarnAmount\":1,\"autoEarnIntervalDays\":7,\"max\":3}}")
                .slot("enabled", Kind.BOOLEAN).slot("frequency", Kind.ENUM).slot("metrics", Kind.OBJECT_LIST)
                .slot("metrics.0.key", Kind.KEY).slot("metrics.0.threshold", Kind.POSITIVE_NUMBER)
                .slot("mode", Kind.ENUM).slot("weekStart", Kind.ENUM).slot("freezes", Kind.OBJECT)
                .slot("freezes.enabled", Kind.BOOLEAN).slot("freezes.initial", Kind.COUNT_100)
                .slot("freezes.autoEarnAmount", Kind.COUNT_100).slot("freezes.autoEarnIntervalDays", Kind.DAYS)
                .slot("freezes.max", Kind.COUNT_100).strict().extra("metrics", List.of())
                .extra("metrics", List.of(Map.of("key", "m1"), Map.of("key", "m1")))
                .extra("metrics", List.of(Map.of("key", "m1", "threshold", 1, "x", 1))).build());
        out.add(r("GET", base + "/definitions", Auth.ADMIN_OR_KEY).build());
        out.add(definitionsImport(base));

        // Trophy's application API.
        out.add(userSlots(r("POST", "/v1/users", Auth.KEY).body("{\"id\":\"u-new\"," + USER_FIELDS + "}"), "")
                .slot("id", Kind.USER_ID).required("id").extra("email", null).build());     // subscribed, no email
        out.add(r("GET", "/v1/users/{id}", Auth.KEY).refused("id", "nobody").build());
        out.add(userSlots(r("PUT", "/v1/users/{id}", Auth.KEY).body("{" + USER_FIELDS + "}"), "").build());
        out.add(userSlots(r("PATCH", "/v1/users/{id}", Auth.KEY).body("{" + USER_FIELDS + "}"), "")
                .refused("id", "nobody").build());
        out.add(r("GET", "/v1/users/{id}/achievements", Auth.KEY).refused("id", "nobody")
                .lenientQuery("includeIncomplete").build());
        out.add(r("GET", "/v1/users/{id}/metrics", Auth.KEY).refused("id", "nobody").build());
        out.add(r("GET", "/v1/users/{id}/metrics/{key}", Auth.KEY).refused("id", "nobody").refused("key", "nope")
                .build());
        out.add(r("GET", "/v1/users/{id}/metrics/{key}/event-summary", Auth.KEY).refused("id", "nobody")
                .refused("key", "nope")
                .badQuery("aggregation", "hourly", "", "DAILY", "daily ", "%00")
                .badQuery("startDate", "2025-13-01", "yesterday", "", "+99999-01-01", "2025-02-30")
                .badQuery("endDate", "2025-1-1", "1e3", "").build());
        out.add(r("GET", "/v1/users/{id}/preferences", Auth.KEY).refused("id", "nobody").build());
        out.add(r("PATCH", "/v1/users/{id}/preferences", Auth.KEY)
                .body("{\"notifications\":{\"recap\":[\"email\"],\"streak_reminder\":[]}}")
                .slot("notifications", Kind.OBJECT)
                .extra("notifications", Map.of("carrier_pigeon", List.of("email")))
                .extra("notifications", Map.of("recap", List.of("fax")))
                .extra("notifications", Map.of("recap", "email"))            // a word, not a list
                .extra("notifications", Map.of("recap", List.of(1)))
                .refused("id", "nobody").build());
        out.add(r("GET", "/v1/achievements", Auth.KEY).badQuery("userAttributes", "nocolon", ":v", "a:b,,c:d")
                .lenientQuery("userAttributes").build());
        out.add(userSlots(r("POST", "/v1/metrics/{key}/event", Auth.KEY)
                .body("{\"user\":{\"id\":\"u1\"," + USER_FIELDS + "},\"value\":3,\"attributes\":{\"src\":\"web\"},"
                        + "\"timestamp\":\"2025-06-15T11:00:00Z\"}"), "user.")
                .slot("user", Kind.OBJECT).slot("user.id", Kind.USER_ID).slot("value", Kind.NUMBER)
                .slot("attributes", Kind.EVENT_ATTRIBUTES).slot("timestamp", Kind.TIMESTAMP)
                .required("user", "value", "user.id").refused("key", "m-arch", "nope").build());
        out.add(r("POST", "/v1/achievements/{key}/complete", Auth.KEY)
                .body("{\"user\":{\"id\":\"u2\",\"tz\":\"UTC\",\"attributes\":{\"plan\":\"pro\"}}}")
                .slot("user", Kind.OBJECT).slot("user.id", Kind.USER_ID).slot("user.tz", Kind.TZ)
                .slot("user.attributes", Kind.ATTRIBUTES).slot("user.email", Kind.EMAIL).required("user", "user.id")
                .refused("key", "a-metric", "a-inactive", "a-locked", "nope").build());
        out.add(r("GET", "/v1/users/{id}/streak", Auth.KEY).refused("id", "nobody")
                .badQuery("historyPeriods", "0", "366", "-1", "1.5", "abc", "", "99999999999", "%00", "1e2", "+7 ",
                        "0x10").build());
        out.add(r("GET", "/v1/streaks", Auth.KEY).badQuery("userIds", "a,".repeat(101)).lenientQuery("userIds")
                .build());
        out.add(r("GET", "/v1/streaks/rankings", Auth.KEY)
                .badQuery("type", "bogus", "", "ACTIVE", "active ", "longest;")
                .badQuery("limit", "0", "101", "-5", "x", "1.0", "", "99999999999").build());
        out.add(r("POST", "/admin/v1/streaks/freezes", Auth.KEY).body("{\"freezes\":[{\"userId\":\"u1\"}]}")
                .slot("freezes", Kind.OBJECT_LIST).slot("freezes.0.userId", Kind.STRING)
                .required("freezes", "freezes.0.userId").extra("freezes", List.of())
                .extra("freezes", java.util.Collections.nCopies(1001, Map.of("userId", "u1")))
                .lenient("freezes.0.userId", Kind.USER_ID).build());
        out.add(r("POST", "/admin/v1/streaks/restore", Auth.KEY).body("{\"users\":[{\"id\":\"u1\"}]}")
                .slot("users", Kind.OBJECT_LIST).slot("users.0.id", Kind.STRING).required("users", "users.0.id")
                .extra("users", List.of()).extra("users", java.util.Collections.nCopies(101, Map.of("id", "u1")))
                .lenient("users.0.id", Kind.USER_ID).build());

        // Friends (admin API, for Mobage's @friends).
        String friends = base + "/users/{userId}/friends";
        out.add(r("GET", friends, Auth.ADMIN_OR_KEY).refused("userId", "nobody").build());
        out.add(r("PUT", friends, Auth.ADMIN_OR_KEY).body("{\"friends\":[\"mu\"]}").slot("friends", Kind.USER_IDS)
                .required("friends").strict().refused("userId", "nobody").build());
        out.add(r("POST", friends + "/{friendId}", Auth.ADMIN_OR_KEY).refused("userId", "nobody")
                .refused("friendId", "u1", "nobody").build());
        out.add(r("DELETE", friends + "/{friendId}", Auth.ADMIN_OR_KEY).param("friendId", "u2")
                .refused("userId", "nobody").refused("friendId", "u1", "mu", "nobody").build());

        // Mobage's User Achievement and Achievement resources, with a user's token.
        String people = MOBAGE + "/people/{userId}/{selfOrFriends}/achievements/{appId}";
        String[] pagingBad = {"0", "1001", "-1", "x", "1.5", "", "99999999999", "+5", "%00", "1e2"};
        out.add(mobageReads(r("GET", people, Auth.TOKEN)).build());
        out.add(mobageReads(r("GET", people + "/{achievementId}", Auth.TOKEN)).refused("achievementId", "a,,b",
                "a-api," + "x,".repeat(100) + "y").build());
        out.add(mobageWrites(r("PUT", people + "/{achievementId}", Auth.TOKEN).body("{\"state\":\"UNLOCKED\"}"))
                .slot("state", Kind.ENUM).required("state").extra("steps", -1).extra("state", "HIDDEN")
                .badQuery("fields", "bogus", "state,steps", "", "state,", "STATE").badQuery("format", "xml", "")
                .build());
        out.add(mobageWrites(r("PUT", people + "/{achievementId}", Auth.TOKEN).param("achievementId", "a-steps")
                .body("{\"steps\":3}")).slot("steps", Kind.STEPS).required("steps").extra("state", "bogus")
                .badQuery("fields", "bogus", "state", "state,steps").build());
        out.add(mobageWrites(r("POST", people + "/{achievementId}/increment", Auth.TOKEN)
                .param("achievementId", "a-steps").body("{\"steps\":1}")).slot("steps", Kind.STEP_DELTA)
                .required("steps").strict().extra("state", "UNLOCKED").badQuery("fields", "steps")
                .badQuery("format", "xml").build());
        out.add(r("GET", MOBAGE + "/achievements/{appId}", Auth.TOKEN).refused("appId", OTHER, "@App")
                .badQuery("count", pagingBad).badQuery("startIndex", "0", "-1", "x", "99999999999", "")
                .badQuery("fields", "bogus", "", "id,,name").badQuery("format", "xml").strictQuery().build());
        out.add(r("GET", MOBAGE + "/achievements/{appId}/{achievementId}", Auth.TOKEN).param("achievementId", "a-api")
                .refused("appId", OTHER).refused("achievementId", "nope", "a-inactive").strictQuery()
                .badQuery("fields", "bogus").build());

        // OAuth token endpoints (form bodies), with the app's credentials.
        Map<String, String> exchange = new LinkedHashMap<>();
        exchange.put("grant_type", TOKEN_EXCHANGE);
        exchange.put("subject_token", "u-oauth");
        exchange.put("subject_token_type", USER_ID_TYPE);
        out.add(r("POST", "/oauth2/token", Auth.CLIENT).form(exchange).build());
        out.add(r("POST", "/oauth2/revoke", Auth.CLIENT).form(Map.of("token", userToken == null ? "t" : userToken))
                .build());
        return out;
    }

    /** Query options of Mobage's User Achievement reads, all invalid; unknown parameters are refused too. */
    private static RouteBuilder mobageReads(RouteBuilder b) {
        return b.refused("userId", "@you", "@")
                .refused("selfOrFriends", "@bogus", "self", "@SELF")
                .refused("appId", OTHER, "@App")
                .badQuery("count", "0", "1001", "-1", "x", "1.5", "", "99999999999", "+5", "1e2")
                .badQuery("startIndex", "0", "-1", "x", "99999999999", "")
                .badQuery("filterBy", "state", "bogus").badQuery("filterValue", "UNLOCKED", "bogus")
                .badQuery("filterOp", "equals", "contains").badQuery("sortBy", "userId", "bogus")
                .badQuery("sortOrder", "ascending", "up")
                .badQuery("updatedSince", "2013-13-45T00:00:00", "yesterday", "2013-07-13T05:37:11Z",
                        "2013-07-13", "+999999999-12-31T23:59:59", "-999999999-01-01T00:00:00", "2013-02-30T00:00:00",
                        "2013-07-13T25:00:00", "")
                .badQuery("fields", "bogus", "", "userId,,state", "userId,bogus").badQuery("format", "xml", "JSON")
                .strictQuery();
    }

    /** The refusals every Mobage write shares: another user (403), @friends, another app, unknown or locked ids. */
    private static RouteBuilder mobageWrites(RouteBuilder b) {
        return b.refused("userId", "u1", "mu,u1", "@you").refused("selfOrFriends", "@friends", "@bogus")
                .refused("appId", OTHER, "@App").refused("achievementId", "nope", "a-inactive", "a-locked",
                        "a-api,a-steps");
    }

    /** PUT /definitions with the app's own export as the template: every member of it is a slot. */
    private Route definitionsImport(String base) {
        RouteBuilder b = r("PUT", base + "/definitions", Auth.ADMIN_OR_KEY).body(export.deepCopy())
                .slot("metrics", Kind.OBJECT_LIST).slot("achievements", Kind.OBJECT_LIST).slot("streak", Kind.OBJECT)
                .slot("streak.frequency", Kind.ENUM).slot("streak.mode", Kind.ENUM)
                .slot("streak.metrics", Kind.OBJECT_LIST).strict();
        for (int i = 0; i < export.get("metrics").size(); i++) {
            b.slot("metrics." + i + ".key", Kind.KEY).slot("metrics." + i + ".name", Kind.NAME)
                    .slot("metrics." + i + ".status", Kind.ENUM).slot("metrics." + i + ".units", Kind.TEXT_50);
        }
        for (int i = 0; i < export.get("achievements").size(); i++) {
            JsonNode a = export.get("achievements").get(i);
            String p = "achievements." + i + ".";
            b.slot(p + "key", Kind.KEY).slot(p + "name", Kind.NAME).slot(p + "status", Kind.ENUM)
                    .slot(p + "trigger", Kind.ENUM).slot(p + "badgeUrl", Kind.URL)
                    .slot(p + "userAttributes", Kind.FILTERS);
            switch (a.get("trigger").asText()) {
                case "metric" -> b.slot(p + "metricValue", Kind.POSITIVE_NUMBER).slot(p + "metricKey", Kind.KEY);
                case "streak" -> b.slot(p + "streakLength", Kind.STREAK_LENGTH);
                case "achievement" -> b.slot(p + "prerequisites", Kind.PREREQUISITES);
                default -> b.slot(p + "totalSteps", Kind.TOTAL_STEPS);
            }
        }
        b.badQuery("prune", "true");   // with an invalid document: must not prune anything either
        return b.build();
    }

    // ---- generation -------------------------------------------------------------------------------------------------

    private final AtomicInteger idem = new AtomicInteger();

    Case generate(Random rng, List<Route> routes) {
        int roll = rng.nextInt(100);
        List<Route> withBody = routes.stream().filter(Route::hasBody).toList();
        if (roll < 40) {
            return bodyMutation(rng, Hostile.pick(rng, withBody));
        }
        if (roll < 52) {
            Route route = Hostile.pick(rng, withBody);
            byte[] body = Hostile.pick(rng, Hostile.garbageBodies());
            List<Map.Entry<String, String>> headers = auth(route);
            if (rng.nextBoolean()) {
                headers.add(Map.entry("Content-Type", Hostile.pick(rng, List.of("application/json", "text/plain",
                        "application/xml", "multipart/form-data; boundary=x", "application/json; charset=latin1",
                        "application/x-www-form-urlencoded", "\u00ff/\u00fe"))));
            }
            return new Case("garbage-body", route, route.method(), target(route, route.params()), headers, body,
                    Expect.CLIENT_ERROR, preview(body));
        }
        if (roll < 70) {
            return pathCase(rng, Hostile.pick(rng, routes.stream().filter(x -> !x.params().isEmpty()).toList()));
        }
        if (roll < 80) {
            return queryCase(rng, Hostile.pick(rng, routes.stream().filter(x -> x.method().equals("GET")
                    || !x.badQuery().isEmpty()).toList()));
        }
        if (roll < 88) {
            return authCase(rng, Hostile.pick(rng, routes.stream().filter(x -> x.auth() != Auth.NONE).toList()));
        }
        if (roll < 93) {
            return oauthCase(rng, Hostile.pick(rng, routes.stream().filter(Route::isForm).toList()));
        }
        List<Route> plain = routes.stream().filter(x -> x.auth() != Auth.NONE && !x.isForm()).toList();
        if (roll < 97) {
            return headerCase(rng, Hostile.pick(rng, plain));
        }
        return httpCase(rng, Hostile.pick(rng, plain));
    }

    /** The OAuth endpoints: form bodies with a parameter missing, repeated, hostile or badly encoded. */
    private Case oauthCase(Random rng, Route route) {
        Map<String, String> form = new LinkedHashMap<>(route.form());
        List<Map.Entry<String, String>> headers = auth(route);
        boolean revoke = route.template().endsWith("/revoke");
        Expect expect = Expect.CLIENT_ERROR;
        String label;
        String extra = "";
        String contentType = "application/x-www-form-urlencoded";
        int what = rng.nextInt(8);
        String name = Hostile.pick(rng, new ArrayList<>(form.keySet()));
        switch (what) {
            case 0 -> {
                form.remove(name);
                label = "-" + name;
            }
            case 1 -> {
                String v = revoke ? Hostile.pick(rng, Hostile.BAD_IDS) : Hostile.pick(rng, List.of("", "password",
                        "client_credentials", "authorization_code", "refresh_token", TOKEN_EXCHANGE + " ",
                        "urn:ietf:params:oauth:token-type:jwt", "' OR 1=1 --", "x".repeat(5000)));
                String field = revoke ? "token" : (name.equals("subject_token") ? "grant_type" : name);
                form.put(field, field.equals("subject_token") ? Hostile.pick(rng, Hostile.BAD_IDS) : v);
                label = field + "=" + abbreviate(form.get(field));
                // RFC 7009: a revocation answers 200 for any token it does not know.
                expect = revoke && !v.isEmpty() ? Expect.NO_SERVER_ERROR : Expect.CLIENT_ERROR;
            }
            case 2 -> {
                if (revoke) {
                    form.put("token", "");
                    label = "empty token";
                } else {
                    form.put("subject_token", Hostile.pick(rng, Hostile.BAD_IDS));
                    label = "subject_token=" + abbreviate(form.get("subject_token"));
                }
            }
            case 3 -> {
                extra = "&" + name + "=" + Hostile.encode(form.get(name));
                label = "repeated " + name;
            }
            case 4 -> {
                extra = "&" + Hostile.pick(rng, List.of("subject_token=%zz", "grant_type=%", "x=%C3%28%zz",
                        "token=%G0", "%=1"));
                label = "bad encoding " + extra;
                if (revoke) {
                    form.remove("token");
                }
            }
            case 5 -> {
                contentType = Hostile.pick(rng, List.of("application/json", "text/plain", "", "multipart/form-data",
                        "application/x-www-form-url"));
                label = "Content-Type: " + contentType;
            }
            case 6 -> {
                if (revoke) {
                    form.remove("token");
                    form.put("tokens", "x");
                    label = "no token";
                } else {
                    form.put(Hostile.pick(rng, List.of("actor_token", "requested_token_type")), "x");
                    label = "actor or requested type";
                }
            }
            default -> {
                byte[] body = Hostile.pick(rng, Hostile.garbageBodies());
                headers.add(Map.entry("Content-Type", contentType));
                return new Case("oauth", route, "POST", route.template(), headers, body,
                        revoke ? Expect.NO_SERVER_ERROR : Expect.CLIENT_ERROR, "garbage " + preview(body));
            }
        }
        if (!contentType.isEmpty()) {
            headers.add(Map.entry("Content-Type", contentType));
        }
        byte[] body = (formBody(form) + extra).getBytes(StandardCharsets.UTF_8);
        return new Case("oauth", route, "POST", route.template(), headers, body, expect, label);
    }

    static String formBody(Map<String, String> form) {
        StringBuilder sb = new StringBuilder();
        form.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : "&").append(Hostile.encode(k)).append('=')
                .append(Hostile.encode(v)));
        return sb.toString();
    }

    /** A route's valid body with its content type, or null. */
    private static byte[] validBody(Route route, List<Map.Entry<String, String>> headers) {
        if (route.isForm()) {
            headers.add(Map.entry("Content-Type", "application/x-www-form-urlencoded"));
            return formBody(route.form()).getBytes(StandardCharsets.UTF_8);
        }
        return route.hasBody() ? Hostile.write(route.body()) : null;
    }

    private Case bodyMutation(Random rng, Route route) {
        ObjectNode body = (ObjectNode) route.body().deepCopy();
        List<String> did = new ArrayList<>();
        Expect expect = Expect.CLIENT_ERROR;
        if (!route.lenientSlots().isEmpty() && rng.nextInt(5) == 0) {
            Slot s = Hostile.pick(rng, route.lenientSlots());
            String v = Hostile.pick(rng, Hostile.BAD_IDS);
            set(body, s.path(), Hostile.txt(v));
            did.add(s.path() + "=" + abbreviate(v));
            expect = Expect.NO_SERVER_ERROR;
        } else {
            int n = 1 + (rng.nextInt(4) == 0 ? rng.nextInt(3) : 0);
            for (int i = 0; i < n; i++) {
                int what = rng.nextInt(10);
                if (what == 0 && !route.required().isEmpty()) {
                    String p = Hostile.pick(rng, route.required());
                    remove(body, p);
                    did.add("-" + p);
                } else if (what == 1 && !route.extras().isEmpty()) {
                    var e = Hostile.pick(rng, route.extras());
                    body.set(e.getKey(), e.getValue());
                    did.add("+" + e.getKey() + "=" + abbreviate(e.getValue().toString()));
                } else {
                    Slot s = Hostile.pick(rng, route.slots());
                    JsonNode v = Hostile.pick(rng, Hostile.values(s.kind()));
                    set(body, s.path(), v);
                    did.add(s.path() + "=" + abbreviate(v.toString()));
                }
            }
        }
        List<Map.Entry<String, String>> headers = auth(route);
        String target = target(route, route.params());
        if (route.template().endsWith("/definitions") && rng.nextBoolean()) {
            target += "?prune=true";
        }
        return new Case("body", route, route.method(), target, headers, Hostile.write(body), expect,
                String.join(" ", did));
    }

    private Case pathCase(Random rng, Route route) {
        Map<String, String> params = new LinkedHashMap<>(route.params());
        List<String> names = new ArrayList<>(params.keySet());
        String name = Hostile.pick(rng, names);
        List<String> refused = route.refusedParams().getOrDefault(name, List.of());
        // Mobage reads take comma lists and @-literals (@me, @app, @self): those are not hostile there.
        boolean mobage = route.dialect().equals("mobage");
        String value = !refused.isEmpty() && rng.nextInt(3) == 0 ? Hostile.encode(Hostile.pick(rng, refused))
                : Hostile.pathSegment(rng, v -> !mobage || !(v.contains(",") || v.startsWith("@")));
        params.put(name, value);
        byte[] body = route.hasBody() ? Hostile.write(route.body()) : null;
        return new Case("path", route, route.method(), target(route, params), auth(route), body,
                Expect.CLIENT_ERROR, name + "=" + abbreviate(value));
    }

    private Case queryCase(Random rng, Route route) {
        StringBuilder q = new StringBuilder();
        Expect expect = Expect.NO_SERVER_ERROR;
        String label;
        if (!route.badQuery().isEmpty() && rng.nextBoolean()) {
            String name = Hostile.pick(rng, new ArrayList<>(route.badQuery().keySet()));
            String v = Hostile.pick(rng, route.badQuery().get(name));
            q.append(name).append('=').append(v.startsWith("%") ? v : Hostile.encode(v));
            expect = Expect.CLIENT_ERROR;
            label = name + "=" + abbreviate(v);
        } else {
            List<String> names = new ArrayList<>(route.lenientQuery());
            names.addAll(List.of("x", "' OR 1=1 --", "../../etc/passwd", "limit", "offset", "appId", "__proto__"));
            int n = 1 + rng.nextInt(3);
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = Hostile.pick(rng, names);
                String v = rng.nextInt(4) == 0 ? Hostile.pick(rng, List.of("%zz", "%", "%C3%28", "%00", "%FF"))
                        : Hostile.encode(Hostile.pick(rng, Hostile.BAD_IDS));
                parts.add(Hostile.encode(name) + "=" + v);
            }
            q.append(String.join("&", parts));
            label = abbreviate(q.toString());
            if (route.strictQuery()) {
                expect = Expect.CLIENT_ERROR;
            }
        }
        byte[] body = null;
        if (route.hasBody()) {
            // A write with a hostile query string still needs a body that is invalid, or it would succeed.
            Case invalid = bodyMutation(rng, route);
            body = invalid.body();
            expect = invalid.expect() == Expect.CLIENT_ERROR ? Expect.CLIENT_ERROR : expect;
            label += " with body " + invalid.label();
        }
        return new Case("query", route, route.method(), target(route, route.params()) + "?" + q, auth(route), body,
                expect, label);
    }

    private Case authCase(Random rng, Route route) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        String prefix = key.substring(0, 8);
        List<List<Map.Entry<String, String>>> options = new ArrayList<>();
        options.add(List.of());
        for (String k : List.of("", "garbage", "' OR '1'='1", "x".repeat(5000), prefix + "." + "A".repeat(40),
                prefix + ".' OR 1=1 --" + "a".repeat(29), key + "x", key.substring(0, key.length() - 1),
                key.toLowerCase(), key.toUpperCase(), "\u00ff\u00fe" + key.substring(2), revokedKey,
                TestServer.ADMIN_TOKEN, "Bearer " + key, "AAAAAAAA." + "B".repeat(40))) {
            if (!k.equals(key)) {
                options.add(List.of(Map.entry("X-API-KEY", k)));
            }
        }
        for (String a : List.of("Bearer wrong-token-0123456789", "Bearer ' OR '1'='1", "Bearer",
                "Basic " + Base64.getEncoder().encodeToString(("admin:" + TestServer.ADMIN_TOKEN).getBytes()),
                TestServer.ADMIN_TOKEN, "Bearer " + TestServer.ADMIN_TOKEN + "x", "Bearer " + key,
                "Bearer \u00ff\u00fe", "Bearer " + "t".repeat(5000), "Token " + TestServer.ADMIN_TOKEN)) {
            options.add(List.of(Map.entry("Authorization", a)));
        }
        if (route.auth() == Auth.ADMIN) {
            options.add(List.of(Map.entry("X-API-KEY", key)));
        }
        if (route.auth() == Auth.ADMIN_OR_KEY) {
            options.add(List.of(Map.entry("X-API-KEY", otherKey)));
            options.add(List.of(Map.entry("X-API-KEY", otherKey), Map.entry("Authorization", "Bearer nope-nope-nope")));
        }
        if (route.auth() == Auth.TOKEN) {
            for (String t : List.of(revokedToken, orphanToken, userToken + "x", userToken.toLowerCase(), "",
                    userToken.substring(1), "' OR '1'='1", "t".repeat(5000))) {
                options.add(List.of(Map.entry("Authorization", "Bearer " + t)));
                options.add(List.of(Map.entry("Authorization", "OAuth " + t)));
            }
            options.add(List.of(Map.entry("Authorization", "MAC " + userToken)));
            options.add(List.of(Map.entry("X-API-KEY", key)));                       // an app key alone: 405
            options.add(List.of(Map.entry("Authorization", "Bearer " + TestServer.ADMIN_TOKEN)));
        }
        if (route.auth() == Auth.CLIENT) {
            Base64.Encoder b64 = Base64.getEncoder();
            for (String pair : List.of(APP + ":wrong", APP, ":" + key, OTHER + ":" + key, APP + ":" + otherKey,
                    APP + ":" + revokedKey, "' OR 1=1 --:" + key, APP + "%zz:" + key, APP + ":" + key + "%")) {
                options.add(List.of(Map.entry("Authorization", "Basic " + b64.encodeToString(pair.getBytes()))));
            }
            options.add(List.of(Map.entry("Authorization", "Basic !!!not-base64")));
            options.add(List.of(Map.entry("Authorization", "Basic")));
            options.add(List.of(Map.entry("Authorization", "Basic " + b64.encodeToString((APP + ":" + key)
                    .getBytes())), Map.entry("X-API-KEY", key)));                    // two methods at once: 400
            options.add(List.of(Map.entry("Authorization", "Bearer " + userToken)));
        }
        List<Map.Entry<String, String>> chosen = Hostile.pick(rng, options);
        // Only the bad credential: a route of the other kind must not fall back to a valid one.
        headers.addAll(chosen);
        byte[] body = validBody(route, headers);
        Map<String, String> params = route.params();
        return new Case("auth", route, route.method(), target(route, params), headers, body, Expect.CLIENT_ERROR,
                chosen.isEmpty() ? "(none)" : abbreviate(chosen.toString()));
    }

    private Case headerCase(Random rng, Route route) {
        if (rng.nextInt(3) == 0) {
            // An invalid Idempotency-Key on an otherwise valid event.
            Route events = routes.stream().filter(x -> x.template().equals("/v1/metrics/{key}/event")).findFirst()
                    .orElseThrow();
            List<Map.Entry<String, String>> headers = auth(events);
            headers.removeIf(h -> h.getKey().equals("Idempotency-Key"));
            String k = Hostile.pick(rng, List.of("", "k".repeat(256), "k".repeat(10_000)));
            headers.add(Map.entry("Idempotency-Key", k));
            return new Case("header", events, events.method(), target(events, events.params()), headers,
                    Hostile.write(events.body()), Expect.CLIENT_ERROR, "Idempotency-Key of " + k.length());
        }
        // Otherwise an already invalid request (garbage body, hostile path) with hostile headers on top; a GET
        // without parameters is valid apart from its headers, so it may answer 2xx.
        Case base;
        if (route.hasBody()) {
            byte[] body = Hostile.pick(rng, Hostile.garbageBodies());
            base = new Case("header", route, route.method(), target(route, route.params()), auth(route), body,
                    Expect.CLIENT_ERROR, preview(body));
        } else if (!route.params().isEmpty()) {
            base = pathCase(rng, route);
        } else {
            base = new Case("header", route, route.method(), target(route, route.params()), auth(route), null,
                    Expect.NO_SERVER_ERROR, "");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(base.headers());
        String label;
        if (rng.nextBoolean()) {
            headers.add(Map.entry("X-Junk", "j".repeat(70_000)));
            label = "70k header";
        } else {
            headers.add(Map.entry("X-Request-Id", Hostile.pick(rng, List.of("../../x", "' OR 1=1", "\u00ff\u00fe",
                    "r".repeat(1000), "%00"))));
            headers.add(Map.entry("Content-Type", "application/json; charset=\u00ff"));
            label = "hostile request id and content type";
        }
        return new Case("header", route, base.method(), base.target(), headers, base.body(), base.expect(),
                label + " + " + base.label());
    }

    private Case httpCase(Random rng, Route route) {
        List<Map.Entry<String, String>> headers = auth(route);
        String target = target(route, route.params());
        byte[] garbage = "zz\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        // Framing errors only where the route reads a body: a route that reads none would serve the request.
        return switch (route.hasBody() ? rng.nextInt(4) : 0) {
            case 0 -> new Case("http", route, Hostile.pick(rng, List.of("TRACE", "PROPFIND", "FOO", "G3T", "MKCOL")),
                    target, headers, route.hasBody() ? Hostile.write(route.body()) : null, Expect.CLIENT_ERROR,
                    "unknown method");
            case 1 -> {
                headers.add(Map.entry("Transfer-Encoding", "chunked"));
                yield new Case("http", route, route.method(), target, headers, garbage, Expect.CLIENT_ERROR,
                        "malformed chunked body");
            }
            case 2 -> {
                String cl = Hostile.pick(rng, List.of("abc", "-1", "99999999999999999999", "1, 2", "0x10"));
                headers.add(Map.entry("Content-Length", cl));
                yield new Case("http", route, route.method(), target, headers, "{".getBytes(), Expect.CLIENT_ERROR,
                        "Content-Length: " + cl);
            }
            default -> {
                headers.add(Map.entry("Content-Length", "2"));
                headers.add(Map.entry("Content-Length", "5"));
                yield new Case("http", route, route.method(), target, headers, "{}".getBytes(), Expect.CLIENT_ERROR,
                        "two Content-Length headers");
            }
        };
    }

    private List<Route> routes;
    private int authToggle;

    private List<Map.Entry<String, String>> auth(Route route) {
        List<Map.Entry<String, String>> h = new ArrayList<>();
        switch (route.auth()) {
            case ADMIN -> h.add(Map.entry("Authorization", "Bearer " + TestServer.ADMIN_TOKEN));
            case KEY -> h.add(Map.entry("X-API-KEY", key));
            case ADMIN_OR_KEY -> h.add(authToggle++ % 2 == 0
                    ? Map.entry("Authorization", "Bearer " + TestServer.ADMIN_TOKEN) : Map.entry("X-API-KEY", key));
            case TOKEN -> h.add(Map.entry("Authorization", "Bearer " + userToken));
            case CLIENT -> h.add(authToggle++ % 2 == 0 ? Map.entry("X-API-KEY", key) : Map.entry("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString((APP + ":" + key).getBytes(StandardCharsets.UTF_8))));
            case NONE -> { }
        }
        if (route.template().equals("/v1/metrics/{key}/event")) {
            h.add(Map.entry("Idempotency-Key", "fuzz-" + idem.incrementAndGet()));
        }
        return h;
    }

    private static String target(Route route, Map<String, String> params) {
        String t = route.template();
        for (var e : params.entrySet()) {
            // Valid values need no escaping; hostile ones come escaped (or deliberately raw) from Hostile.
            t = t.replace("{" + e.getKey() + "}", e.getValue());
        }
        return t;
    }

    // ---- JSON paths ("user.tz", "metrics.0.key") ---------------------------------------------------------------------

    private static void set(ObjectNode root, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        JsonNode parent = navigate(root, parts);
        String last = parts[parts.length - 1];
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a && last.matches("\\d+") && Integer.parseInt(last) < a.size()) {
            a.set(Integer.parseInt(last), value);
        }
        // Otherwise an earlier mutation replaced the parent: the body is invalid already.
    }

    private static void remove(ObjectNode root, String path) {
        String[] parts = path.split("\\.");
        if (navigate(root, parts) instanceof ObjectNode o) {
            o.remove(parts[parts.length - 1]);
        }
    }

    private static JsonNode navigate(JsonNode root, String[] parts) {
        JsonNode n = root;
        for (int i = 0; i < parts.length - 1 && n != null; i++) {
            n = n.isArray() && parts[i].matches("\\d+") ? n.get(Integer.parseInt(parts[i])) : n.get(parts[i]);
        }
        return n;
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "...(" + s.length() + ")" : clean;
    }

    private static String preview(byte[] body) {
        return body.length > 80 ? "garbage of " + body.length + " bytes: "
                + abbreviate(new String(body, 0, 60, StandardCharsets.ISO_8859_1))
                : abbreviate(new String(body, StandardCharsets.ISO_8859_1));
    }

    // ---- checking ---------------------------------------------------------------------------------------------------

    /** Null when the answer is right; otherwise what is wrong with it. */
    static String problem(Case c, RawHttp.Resp r) {
        if (r.status() < 0) {
            return "no answer";
        }
        if (r.status() >= 500) {
            return "server error";
        }
        if (c.expect() == Expect.CLIENT_ERROR && (r.status() < 400 || r.status() >= 500)) {
            return "expected a 4xx";
        }
        if (r.status() >= 400) {
            String type = r.header("Content-Type");
            if (type == null || !type.startsWith("application/json")) {
                return "error without a JSON content type";
            }
            JsonNode body = r.json();
            boolean shaped = body != null && body.isObject() && switch (c.route().dialect()) {
                case "mobage" -> body.path("Error").path("Message").isTextual();
                case "oauth" -> body.path("error").isTextual() && body.path("error_description").isTextual();
                default -> body.path("error").isTextual();
            };
            if (!shaped) {
                return "error body not in the " + c.route().dialect() + " shape";
            }
            if (r.text().contains("\tat ") || r.text().contains("Exception")) {
                return "stack trace or exception name in the body";
            }
        }
        return null;
    }

    @Test
    void malformedRequestsToEveryRouteGetAClientErrorAndChangeNothing() throws Exception {
        fixture();
        routes = routes();
        var before = DbSnapshot.take(server.app.database().writerDataSource());

        Random rng = new Random(SEED);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            cases.add(generate(rng, routes));
        }
        System.out.printf("[hostile %s] seed %d (-Dfuzz.seed=%d to replay), %d cases over %d routes%n", store, SEED,
                SEED, cases.size(), routes.size());

        RawHttp.TIMEOUT_MS = 15_000;       // answers come in milliseconds; a hang is a failure of its own
        RawHttp raw = new RawHttp(server.app.port());
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (Case c : cases) {
                pool.submit(() -> {
                    RawHttp.Resp r = raw.send(c.method(), c.target(), c.headers(), c.body());
                    statuses.computeIfAbsent(c.category() + " " + r.status(), k -> new AtomicInteger())
                            .incrementAndGet();
                    String p = problem(c, r);
                    if (p != null) {
                        failures.add(p + ": " + c.method() + " " + abbreviate(c.target()) + " [" + c.category() + ": "
                                + c.label() + "] -> " + r);
                    }
                });
            }
        }
        System.out.printf("[hostile %s] %d requests in %d ms; answers by category: %s%n", store, cases.size(),
                (System.nanoTime() - t0) / 1_000_000, statuses);

        var after = DbSnapshot.take(server.app.database().writerDataSource());
        List<String> changed = DbSnapshot.diff(before, after);
        List<String> sample = failures.stream().sorted().limit(40).toList();
        if (!failures.isEmpty()) {
            Path report = Path.of("target", "hostile-input-" + store + ".txt");
            Files.write(report, String.join("\n", failures.stream().sorted().toList()).getBytes(StandardCharsets.UTF_8));
            System.out.printf("[hostile %s] %d failures, all in %s%n", store, failures.size(), report);
        }
        assertThat(sample).as("%d of %d hostile requests answered wrongly (seed %d)", failures.size(), cases.size(),
                SEED).isEmpty();
        assertThat(changed).as("rows changed by rejected requests (seed %d)", SEED).isEmpty();
        assertThat(http().get("/health").status()).isEqualTo(200);
        assertThat(http().withKey(key).get("/v1/users/u1").status()).isEqualTo(200);
    }

    // ---- the route table is the code's ------------------------------------------------------------------------------

    /** A string expression: literals and constant names joined by '+'. */
    private static final String EXPR = "(?:\"[^\"]*\"|[\\w.]+)(?:\\s*\\+\\s*(?:\"[^\"]*\"|[\\w.]+))*";
    private static final Pattern ROUTE =
            Pattern.compile("\\br\\.(get|post|put|patch|delete)\\(\\s*(" + EXPR + ")\\s*,");
    private static final Pattern CONSTANT = Pattern.compile("\\bString\\s+(\\w+)\\s*=\\s*(" + EXPR + ")\\s*;");
    private static final Pattern TOKEN = Pattern.compile("\"([^\"]*)\"|([\\w.]+)");

    /**
     * Every route registered in src/main/java ("METHOD /template"), read from the sources: the first argument of
     * each {@code r.get(...)}-style call, with string constants (local, or static like Dialect.MOBAGE_PREFIX)
     * resolved.
     */
    static Set<String> routesInCode() throws IOException {
        Map<Path, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                sources.put(f, Files.readString(f));
            }
        }
        Map<String, String> global = new TreeMap<>();
        sources.values().forEach(src -> global.putAll(constants(src)));
        Set<String> out = new TreeSet<>();
        for (var e : sources.entrySet()) {
            Map<String, String> local = constants(e.getValue());
            Matcher m = ROUTE.matcher(e.getValue());
            while (m.find()) {
                out.add(m.group(1).toUpperCase() + " " + evaluate(m.group(2), local, global, e.getKey()));
            }
        }
        return out;
    }

    private static Map<String, String> constants(String src) {
        Map<String, String> out = new TreeMap<>();
        Matcher m = CONSTANT.matcher(src);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    private static String evaluate(String expr, Map<String, String> local, Map<String, String> global, Path file) {
        StringBuilder sb = new StringBuilder();
        Matcher t = TOKEN.matcher(expr);
        while (t.find()) {
            if (t.group(1) != null) {
                sb.append(t.group(1));
            } else {
                String name = t.group(2).substring(t.group(2).lastIndexOf('.') + 1);
                String def = local.containsKey(name) ? local.get(name) : global.get(name);
                assertThat(def).as("string constant " + t.group(2) + " used for a route in " + file).isNotNull();
                sb.append(evaluate(def, local, global, file));
            }
        }
        return sb.toString();
    }

    @Test
    void theFuzzedRoutesAreExactlyTheRoutesOfTheCode() throws IOException {
        fixtureForTable();
        Set<String> fuzzed = new TreeSet<>();
        routes().forEach(r -> fuzzed.add(r.method() + " " + r.template()));
        assertThat(fuzzed).isEqualTo(routesInCode());
    }

    /** The route table needs the fixture's export only for its slots; an empty document does for this check. */
    private void fixtureForTable() {
        if (export == null) {
            export = Hostile.MAPPER.createObjectNode().put("version", 1)
                    .<ObjectNode>set("metrics", Hostile.MAPPER.createArrayNode())
                    .set("achievements", Hostile.MAPPER.createArrayNode());
        }
    }
}
