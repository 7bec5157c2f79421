package io.accolade.api.trophy;

import static io.accolade.api.trophy.Setup.fieldNames;
import static io.accolade.api.trophy.Setup.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.Http;
import io.accolade.support.ServerTest;
import io.accolade.support.TestServer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 3: {@code POST /v1/metrics/{key}/event} (reference B.2, B.7 and EventResponse). */
class MetricEventsApiTest extends ServerTest {

    private record Fixture(TestServer.TestApp app, Setup setup, String metricId) {
        Http.Resp event(String metric, String user, Object value) {
            return app.http().post("/v1/metrics/" + metric + "/event", obj("user", obj("id", user), "value", value));
        }

        Http.Resp event(String user, Object value, String idempotencyKey) {
            return app.http().with("Idempotency-Key", idempotencyKey)
                    .post("/v1/metrics/words/event", obj("user", obj("id", user), "value", value));
        }

        double total(String user, String metric) {
            return Setup.ok(app.http().get("/v1/users/" + user + "/metrics/" + metric)).get("current").asDouble();
        }
    }

    /** An app with metrics "words" and "km" and a 500-words achievement. */
    private Fixture fixture() {
        var app = newApp();
        var s = new Setup(admin(), app);
        String id = s.metric("words", "Words written").get("id").asText();
        s.metric("km");
        s.metricAchievement("novice", "words", 500);
        return new Fixture(app, s, id);
    }

    @Test
    void aFirstEventAnswers201WithTheEventResponseShape() {
        var f = fixture();
        var r = f.event("words", "u1", 10);
        assertThat(r.status()).isEqualTo(201);
        JsonNode body = r.json();
        assertThat(fieldNames(body)).containsExactlyInAnyOrder("eventId", "metricId", "total", "achievements",
                "currentStreak", "points", "leaderboards");
        UUID.fromString(body.get("eventId").asText());
        assertThat(body.get("metricId").asText()).isEqualTo(f.metricId());
        assertThat(body.get("total").isNumber()).isTrue();
        assertThat(body.get("total").asDouble()).isEqualTo(10);
        assertThat(body.get("achievements").isArray()).isTrue();
        assertThat(body.get("achievements").isEmpty()).isTrue();
        assertThat(body.get("points").isObject()).isTrue();
        assertThat(body.get("points").isEmpty()).isTrue();
        assertThat(body.get("leaderboards").isObject()).isTrue();
        assertThat(body.get("leaderboards").isEmpty()).isTrue();

        JsonNode streak = body.get("currentStreak");
        assertThat(fieldNames(streak)).containsExactlyInAnyOrder("length", "frequency", "started", "periodStart",
                "periodEnd", "expires", "extended");
        assertThat(streak.get("length").isNumber()).isTrue();
        assertThat(streak.get("frequency").asText()).isIn("daily", "weekly", "monthly");
        assertThat(streak.get("extended").isBoolean()).isTrue();
    }

    @Test
    void everyEventGetsItsOwnId() {
        var f = fixture();
        String first = f.event("words", "u1", 1).json().get("eventId").asText();
        String second = f.event("words", "u1", 1).json().get("eventId").asText();
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void valuesAddUpIncludingNegativeAndDecimalOnes() {
        var f = fixture();
        assertThat(f.event("words", "u1", 10).json().get("total").asDouble()).isEqualTo(10);
        assertThat(f.event("words", "u1", -3.5).json().get("total").asDouble()).isEqualTo(6.5);
        assertThat(f.event("words", "u1", 0.25).json().get("total").asDouble()).isEqualTo(6.75);
        assertThat(f.event("words", "u1", -20).json().get("total").asDouble()).isEqualTo(-13.25);
        assertThat(f.total("u1", "words")).isEqualTo(-13.25);
    }

    @Test
    void integralTotalsAreWrittenAsIntegers() {
        var f = fixture();
        f.event("words", "u1", 1.5);
        var r = f.event("words", "u1", 498.5);
        assertThat(r.body()).contains("\"total\":500").doesNotContain("500.0");
        assertThat(r.json().get("total").isIntegralNumber()).isTrue();
        assertThat(f.event("words", "u1", 0.5).body()).contains("\"total\":500.5");
    }

    @Test
    void totalsAreKeptPerUserAndPerMetric() {
        var f = fixture();
        f.event("words", "u1", 5);
        f.event("words", "u2", 7);
        f.event("km", "u1", 3);
        assertThat(f.total("u1", "words")).isEqualTo(5);
        assertThat(f.total("u2", "words")).isEqualTo(7);
        assertThat(f.total("u1", "km")).isEqualTo(3);
    }

    @Test
    void theEventThatCrossesAThresholdListsTheAchievementOnce() {
        var f = fixture();
        assertThat(f.event("words", "u1", 499).json().get("achievements").isEmpty()).isTrue();
        JsonNode crossing = f.event("words", "u1", 1).json();
        assertThat(crossing.get("achievements")).hasSize(1);
        JsonNode a = crossing.get("achievements").get(0);
        assertThat(a.get("key").asText()).isEqualTo("novice");
        assertThat(a.get("trigger").asText()).isEqualTo("metric");
        assertThat(a.get("metricId").asText()).isEqualTo(f.metricId());
        assertThat(a.get("metricName").asText()).isEqualTo("Words written");
        Instant.parse(a.get("achievedAt").asText());
        assertThat(a.has("completions")).as("EventResponse carries UserAchievementResponse, no stats").isFalse();
        assertThat(f.event("words", "u1", 100).json().get("achievements").isEmpty()).isTrue();
    }

    @Test
    void eventAttributesSteerFilteredAchievements() {
        var f = fixture();
        f.setup().achievement("web-10", obj("name", "Web", "trigger", "metric", "metricKey", "words",
                "metricValue", 10, "eventAttributes", List.of(obj("key", "source", "value", "web"))));
        var app = f.app().http();
        var appEvent = app.post("/v1/metrics/words/event", obj("user", obj("id", "u1"), "value", 10,
                "attributes", obj("source", "app")));
        assertThat(appEvent.json().get("achievements").isEmpty()).isTrue();
        var webEvent = app.post("/v1/metrics/words/event", obj("user", obj("id", "u1"), "value", 10,
                "attributes", obj("source", "web")));
        assertThat(webEvent.json().get("achievements")).extracting(a -> a.get("key").asText())
                .containsExactly("web-10");
        assertThat(webEvent.json().get("total").asDouble()).isEqualTo(20);
    }

    @Test
    void anUnknownMetricIs404() {
        var f = fixture();
        var r = f.event("ghost", "u1", 1);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).contains("ghost");
        assertThat(f.app().http().get("/v1/users/u1").status()).as("nothing recorded, not even the user")
                .isEqualTo(404);
    }

    @Test
    void anArchivedMetricTakesNoEvents() {
        var f = fixture();
        Setup.ok(admin().put(f.setup().base() + "/metrics/km", obj("name", "km", "status", "archived")));
        var r = f.event("km", "u1", 1);
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("error").asText()).contains("archived");
    }

    // ---- idempotency ------------------------------------------------------------------------------------------

    @Test
    void aFirstEventWithAKeyEchoesItAndIsNotAReplay() {
        var f = fixture();
        var r = f.event("u1", 5, "key-1");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("idempotencyKey").asText()).isEqualTo("key-1");
        assertThat(r.json().get("idempotentReplayed").asBoolean()).isFalse();
    }

    @Test
    void aReplayedKeyIs202AndChangesNothing() {
        var f = fixture();
        JsonNode first = f.event("u1", 499, "key-1").json();

        var replay = f.event("u1", 499, "key-1");
        assertThat(replay.status()).isEqualTo(202);
        JsonNode body = replay.json();
        assertThat(body.get("idempotentReplayed").asBoolean()).isTrue();
        assertThat(body.get("idempotencyKey").asText()).isEqualTo("key-1");
        assertThat(body.get("eventId").asText()).as("the original event").isEqualTo(first.get("eventId").asText());
        assertThat(body.get("total").asDouble()).isEqualTo(499);
        assertThat(body.get("achievements").isEmpty()).isTrue();
        assertThat(body.get("currentStreak").get("extended").asBoolean()).isFalse();
        assertThat(f.total("u1", "words")).isEqualTo(499);
    }

    @Test
    void aReplayDoesNotCompleteAchievementsNorIdentifyTheUser() {
        var f = fixture();
        f.event("u1", 499, "key-1");
        var replay = f.app().http().with("Idempotency-Key", "key-1").post("/v1/metrics/words/event",
                obj("user", obj("id", "u1", "name", "Changed"), "value", 1000));
        assertThat(replay.status()).isEqualTo(202);
        assertThat(replay.json().get("total").asDouble()).isEqualTo(499);
        assertThat(f.app().http().get("/v1/users/u1/achievements").json().isEmpty()).isTrue();
        assertThat(f.app().http().get("/v1/users/u1").json().get("name").isNull()).isTrue();
    }

    @Test
    void aRetryOfAnAcceptedEventIsAReplayEvenAfterItsMetricWasArchived() {
        var f = fixture();
        var first = f.event("u1", 5, "evt-1");
        assertThat(first.status()).isEqualTo(201);
        admin().put("/admin/v1/apps/" + f.app().id() + "/metrics/words", obj("name", "Words", "status", "archived"));
        var retry = f.event("u1", 5, "evt-1");
        assertThat(retry.status()).as(retry.toString()).isEqualTo(202);
        assertThat(retry.json().get("eventId").asText()).isEqualTo(first.json().get("eventId").asText());
        assertThat(f.event("u1", 5, "evt-2").status()).as("a new event is refused").isEqualTo(422);
    }

    @Test
    void aRetryOfAnAcceptedEventIsAReplayEvenAfterItsTimestampLeftTheLateWindow() {
        var clock = new io.accolade.support.MutableClock(java.time.Instant.now());
        try (var own = TestServer.start(store, clock, c -> c)) {
            var app = own.newApp("late-replay");
            own.admin.put("/admin/v1/apps/late-replay/metrics/words", obj("name", "Words"));
            Map<String, Object> body = obj("user", obj("id", "u1"), "value", 5,
                    "timestamp", clock.instant().minus(java.time.Duration.ofDays(6)).toString());
            Http keyed = app.http().with("Idempotency-Key", "evt-1");
            var first = keyed.post("/v1/metrics/words/event", body);
            assertThat(first.status()).as(first.toString()).isEqualTo(201);
            clock.advance(java.time.Duration.ofDays(2));          // the timestamp is 8 days old now
            var retry = keyed.post("/v1/metrics/words/event", body);
            assertThat(retry.status()).as(retry.toString()).isEqualTo(202);
            assertThat(retry.json().get("eventId").asText()).isEqualTo(first.json().get("eventId").asText());
            assertThat(app.http().with("Idempotency-Key", "evt-2").post("/v1/metrics/words/event", body).status())
                    .as("a new event that late is refused").isEqualTo(422);
        }
    }

    @Test
    void theSameKeyOnAnotherMetricIsANewEvent() {
        var f = fixture();
        f.event("u1", 5, "shared");
        var other = f.app().http().with("Idempotency-Key", "shared").post("/v1/metrics/km/event",
                obj("user", obj("id", "u1"), "value", 2));
        assertThat(other.status()).isEqualTo(201);
        assertThat(other.json().get("idempotentReplayed").asBoolean()).isFalse();
        assertThat(f.total("u1", "km")).isEqualTo(2);
    }

    @Test
    void theSameKeyForAnotherUserIsANewEvent() {
        var f = fixture();
        f.event("u1", 5, "shared");
        var other = f.event("u2", 7, "shared");
        assertThat(other.status()).isEqualTo(201);
        assertThat(other.json().get("total").asDouble()).isEqualTo(7);
        assertThat(f.total("u1", "words")).isEqualTo(5);
    }

    @Test
    void eventsWithoutAKeyAreNeverDeduplicated() {
        var f = fixture();
        f.event("words", "u1", 5);
        var again = f.event("words", "u1", 5);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().has("idempotentReplayed")).isFalse();
        assertThat(f.total("u1", "words")).isEqualTo(10);
    }

    @Test
    void anOverlongIdempotencyKeyIs400() {
        var f = fixture();
        var r = f.event("u1", 1, "k".repeat(256));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).contains("Idempotency-Key");
    }

    // ---- bad requests -----------------------------------------------------------------------------------------

    @Test
    void badBodiesAre400NamingTheProblem() {
        var f = fixture();
        Map<Object, String> cases = new LinkedHashMap<>();
        cases.put("{not json", "malformed JSON");
        cases.put("[1,2]", "request body");
        cases.put(obj("value", 1), "'user'");
        cases.put(obj("user", "u1", "value", 1), "'user'");
        cases.put(obj("user", obj("name", "x"), "value", 1), "'user.id'");
        cases.put(obj("user", obj("id", "u1")), "'value'");
        cases.put(obj("user", obj("id", "u1"), "value", "5"), "'value'");
        cases.put(obj("user", obj("id", "u1"), "value", 1e16), "'value'");
        cases.put(obj("user", obj("id", "u1"), "value", 1, "attributes", obj("source", 1)), "'attributes.source'");
        cases.put(obj("user", obj("id", "u1"), "value", 1, "attributes", List.of("web")), "'attributes'");
        cases.put(obj("user", obj("id", "u1"), "value", 1, "timestamp", "yesterday"), "'timestamp'");
        cases.put(obj("user", obj("id", "u1", "tz", "Mars/Base"), "value", 1), "'user.tz'");
        cases.forEach((body, problem) -> {
            var r = f.app().http().post("/v1/metrics/words/event", body);
            assertThat(r.status()).as("%s -> %s", body, r).isEqualTo(400);
            assertThat(r.json().get("error").asText()).as("%s", body).contains(problem);
        });
        var empty = f.app().http().send("POST", "/v1/metrics/words/event", null);
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("error").asText()).isNotBlank();
        assertThat(f.app().http().get("/v1/users/u1").status()).isEqualTo(404);
    }

    @Test
    void aTimestampFarInTheFutureIs422() {
        var f = fixture();
        String future = Instant.now().plus(1, ChronoUnit.HOURS).toString();
        var r = f.app().http().post("/v1/metrics/words/event", obj("user", obj("id", "u1"), "value", 1,
                "timestamp", future));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("error").asText()).contains("'timestamp'");
    }

    @Test
    void aRecentTimestampIsAccepted() {
        var f = fixture();
        String earlier = Instant.now().minus(1, ChronoUnit.DAYS).toString();
        var r = f.app().http().post("/v1/metrics/words/event", obj("user", obj("id", "u1"), "value", 1,
                "timestamp", earlier));
        assertThat(r.status()).isEqualTo(201);
    }

    @Test
    void aMissingKeyIs401() {
        fixture();
        var r = http().post("/v1/metrics/words/event", obj("user", obj("id", "u1"), "value", 1));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("error").asText()).isNotBlank();
    }

    @Test
    void anotherAppsMetricIsUnknown() {
        fixture();
        var other = newApp();
        var r = other.http().post("/v1/metrics/words/event", obj("user", obj("id", "u1"), "value", 1));
        assertThat(r.status()).isEqualTo(404);
    }
}
