package io.accolade.api.trophy;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.ServerTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Trophy's backdating (reference B.4.9): an achievement that is created, activated or changed completes for the
 * existing users who already meet it, silently, and counts in completions.
 */
class BackdatingTest extends ServerTest {

    private List<String> completed(io.accolade.support.Http http, String user) {
        List<String> keys = new java.util.ArrayList<>();
        http.get("/v1/users/" + user + "/achievements").json().forEach(a -> keys.add(a.get("key").asText()));
        return keys;
    }

    /** The keys of the achievements in an event's response. */
    private static List<String> keys(com.fasterxml.jackson.databind.JsonNode achievements) {
        List<String> keys = new java.util.ArrayList<>();
        achievements.forEach(a -> keys.add(a.get("key").asText()));
        return keys;
    }

    @Test
    void aNewMetricAchievementCompletesForUsersAlreadyPastItsThreshold() {
        var app = newApp();
        String base = "/admin/v1/apps/" + app.id();
        admin().put(base + "/metrics/words", Map.of("name", "Words"));
        app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "old-hand"), "value", 800));
        app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "newbie"), "value", 20));
        assertThat(admin().put(base + "/achievements/500-words", Map.of("name", "500 words", "trigger", "metric",
                "metricKey", "words", "metricValue", 500)).status()).isEqualTo(201);
        admin().put(base + "/achievements/chain", Map.of("name", "Chain", "trigger", "achievement",
                "prerequisites", List.of("500-words")));
        server.app.runBackgroundOnce();
        assertThat(completed(app.http(), "old-hand")).containsExactly("500-words", "chain");
        assertThat(completed(app.http(), "newbie")).isEmpty();
        var stats = app.http().get("/v1/achievements").json();
        assertThat(stats.get(0).get("completions").asInt()).isEqualTo(1);
        assertThat(stats.get(0).get("rarity").asDouble()).isEqualTo(50.0);
    }

    @Test
    void activatingAnInactiveAchievementBackdatesIt() {
        var app = newApp();
        String base = "/admin/v1/apps/" + app.id();
        admin().put(base + "/metrics/runs", Map.of("name", "Runs"));
        admin().put(base + "/achievements/ten", Map.of("name", "Ten", "trigger", "metric", "metricKey", "runs",
                "metricValue", 10, "status", "inactive"));
        app.http().post("/v1/metrics/runs/event", Map.of("user", Map.of("id", "r"), "value", 12));
        server.app.runBackgroundOnce();
        assertThat(completed(app.http(), "r")).isEmpty();
        admin().put(base + "/achievements/ten", Map.of("name", "Ten", "trigger", "metric", "metricKey", "runs",
                "metricValue", 10, "status", "active"));
        server.app.runBackgroundOnce();
        assertThat(completed(app.http(), "r")).containsExactly("ten");
    }

    @Test
    void eventFilteredAchievementsCountOnlyTheMatchingEventsOfThePast() {
        var app = newApp();
        String base = "/admin/v1/apps/" + app.id();
        admin().put(base + "/metrics/lessons", Map.of("name", "Lessons"));
        app.http().post("/v1/metrics/lessons/event", Map.of("user", Map.of("id", "a"), "value", 3,
                "attributes", Map.of("lang", "ja")));
        app.http().post("/v1/metrics/lessons/event", Map.of("user", Map.of("id", "a"), "value", 3,
                "attributes", Map.of("lang", "fr")));
        app.http().post("/v1/metrics/lessons/event", Map.of("user", Map.of("id", "b"), "value", 5,
                "attributes", Map.of("lang", "ja")));
        admin().put(base + "/achievements/ja-5", Map.of("name", "Five in Japanese", "trigger", "metric",
                "metricKey", "lessons", "metricValue", 5, "eventAttributes", List.of(Map.of("key", "lang",
                        "value", "ja"))));
        server.app.runBackgroundOnce();
        assertThat(completed(app.http(), "a")).isEmpty();
        assertThat(completed(app.http(), "b")).containsExactly("ja-5");
        // a's three matching lessons were counted: two more complete it.
        var r = app.http().post("/v1/metrics/lessons/event", Map.of("user", Map.of("id", "a"), "value", 2,
                "attributes", Map.of("lang", "ja")));
        assertThat(r.json().get("achievements")).hasSize(1);
        assertThat(r.json().get("achievements").get(0).get("key").asText()).isEqualTo("ja-5");
    }

    @Test
    void aChangedEventFilterCountsOnlyTheEventsTheNewFilterMatches() {
        var app = newApp();
        String base = "/admin/v1/apps/" + app.id();
        admin().put(base + "/metrics/words", Map.of("name", "Words"));
        Map<String, Object> web = Map.of("name", "Fifty", "trigger", "metric", "metricKey", "words", "metricValue", 50,
                "eventAttributes", List.of(Map.of("key", "source", "value", "web")));
        assertThat(admin().put(base + "/achievements/fifty", web).status()).isEqualTo(201);
        // fil has 40 words from the web, ios-fan 45 from iOS.
        app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "fil"), "value", 40,
                "attributes", Map.of("source", "web")));
        app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "ios-fan"), "value", 45,
                "attributes", Map.of("source", "ios")));
        var ios = new java.util.HashMap<>(web);
        ios.put("eventAttributes", List.of(Map.of("key", "source", "value", "ios")));
        assertThat(admin().put(base + "/achievements/fifty", ios).status()).isEqualTo(200);
        server.app.runBackgroundOnce();

        // 10 more from iOS: fil's iOS words are 10, not 40 + 10; ios-fan's 45 + 10 complete it.
        var r = app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "fil"), "value", 10,
                "attributes", Map.of("source", "ios")));
        assertThat(r.json().get("achievements")).as("fil's web words do not count any more").isEmpty();
        r = app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "ios-fan"), "value", 10,
                "attributes", Map.of("source", "ios")));
        assertThat(keys(r.json().get("achievements"))).containsExactly("fifty");
        // A new threshold alone keeps the progress: the same events count.
        ios.put("metricValue", 25);
        assertThat(admin().put(base + "/achievements/fifty", ios).status()).isEqualTo(200);
        server.app.runBackgroundOnce();
        r = app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "fil"), "value", 15,
                "attributes", Map.of("source", "ios")));
        assertThat(keys(r.json().get("achievements"))).containsExactly("fifty");
    }

    @Test
    void userAttributeFiltersStillApply() {
        var app = newApp();
        String base = "/admin/v1/apps/" + app.id();
        admin().put(base + "/metrics/xp", Map.of("name", "XP"));
        app.http().post("/v1/metrics/xp/event", Map.of("user", Map.of("id", "pro", "attributes", Map.of("plan", "pro")),
                "value", 50));
        app.http().post("/v1/metrics/xp/event", Map.of("user", Map.of("id", "free", "attributes", Map.of("plan", "free")),
                "value", 50));
        admin().put(base + "/achievements/pro-10", Map.of("name", "Pro 10", "trigger", "metric", "metricKey", "xp",
                "metricValue", 10, "userAttributes", List.of(Map.of("key", "plan", "value", "pro"))));
        server.app.runBackgroundOnce();
        assertThat(completed(app.http(), "pro")).containsExactly("pro-10");
        assertThat(completed(app.http(), "free")).isEmpty();
    }
}
