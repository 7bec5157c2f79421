package io.accolade.api.trophy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.MutableClock;
import io.accolade.support.ServerTest;
import io.accolade.support.StoreKind;
import io.accolade.support.TestServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Trophy's user preferences and metric event summary (SDK users.getPreferences/updatePreferences/metricEventSummary). */
class PreferencesAndSummaryApiTest extends ServerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-10T03:00:00Z"));

    @Override
    protected TestServer startServer(StoreKind kind) {
        return TestServer.start(kind, clock, c -> c);
    }

    @Test
    void preferencesStartEmptyAndPatchReplacesTheGivenKinds() {
        var app = newApp();
        app.http().put("/v1/users/p1", Map.of("name", "P"));
        assertThat(app.http().get("/v1/users/p1/preferences").json().get("notifications").size()).isZero();
        var r = app.http().patch("/v1/users/p1/preferences", Map.of("notifications",
                Map.of("achievement_completed", List.of("email", "push"), "streak_reminder", List.of())));
        assertThat(r.status()).isEqualTo(200);
        JsonNode n = r.json().get("notifications");
        assertThat(n.get("achievement_completed").toString()).isEqualTo("[\"email\",\"push\"]");
        assertThat(n.get("streak_reminder").size()).isZero();
        var again = app.http().patch("/v1/users/p1/preferences", Map.of("notifications",
                Map.of("achievement_completed", List.of("push"))));
        assertThat(again.json().get("notifications").get("achievement_completed").toString()).isEqualTo("[\"push\"]");
        assertThat(again.json().get("notifications").has("streak_reminder")).isTrue();
        assertThat(app.http().get("/v1/users/p1/preferences").json()).isEqualTo(again.json());
        // null is "not sent" (the SDK's "absent or null"): the type keeps its channels; [] is what turns it off.
        var nulls = new java.util.HashMap<String, Object>();
        nulls.put("achievement_completed", null);
        var keep = app.http().patch("/v1/users/p1/preferences", Map.of("notifications", nulls));
        assertThat(keep.status()).isEqualTo(200);
        assertThat(keep.json().get("notifications").get("achievement_completed").toString()).isEqualTo("[\"push\"]");
        var unknownNull = new java.util.HashMap<String, Object>();
        unknownNull.put("carrier_pigeon", null);
        assertThat(app.http().patch("/v1/users/p1/preferences", Map.of("notifications", unknownNull)).status())
                .isEqualTo(422);

        assertThat(app.http().patch("/v1/users/p1/preferences", Map.of("notifications",
                Map.of("carrier_pigeon", List.of("email")))).status()).isEqualTo(422);
        assertThat(app.http().patch("/v1/users/p1/preferences", Map.of("notifications",
                Map.of("recap", List.of("fax")))).status()).isEqualTo(422);
        assertThat(app.http().get("/v1/users/nobody/preferences").status()).isEqualTo(404);
        assertThat(app.http().patch("/v1/users/nobody/preferences", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void eventSummaryBucketsTheUsersEventsByLocalDay() {
        var app = newApp();
        admin().put("/admin/v1/apps/" + app.id() + "/metrics/words", Map.of("name", "Words"));
        // 10 March 03:00Z = 12:00 in Tokyo. Events on the 8th, 9th (twice) and 10th, Tokyo time.
        for (var e : List.of(List.of("2025-03-08T05:00:00+09:00", 10), List.of("2025-03-09T01:00:00+09:00", 5),
                List.of("2025-03-09T23:30:00+09:00", -2), List.of("2025-03-10T11:00:00+09:00", 4))) {
            var r = app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "w", "tz", "Asia/Tokyo"),
                    "value", e.get(1), "timestamp", e.get(0)));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        var s = app.http().get("/v1/users/w/metrics/words/event-summary?aggregation=daily&startDate=2025-03-09"
                + "&endDate=2025-03-11");
        assertThat(s.status()).as(s.body()).isEqualTo(200);
        assertThat(s.json().findValuesAsText("date")).containsExactly("2025-03-09", "2025-03-10", "2025-03-11");
        assertThat(s.json().findValues("change").stream().map(JsonNode::asDouble).toList()).containsExactly(3.0, 4.0, 0.0);
        assertThat(s.json().findValues("total").stream().map(JsonNode::asDouble).toList()).containsExactly(13.0, 17.0, 17.0);
        assertThat(s.json().get(0).get("total").isIntegralNumber()).isTrue();

        var weekly = app.http().get("/v1/users/w/metrics/words/event-summary?aggregation=weekly&startDate=2025-03-08"
                + "&endDate=2025-03-10").json();
        assertThat(weekly.findValuesAsText("date")).containsExactly("2025-03-03", "2025-03-10");
        assertThat(weekly.findValues("change").stream().map(JsonNode::asDouble).toList()).containsExactly(13.0, 4.0);

        String base = "/v1/users/w/metrics/words/event-summary";
        assertThat(app.http().get(base + "?startDate=2025-03-01&endDate=2025-03-02").status()).isEqualTo(422);
        assertThat(app.http().get(base + "?aggregation=hourly&startDate=2025-03-01&endDate=2025-03-02").status())
                .isEqualTo(422);
        assertThat(app.http().get(base + "?aggregation=daily&startDate=March&endDate=2025-03-02").status())
                .isEqualTo(422);
        assertThat(app.http().get(base + "?aggregation=daily&startDate=2023-01-01&endDate=2025-03-02").status())
                .isEqualTo(422);
        // Dates Java parses but whose period arithmetic overflows are a 422, not a 500.
        assertThat(app.http().get(base + "?aggregation=daily&startDate=2024-01-01&endDate=%2B999999999-12-31")
                .status()).isEqualTo(422);
        assertThat(app.http().get(base + "?aggregation=weekly&startDate=-999999999-01-01&endDate=2024-01-01")
                .status()).isEqualTo(422);
        assertThat(app.http().get("/v1/users/nobody/metrics/words/event-summary?aggregation=daily"
                + "&startDate=2025-03-01&endDate=2025-03-02").status()).isEqualTo(404);
        assertThat(app.http().get("/v1/users/w/metrics/nope/event-summary?aggregation=daily"
                + "&startDate=2025-03-01&endDate=2025-03-02").status()).isEqualTo(404);
    }
}
