package io.accolade.api.trophy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.api.Guard;
import io.accolade.domain.Catalog;
import io.accolade.domain.streak.Frequency;
import io.accolade.http.ApiException;
import io.accolade.http.Fields;
import io.accolade.http.Json;
import io.accolade.http.Routes;
import io.accolade.http.Web;
import io.accolade.service.AchievementReads;
import io.accolade.service.Catalogs;
import io.accolade.service.EventService;
import io.accolade.service.UserService;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Trophy's application API under {@code /v1}: users, metric events, completions and achievement reads, with the
 * paths, status codes and bodies Trophy's SDK sends and parses. Every route authenticates with {@code X-API-KEY}.
 */
public final class TrophyApi {
    private final Guard guard;
    private final Catalogs catalogs;
    private final UserService users;
    private final EventService events;
    private final AchievementReads reads;
    /** Bodies of GET /v1/achievements, kept per app and filter while the app's snapshot is unchanged. */
    private final AchievementListCache achievementLists = new AchievementListCache();

    public TrophyApi(Guard guard, Catalogs catalogs, UserService users, EventService events, AchievementReads reads) {
        this.guard = guard;
        this.catalogs = catalogs;
        this.users = users;
        this.events = events;
        this.reads = reads;
    }

    public void register(Routes r) {
        r.post("/v1/users", (req, res) -> {
            String app = guard.apiKey(req).appId();
            Fields f = Web.object(req);
            var identified = users.identify(app, f.requiredString("id"), TrophyJson.userPatch(f));
            Web.send(res, 201, TrophyJson.user(identified.user()));
        });
        r.get("/v1/users/{id}", (req, res) -> {
            String app = guard.apiKey(req).appId();
            Web.ok(res, TrophyJson.user(users.get(app, Web.param(req, "id"))));
        });
        r.put("/v1/users/{id}", (req, res) -> {
            String app = guard.apiKey(req).appId();
            var identified = users.identify(app, Web.param(req, "id"), TrophyJson.userPatch(Web.object(req)));
            Web.ok(res, TrophyJson.user(identified.user()));
        });
        r.patch("/v1/users/{id}", (req, res) -> {
            String app = guard.apiKey(req).appId();
            Web.ok(res, TrophyJson.user(users.update(app, Web.param(req, "id"), TrophyJson.userPatch(Web.object(req)))));
        });
        r.get("/v1/users/{id}/achievements", (req, res) -> {
            String app = guard.apiKey(req).appId();
            boolean all = Web.query(req, "includeIncomplete").map("true"::equals).orElse(false);
            Catalog catalog = catalogs.of(app);
            var body = TrophyJson.stats(reads.ofUser(app, Web.param(req, "id"), all), catalog, true);
            Web.okJson(res, body.array(), body.size());
        });
        r.get("/v1/users/{id}/metrics", (req, res) -> {
            String app = guard.apiKey(req).appId();
            Catalog catalog = catalogs.of(app);
            ArrayNode out = Json.MAPPER.createArrayNode();
            reads.metricsOfUser(app, Web.param(req, "id")).forEach(m -> out.add(metric(m, catalog)));
            Web.ok(res, out);
        });
        r.get("/v1/users/{id}/metrics/{key}", (req, res) -> {
            String app = guard.apiKey(req).appId();
            Web.ok(res, metric(reads.metricOfUser(app, Web.param(req, "id"), Web.param(req, "key")),
                    catalogs.of(app)));
        });
        r.get("/v1/users/{id}/metrics/{key}/event-summary", (req, res) -> {
            String app = guard.apiKey(req).appId();
            String aggregation = Web.query(req, "aggregation").orElseThrow(() ->
                    ApiException.unprocessable("'aggregation' is required: daily, weekly or monthly"));
            Frequency f;
            try {
                f = Frequency.parse(aggregation, "aggregation");
            } catch (io.accolade.domain.Rejection e) {
                throw ApiException.unprocessable("'aggregation' must be daily, weekly or monthly");
            }
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (var b : reads.eventSummary(app, Web.param(req, "id"), Web.param(req, "key"), f,
                    date(req, "startDate"), date(req, "endDate"))) {
                ObjectNode n = out.addObject();
                n.put("date", b.date().toString());
                n.set("total", TrophyJson.number(b.total()));
                n.set("change", TrophyJson.number(b.change()));
            }
            Web.ok(res, out);
        });
        r.get("/v1/users/{id}/preferences", (req, res) -> {
            String app = guard.apiKey(req).appId();
            Web.ok(res, preferences(users.preferences(app, Web.param(req, "id"))));
        });
        r.patch("/v1/users/{id}/preferences", (req, res) -> {
            String app = guard.apiKey(req).appId();
            Fields body = Web.object(req);
            java.util.Map<String, java.util.List<String>> changes = new java.util.LinkedHashMap<>();
            // A type sent as null stays as it is, like one not sent (the SDK's "absent or null"); [] turns it off.
            body.optionalObject("notifications").ifPresent(n -> n.raw().fieldNames().forEachRemaining(type ->
                    changes.put(type, n.optionalStringList(type).orElse(null))));
            Web.ok(res, preferences(users.updatePreferences(app, Web.param(req, "id"), changes)));
        });
        r.get("/v1/achievements", (req, res) -> {
            String app = guard.apiKey(req).appId();
            Map<String, String> filter = TrophyJson.attributeQuery(Web.query(req, "userAttributes")).orElse(null);
            AchievementReads.Snapshot snapshot = reads.snapshot(app);
            Web.okJson(res, achievementLists.body(app, filter, snapshot, () ->
                    TrophyJson.statsArray(reads.all(snapshot, filter), snapshot.catalog(), false)));
        });
        r.post("/v1/metrics/{key}/event", (req, res) -> {
            String app = guard.apiKey(req).appId();
            Fields f = Web.object(req);
            Fields user = f.requiredObject("user");
            var event = new EventService.MetricEvent(Web.param(req, "key"), user.requiredString("id"),
                    TrophyJson.userPatch(user), f.requiredNumber("value"),
                    f.optionalStringMap("attributes").orElse(Map.of()), timestamp(f),
                    Web.header(req, "Idempotency-Key"));
            var result = events.record(app, event);
            Catalog catalog = catalogs.of(app);
            ObjectNode body = Fields.object();
            body.put("eventId", result.eventId());
            body.put("metricId", result.metric().id());
            body.set("total", TrophyJson.number(result.total()));
            ArrayNode achievements = body.putArray("achievements");
            result.completed().forEach(u -> achievements.add(
                    TrophyJson.userAchievement(u.achievement(), u.progress(), catalog)));
            body.set("currentStreak", TrophyJson.streak(result.streak()).put("extended", result.streak().extended()));
            body.putObject("points");
            body.putObject("leaderboards");
            if (result.idempotencyKey() != null) {
                body.put("idempotencyKey", result.idempotencyKey());
                body.put("idempotentReplayed", result.replayed());
            }
            Web.send(res, result.replayed() ? 202 : 201, body);
        });
        r.post("/v1/achievements/{key}/complete", (req, res) -> {
            String app = guard.apiKey(req).appId();
            Fields user = Web.object(req).requiredObject("user");
            var result = events.complete(app, Web.param(req, "key"), user.requiredString("id"),
                    TrophyJson.userPatch(user));
            Catalog catalog = catalogs.of(app);
            ObjectNode body = Fields.object();
            body.put("completionId", result.achievement().progress().completionId());
            body.set("achievement", TrophyJson.userAchievement(result.achievement().achievement(),
                    result.achievement().progress(), catalog));
            body.putObject("points");
            ArrayNode all = body.putArray("achievements");
            result.completed().forEach(u -> all.add(TrophyJson.userAchievement(u.achievement(), u.progress(),
                    catalog)));
            Web.send(res, result.created() ? 201 : 200, body);
        });
    }

    private static ObjectNode metric(AchievementReads.MetricProgress m, Catalog catalog) {
        ObjectNode n = Fields.object();
        n.put("id", m.metric().id());
        n.put("key", m.metric().key());
        n.put("name", m.metric().name());
        n.put("status", m.metric().status());
        n.set("current", TrophyJson.number(m.current()));
        n.put("units", m.metric().units());
        ArrayNode list = n.putArray("achievements");
        m.achievements().forEach(s -> list.add(TrophyJson.userAchievement(s.achievement(), s.achievedAt(), catalog)));
        return n;
    }

    private static ObjectNode preferences(io.accolade.domain.NotificationPreferences p) {
        ObjectNode body = Fields.object();
        ObjectNode n = body.putObject("notifications");
        p.channels().forEach((type, list) -> {
            ArrayNode a = n.putArray(type);
            list.forEach(a::add);
        });
        return body;
    }

    /** A required {@code YYYY-MM-DD} query parameter (422 otherwise, a status Trophy's SDK maps here). */
    private static java.time.LocalDate date(io.helidon.webserver.http.ServerRequest req, String name) {
        String v = Web.query(req, name).orElseThrow(() -> ApiException.unprocessable("'" + name
                + "' is required (YYYY-MM-DD)"));
        java.time.LocalDate d;
        try {
            d = java.time.LocalDate.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.unprocessable("'" + name + "' must be a date like 2025-01-31");
        }
        // LocalDate also parses "+999999999-12-31", whose period arithmetic overflows: four-digit years only.
        if (d.getYear() < 1 || d.getYear() > 9999) {
            throw ApiException.unprocessable("'" + name + "' must be a date like 2025-01-31 (years 0001-9999)");
        }
        return d;
    }

    /** The optional ISO-8601 {@code timestamp} of an event (with an offset or Z). */
    private static Optional<Instant> timestamp(Fields f) {
        return f.optionalString("timestamp").map(s -> {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("'timestamp' must be an ISO-8601 date-time with an offset, e.g. "
                        + "2025-01-01T12:00:00Z");
            }
        });
    }
}
