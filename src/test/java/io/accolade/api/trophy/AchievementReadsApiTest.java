package io.accolade.api.trophy;

import static io.accolade.api.trophy.Setup.fieldNames;
import static io.accolade.api.trophy.Setup.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.ServerTest;
import io.accolade.support.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 3: Trophy's reads: {@code GET /v1/achievements}, {@code /v1/users/{id}/achievements} (the seed
 * trophy-get-user-achievements.txt) and {@code /v1/users/{id}/metrics[/{key}]} (reference B.4.8-B.4.11, B.2.5).
 */
class AchievementReadsApiTest extends ServerTest {
    private static final List<String> COMMON = List.of("id", "name", "trigger", "description", "badgeUrl", "key");
    private static final List<String> STATS = List.of("completions", "rarity");

    private record Fixture(TestServer.TestApp app, Setup setup) {
        JsonNode get(String path) {
            return Setup.ok(app.http().get(path));
        }

        JsonNode byKey(JsonNode list, String key) {
            for (JsonNode a : list) {
                if (a.get("key").asText().equals(key)) {
                    return a;
                }
            }
            throw new AssertionError("no '" + key + "' in " + list);
        }

        List<String> keys(String path) {
            List<String> out = new ArrayList<>();
            get(path).forEach(a -> out.add(a.get("key").asText()));
            return out;
        }
    }

    private Fixture fixture() {
        var app = newApp();
        return new Fixture(app, new Setup(admin(), app));
    }

    private static List<String> plus(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }

    // ---- completions and rarity -------------------------------------------------------------------------------

    @Test
    void rarityIsThePercentageOfTheAppsUsersWhoCompleted() {
        var f = fixture();
        f.setup().api("onboarded");
        f.setup().api("rare");
        for (int i = 0; i < 10; i++) {
            f.setup().user("u" + i);
        }
        f.setup().user("u0", obj("name", "identified twice, counted once"));
        for (int i = 0; i < 8; i++) {
            assertThat(f.setup().complete("onboarded", "u" + i).status()).isEqualTo(201);
        }

        var r = f.app().http().get("/v1/achievements");
        JsonNode onboarded = f.byKey(r.json(), "onboarded");
        assertThat(onboarded.get("completions").asLong()).isEqualTo(8);
        assertThat(onboarded.get("rarity").asDouble()).isEqualTo(80);
        assertThat(onboarded.get("rarity").isIntegralNumber()).as("80, not 80.0").isTrue();
        JsonNode rare = f.byKey(r.json(), "rare");
        assertThat(rare.get("completions").asLong()).isZero();
        assertThat(rare.get("rarity").asDouble()).isZero();
    }

    @Test
    void rarityKeepsTwoDecimals() {
        var f = fixture();
        f.setup().api("a");
        f.setup().user("u1");
        f.setup().user("u2");
        f.setup().complete("a", "u3");
        assertThat(f.byKey(f.get("/v1/achievements"), "a").get("rarity").asDouble()).isEqualTo(33.33);
    }

    @Test
    void theStatisticsAreTheSameInTheUsersList() {
        var f = fixture();
        f.setup().api("a");
        f.setup().user("u1");
        f.setup().complete("a", "u2");
        JsonNode mine = f.byKey(f.get("/v1/users/u2/achievements"), "a");
        assertThat(mine.get("completions").asLong()).isEqualTo(1);
        assertThat(mine.get("rarity").asDouble()).isEqualTo(50);
    }

    // ---- GET /v1/achievements ---------------------------------------------------------------------------------

    @Test
    void allAchievementsListsTheActiveOnesInDefinitionOrder() {
        var f = fixture();
        f.setup().api("first");
        f.setup().api("locked");
        f.setup().api("inactive");
        f.setup().api("last");
        f.setup().status("locked", "locked");
        f.setup().status("inactive", "inactive");
        assertThat(f.keys("/v1/achievements")).containsExactly("first", "last");
    }

    @Test
    void allAchievementsHaveTheFieldsOfTheirTriggerAndNoAchievedAt() {
        var f = fixture();
        defineOneOfEachTrigger(f.setup());
        JsonNode all = f.get("/v1/achievements");
        assertThat(fieldNames(f.byKey(all, "onboarded"))).containsExactlyInAnyOrderElementsOf(plus(COMMON, "completions", "rarity"));
        assertThat(fieldNames(f.byKey(all, "novice")))
                .containsExactlyInAnyOrderElementsOf(plus(COMMON, "completions", "rarity", "metricId", "metricValue", "metricName"));
    }

    @Test
    void theUserAttributesQueryKeepsOnlyAchievementsSuchAUserCanEarn() {
        var f = fixture();
        f.setup().api("everyone");
        f.setup().achievement("pro", obj("name", "Pro", "trigger", "api", "userAttributes",
                List.of(obj("key", "plan", "value", "pro"))));
        f.setup().achievement("pro-london", obj("name", "Pro in London", "trigger", "api", "userAttributes",
                List.of(obj("key", "plan", "value", "pro"), obj("key", "city", "value", "london"))));

        assertThat(f.keys("/v1/achievements")).containsExactly("everyone", "pro", "pro-london");
        assertThat(f.keys("/v1/achievements?userAttributes=plan:free")).containsExactly("everyone");
        assertThat(f.keys("/v1/achievements?userAttributes=plan:pro")).containsExactly("everyone", "pro");
        assertThat(f.keys("/v1/achievements?userAttributes=plan%3Apro%2Ccity%3Alondon"))
                .containsExactly("everyone", "pro", "pro-london");
    }

    @Test
    void aMalformedUserAttributesQueryIs400() {
        var f = fixture();
        var r = f.app().http().get("/v1/achievements?userAttributes=plan");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).contains("userAttributes");
    }

    // ---- GET /v1/users/{id}/achievements ----------------------------------------------------------------------

    /** One achievement per trigger, as in the seed; only the api one and the metric one can be completed here. */
    private static void defineOneOfEachTrigger(Setup s) {
        s.metric("words", "words written");
        s.api("onboarded");
        s.metricAchievement("novice", "words", 500);
        s.achievement("3-day-streak", obj("name", "3-Day Streak", "trigger", "streak", "streakLength", 3,
                "badgeUrl", "https://example.com/badge2.png"));
        s.composite("all-round", "onboarded", "novice");
    }

    @Test
    void byDefaultOnlyCompletedAchievementsAreListed() {
        var f = fixture();
        defineOneOfEachTrigger(f.setup());
        f.setup().complete("onboarded", "u1");
        JsonNode list = f.get("/v1/users/u1/achievements");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("key").asText()).isEqualTo("onboarded");
        Instant.parse(list.get(0).get("achievedAt").asText());
    }

    @Test
    void includeIncompleteAddsTheRestWithANullAchievedAt() {
        var f = fixture();
        defineOneOfEachTrigger(f.setup());
        f.setup().complete("onboarded", "u1");
        JsonNode list = f.get("/v1/users/u1/achievements?includeIncomplete=true");
        assertThat(list).extracting(a -> a.get("key").asText())
                .containsExactly("onboarded", "novice", "3-day-streak", "all-round");
        assertThat(f.byKey(list, "onboarded").get("achievedAt").isTextual()).isTrue();
        for (String key : List.of("novice", "3-day-streak", "all-round")) {
            assertThat(f.byKey(list, key).has("achievedAt")).isTrue();
            assertThat(f.byKey(list, key).get("achievedAt").isNull()).as(key).isTrue();
        }
    }

    @Test
    void onlyTheValueTrueIncludesIncompleteOnes() {
        var f = fixture();
        defineOneOfEachTrigger(f.setup());
        f.setup().user("u1");
        assertThat(f.get("/v1/users/u1/achievements?includeIncomplete=1").isEmpty()).isTrue();
        assertThat(f.get("/v1/users/u1/achievements?includeIncomplete=false").isEmpty()).isTrue();
        assertThat(f.get("/v1/users/u1/achievements?includeIncomplete=true")).hasSize(4);
    }

    @Test
    void eachTriggerCarriesExactlyItsOwnFieldsAsInTheSeed() {
        var f = fixture();
        defineOneOfEachTrigger(f.setup());
        f.setup().user("u1");
        JsonNode list = f.get("/v1/users/u1/achievements?includeIncomplete=true");

        JsonNode api = f.byKey(list, "onboarded");
        assertThat(fieldNames(api)).containsExactlyInAnyOrderElementsOf(plus(COMMON, "achievedAt", "completions", "rarity"));

        JsonNode metric = f.byKey(list, "novice");
        assertThat(fieldNames(metric)).containsExactlyInAnyOrderElementsOf(
                plus(COMMON, "achievedAt", "completions", "rarity", "metricId", "metricValue", "metricName"));
        assertThat(metric.get("metricValue").isIntegralNumber()).as("500, not 500.0").isTrue();
        assertThat(metric.get("metricValue").asLong()).isEqualTo(500);
        assertThat(metric.get("metricName").asText()).isEqualTo("words written");
        String metricId = Setup.ok(admin().get(f.setup().base() + "/metrics/words")).get("id").asText();
        assertThat(metric.get("metricId").asText()).isEqualTo(metricId);

        JsonNode streak = f.byKey(list, "3-day-streak");
        assertThat(fieldNames(streak)).containsExactlyInAnyOrderElementsOf(
                plus(COMMON, "achievedAt", "completions", "rarity", "streakLength"));
        assertThat(streak.get("streakLength").asInt()).isEqualTo(3);
        assertThat(streak.get("badgeUrl").asText()).isEqualTo("https://example.com/badge2.png");

        JsonNode composite = f.byKey(list, "all-round");
        assertThat(fieldNames(composite)).containsExactlyInAnyOrderElementsOf(
                plus(COMMON, "achievedAt", "completions", "rarity", "achievementIds"));
        assertThat(composite.get("achievementIds")).extracting(JsonNode::asText)
                .containsExactly(api.get("id").asText(), metric.get("id").asText());

        for (JsonNode a : list) {
            assertThat(a.has("description")).isTrue();
            assertThat(a.has("badgeUrl")).isTrue();
        }
        assertThat(api.get("description").isNull()).isTrue();
        assertThat(api.get("badgeUrl").isNull()).isTrue();
    }

    @Test
    void attributeFiltersAppearOnlyWhenConfigured() {
        var f = fixture();
        f.setup().metric("words");
        f.setup().achievement("filtered", obj("name", "F", "trigger", "metric", "metricKey", "words",
                "metricValue", 5, "userAttributes", List.of(obj("key", "plan", "value", "pro")),
                "eventAttributes", List.of(obj("key", "source", "value", "web"))));
        f.setup().metricAchievement("plain", "words", 5);
        JsonNode all = f.get("/v1/achievements");
        JsonNode filtered = f.byKey(all, "filtered");
        assertThat(filtered.get("userAttributes").get(0).get("key").asText()).isEqualTo("plan");
        assertThat(filtered.get("userAttributes").get(0).get("value").asText()).isEqualTo("pro");
        assertThat(filtered.get("eventAttribute").get("key").asText()).isEqualTo("source");
        assertThat(filtered.get("eventAttribute").get("value").asText()).isEqualTo("web");
        JsonNode plain = f.byKey(all, "plain");
        assertThat(plain.has("userAttributes")).isFalse();
        assertThat(plain.has("eventAttribute")).isFalse();
    }

    @Test
    void aLockedAchievementIsShownOnlyToUsersWhoHaveIt() {
        var f = fixture();
        f.setup().api("badge");
        f.setup().complete("badge", "holder");
        f.setup().user("newcomer");
        f.setup().status("badge", "locked");

        assertThat(f.keys("/v1/users/holder/achievements")).containsExactly("badge");
        assertThat(f.keys("/v1/users/holder/achievements?includeIncomplete=true")).containsExactly("badge");
        assertThat(f.keys("/v1/users/newcomer/achievements?includeIncomplete=true")).isEmpty();
        assertThat(f.keys("/v1/achievements")).isEmpty();
    }

    @Test
    void anInactiveAchievementIsNeverShownEvenToUsersWhoCompletedIt() {
        var f = fixture();
        f.setup().api("badge");
        f.setup().complete("badge", "holder");
        f.setup().status("badge", "inactive");

        assertThat(f.keys("/v1/users/holder/achievements")).isEmpty();
        assertThat(f.keys("/v1/users/holder/achievements?includeIncomplete=true")).isEmpty();
        assertThat(f.keys("/v1/achievements")).isEmpty();

        f.setup().status("badge", "active");
        assertThat(f.keys("/v1/users/holder/achievements")).as("reactivated: the completion is still there")
                .containsExactly("badge");
    }

    @Test
    void incompleteAchievementsTheUserCannotEarnAreLeftOut() {
        var f = fixture();
        f.setup().achievement("pro", obj("name", "Pro", "trigger", "api", "userAttributes",
                List.of(obj("key", "plan", "value", "pro"))));
        f.setup().user("free", obj("attributes", obj("plan", "free")));
        f.setup().user("pro", obj("attributes", obj("plan", "pro")));
        assertThat(f.keys("/v1/users/free/achievements?includeIncomplete=true")).isEmpty();
        assertThat(f.keys("/v1/users/pro/achievements?includeIncomplete=true")).containsExactly("pro");
    }

    @Test
    void anUnknownUserIs404() {
        var f = fixture();
        f.setup().metric("words");
        for (String path : List.of("/v1/users/ghost/achievements", "/v1/users/ghost/metrics",
                "/v1/users/ghost/metrics/words")) {
            var r = f.app().http().get(path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.json().get("error").asText()).contains("User Not Found");
        }
    }

    // ---- GET /v1/users/{id}/metrics ---------------------------------------------------------------------------

    @Test
    void allMetricsListEveryActiveMetricWithTheUsersTotalAndAchievements() {
        var f = fixture();
        var s = f.setup();
        s.metric("words", "Words");
        s.metric("km", "Kilometres");
        s.metric("old", "Old");
        Setup.ok(admin().put(s.base() + "/metrics/old", obj("name", "Old", "status", "archived")));
        s.metricAchievement("w10", "words", 10);
        s.metricAchievement("w100", "words", 100);
        s.event("words", "u1", 12.5);

        JsonNode metrics = f.get("/v1/users/u1/metrics");
        assertThat(metrics).extracting(m -> m.get("key").asText()).containsExactlyInAnyOrder("words", "km");
        JsonNode words = f.byKey(metrics, "words");
        assertThat(fieldNames(words)).contains("id", "key", "name", "status", "current", "achievements");
        assertThat(words.get("status").asText()).isEqualTo("active");
        assertThat(words.get("current").asDouble()).isEqualTo(12.5);
        assertThat(words.get("achievements")).extracting(a -> a.get("key").asText()).containsExactly("w10", "w100");
        assertThat(f.byKey(words.get("achievements"), "w10").get("achievedAt").isTextual()).isTrue();
        assertThat(f.byKey(words.get("achievements"), "w100").get("achievedAt").isNull()).isTrue();

        JsonNode km = f.byKey(metrics, "km");
        assertThat(km.get("current").isIntegralNumber()).isTrue();
        assertThat(km.get("current").asLong()).isZero();
        assertThat(km.get("achievements").isEmpty()).isTrue();
    }

    @Test
    void oneMetricIsTheSameAsItsEntryInTheList() {
        var f = fixture();
        f.setup().metric("words");
        f.setup().metricAchievement("w10", "words", 10);
        f.setup().event("words", "u1", 10);
        JsonNode one = f.get("/v1/users/u1/metrics/words");
        assertThat(one).isEqualTo(f.byKey(f.get("/v1/users/u1/metrics"), "words"));
        assertThat(one.get("current").asLong()).isEqualTo(10);
    }

    @Test
    void anUnknownMetricIs404() {
        var f = fixture();
        f.setup().user("u1");
        var r = f.app().http().get("/v1/users/u1/metrics/ghost");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).contains("ghost");
    }

    @Test
    void aMetricsLockedAchievementIsListedOnlyForUsersWhoHaveItAndInactiveOnesNever() {
        var f = fixture();
        var s = f.setup();
        s.metric("words");
        s.metricAchievement("locked", "words", 5);
        s.metricAchievement("inactive", "words", 5);
        s.event("words", "holder", 5);
        s.user("newcomer");
        s.status("locked", "locked");
        s.status("inactive", "inactive");

        assertThat(f.get("/v1/users/holder/metrics/words").get("achievements"))
                .extracting(a -> a.get("key").asText()).containsExactly("locked");
        assertThat(f.get("/v1/users/newcomer/metrics/words").get("achievements").isEmpty()).isTrue();
    }
}
