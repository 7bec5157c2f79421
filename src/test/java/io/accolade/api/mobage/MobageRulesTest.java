package io.accolade.api.mobage;

import static io.accolade.support.MobageFixture.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.Http;
import io.accolade.support.MobageFixture;
import io.accolade.support.ServerTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 5, point 4: the seed's rules for state and steps (注意点), answered through PUT and increment, and the one
 * engine behind both dialects: unlocks through either count and show in the other.
 */
class MobageRulesTest extends ServerTest {
    private static final String MINE = BASE + "/people/@me/@self/achievements/@app/";

    private static Http.Resp state(Http as, String key, String state) {
        return as.put(MINE + key + "?fields=state", Map.of("state", state));
    }

    private static Http.Resp steps(Http as, String key, long steps) {
        return as.put(MINE + key + "?fields=steps", Map.of("steps", steps));
    }

    private static Http.Resp increment(Http as, String key, long delta) {
        return as.post(MINE + key + "/increment", Map.of("steps", delta));
    }

    private static JsonNode ok(Http.Resp r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static void conflict(Http.Resp r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.json().get("Error").get("Message").asText()).isNotBlank();
    }

    /**
     * Deleting a definition deletes every user's record of it without the users' locks; a write right after the key
     * is defined again starts from no record, not from the records this node kept after the user's last write
     * (service/LockedRecords keeps them per catalog).
     */
    @Test
    void anAchievementDeletedAndDefinedAgainStartsFromNoRecord() {
        MobageFixture m = new MobageFixture(server, newApp());
        m.api("grind", "totalSteps", 10);
        Http me = m.as("u1");
        assertThat(ok(increment(me, "grind", 3)).findValue("steps").asInt()).isEqualTo(3);
        assertThat(m.app.http().delete("/admin/v1/apps/" + m.app.id() + "/achievements/grind").status())
                .isEqualTo(200);

        m.api("grind", "totalSteps", 10);
        assertThat(ok(increment(me, "grind", 1)).findValue("steps").asInt()).isEqualTo(1);
    }

    @Test
    void aRecordLeftByAWriteThatCommittedAfterItsAchievementsDeletionDoesNotShowUnderANewOne() {
        MobageFixture m = new MobageFixture(server, newApp());
        Http me = m.as("u1");
        // As a write that read the catalog before "grind" was deleted and committed after the deletion leaves them:
        // a record of the key, unlocked, and its completion.
        String app = m.app.id();
        server.behindTheServersBack("INSERT INTO progress (app_id, user_id, ach_key, state, steps, metric_progress, "
                + "unlock_count, first_unlocked_at, last_unlocked_at, completion_id, created_at, updated_at) VALUES ('"
                + app + "', 'u1', 'grind', 'UNLOCKED', 10, 0, 1, 1000, 1000, 'left', 1000, 1000)",
                "INSERT INTO counters (app_id, counter, slot, value) VALUES ('" + app + "', 'completions:grind', 0, 1)");

        m.api("grind", "totalSteps", 10);
        assertThat(ok(increment(me, "grind", 1)).findValue("steps").asInt()).isEqualTo(1);
        var stats = m.app.http().get("/v1/achievements").json();
        assertThat(stats.get(0).get("completions").asInt()).isZero();
    }

    @Test
    void stateChangesFollowTheSeed() {
        MobageFixture m = new MobageFixture(server, newApp());
        m.api("h", "initialState", "HIDDEN", "totalSteps", 4);
        m.api("r", "repeatable", true);
        m.api("v");
        Http me = m.as("u1");

        // Absent: created at the initial state (asking for exactly that state is the creation).
        assertThat(ok(state(me, "h", "HIDDEN")).get("state").asText()).isEqualTo("HIDDEN");
        conflict(state(me, "h", "HIDDEN"));
        JsonNode revealed = ok(state(me, "h", "REVEALED"));
        assertThat(revealed.get("state").asText()).isEqualTo("REVEALED");
        conflict(state(me, "h", "REVEALED"));
        conflict(state(me, "h", "HIDDEN"));
        JsonNode unlocked = ok(state(me, "h", "UNLOCKED"));
        assertThat(unlocked.get("state").asText()).isEqualTo("UNLOCKED");
        assertThat(unlocked.get("numOfUnlocked").asInt()).isEqualTo(1);
        assertThat(unlocked.get("steps").asLong()).isEqualTo(4);
        conflict(state(me, "h", "UNLOCKED"));
        conflict(state(me, "h", "REVEALED"));
        conflict(state(me, "h", "HIDDEN"));

        // HIDDEN → UNLOCKED directly; a REVEALED record cannot go back to HIDDEN.
        m.api("h2", "initialState", "HIDDEN");
        assertThat(ok(state(m.as("u2"), "h2", "UNLOCKED")).get("numOfUnlocked").asInt()).isEqualTo(1);
        conflict(state(me, "v", "HIDDEN"));

        // UNLOCKED again only when repeatable, one more each time.
        assertThat(ok(state(me, "r", "UNLOCKED")).get("numOfUnlocked").asInt()).isEqualTo(1);
        assertThat(ok(state(me, "r", "UNLOCKED")).get("numOfUnlocked").asInt()).isEqualTo(2);
        conflict(state(me, "r", "REVEALED"));
    }

    @Test
    void stepsFollowTheSeed() {
        MobageFixture m = new MobageFixture(server, newApp());
        m.api("s", "totalSteps", 10);
        m.api("rs", "totalSteps", 10, "repeatable", true);
        m.api("hidden", "initialState", "HIDDEN", "totalSteps", 10);
        Http me = m.as("u1");

        JsonNode three = ok(steps(me, "s", 3));
        assertThat(three.get("state").asText()).isEqualTo("REVEALED");
        assertThat(three.get("steps").asLong()).isEqualTo(3);
        // Above totalSteps: clamped, and reaching totalSteps unlocks.
        JsonNode done = ok(steps(me, "s", 25));
        assertThat(done.get("steps").asLong()).isEqualTo(10);
        assertThat(done.get("state").asText()).isEqualTo("UNLOCKED");
        assertThat(done.get("numOfUnlocked").asInt()).isEqualTo(1);
        // Not writable once a non-repeatable achievement is UNLOCKED, nor while HIDDEN.
        conflict(steps(me, "s", 5));
        conflict(steps(me, "hidden", 5));
        assertThat(me.get(MINE + "hidden").status()).as("a refused write creates nothing").isEqualTo(404);
        // Negative steps are not a value.
        assertThat(steps(me, "rs", -1).status()).isEqualTo(400);

        // Repeatable: writable while UNLOCKED; reaching totalSteps again is one more unlock.
        assertThat(ok(steps(me, "rs", 10)).get("numOfUnlocked").asInt()).isEqualTo(1);
        JsonNode lower = ok(steps(me, "rs", 4));
        assertThat(lower.get("state").asText()).isEqualTo("UNLOCKED");
        assertThat(lower.get("steps").asLong()).isEqualTo(4);
        JsonNode again = ok(steps(me, "rs", 12));
        assertThat(again.get("steps").asLong()).isEqualTo(10);
        assertThat(again.get("numOfUnlocked").asInt()).isEqualTo(2);
        // Staying at totalSteps is no new unlock.
        assertThat(ok(steps(me, "rs", 10)).get("numOfUnlocked").asInt()).isEqualTo(2);
    }

    @Test
    void incrementsAreSignedDeltasFlooredAtZero() {
        MobageFixture m = new MobageFixture(server, newApp());
        m.api("inc", "totalSteps", 10);
        m.api("hidden", "initialState", "HIDDEN", "totalSteps", 10);
        Http me = m.as("u1");
        JsonNode first = ok(increment(me, "inc", 3));
        assertThat(first.properties()).extracting(Map.Entry::getKey).containsExactly("userId", "appId",
                "achievementId", "state", "steps", "numOfUnlocked", "published", "updated");
        assertThat(first.get("steps").asLong()).isEqualTo(3);
        assertThat(ok(increment(me, "inc", -5)).get("steps").asLong()).isZero();
        assertThat(ok(increment(me, "inc", 4)).get("steps").asLong()).isEqualTo(4);
        JsonNode unlocked = ok(increment(me, "inc", 100));
        assertThat(unlocked.get("steps").asLong()).isEqualTo(10);
        assertThat(unlocked.get("state").asText()).isEqualTo("UNLOCKED");
        conflict(increment(me, "inc", 1));
        conflict(increment(me, "hidden", 1));
    }

    @Test
    void onlyActiveAchievementsExistForThisDialect() {
        MobageFixture m = new MobageFixture(server, newApp());
        m.api("a1");
        m.api("locked");
        m.api("secret", "disclosed", false);
        Http me = m.as("u1");
        assertThat(state(me, "nope", "UNLOCKED").status()).isEqualTo(404);
        assertThat(increment(me, "nope", 1).status()).isEqualTo(404);
        ok(state(me, "a1", "UNLOCKED"));
        ok(steps(me, "locked", 0));
        // Undisclosed definitions are hidden from the definition reads only; the game may still record them.
        ok(state(me, "secret", "UNLOCKED"));

        m.api("locked", "status", "locked");
        conflict(state(me, "locked", "UNLOCKED"));
        assertThat(me.get(MINE + "locked").status()).isEqualTo(200);

        m.api("a1", "status", "inactive");
        assertThat(me.get(MINE + "a1").status()).isEqualTo(404);
        assertThat(state(me, "a1", "UNLOCKED").status()).isEqualTo(404);
        var all = me.get(BASE + "/people/@me/@self/achievements/@app").json();
        assertThat(all.get("entry").findValuesAsText("achievementId")).containsExactly("locked", "secret");
        var listed = me.get(BASE + "/people/@me/@self/achievements/@app/a1,locked").json();
        assertThat(listed.get("entry").findValuesAsText("achievementId")).containsExactly("locked");
    }

    @Test
    void unlockingThroughMobageCompletesPrerequisiteChains() {
        MobageFixture m = new MobageFixture(server, newApp());
        m.api("first");
        m.api("second", "totalSteps", 3);
        m.achievement("both", Map.of("name", "Both", "trigger", "achievement",
                "prerequisites", List.of("first", "second")));
        m.achievement("all", Map.of("name", "All", "trigger", "achievement", "prerequisites", List.of("both")));
        Http me = m.as("u1");
        ok(state(me, "first", "UNLOCKED"));
        assertThat(me.get(MINE + "both").status()).isEqualTo(404);
        ok(increment(me, "second", 3));
        var chain = me.get(BASE + "/people/@me/@self/achievements/@app/both,all?fields=achievementId,state")
                .json().get("entry");
        assertThat(chain).isEqualTo(Http.parse("""
                [{"achievementId": "both", "state": "UNLOCKED"}, {"achievementId": "all", "state": "UNLOCKED"}]"""));
        var trophy = m.app.http().get("/v1/achievements").json();
        for (JsonNode a : trophy) {
            assertThat(a.get("completions").asLong()).as(a.get("key").asText()).isEqualTo(1);
        }
    }

    @Test
    void aTrophyEventUnlocksWhatMobageThenReads() {
        MobageFixture m = new MobageFixture(server, newApp());
        assertThat(m.app.http().put("/admin/v1/apps/" + m.app.id() + "/metrics/kills", Map.of("name", "Kills"))
                .status()).isEqualTo(201);
        m.achievement("killer", Map.of("name", "Killer", "trigger", "metric", "metricKey", "kills",
                "metricValue", 3));
        Http me = m.as("p1");
        assertThat(me.get(MINE + "killer").status()).isEqualTo(404);

        var event = m.app.http().post("/v1/metrics/kills/event", Map.of("user", Map.of("id", "p1"), "value", 2));
        assertThat(event.status()).as(event.toString()).isEqualTo(201);
        assertThat(ok(me.get(MINE + "killer?fields=state,steps,numOfUnlocked")))
                .isEqualTo(Http.parse("{\"state\": \"REVEALED\", \"steps\": 2, \"numOfUnlocked\": 0}"));
        event = m.app.http().post("/v1/metrics/kills/event", Map.of("user", Map.of("id", "p1"), "value", 1));
        assertThat(event.json().get("achievements").findValuesAsText("key")).containsExactly("killer");
        assertThat(ok(me.get(MINE + "killer?fields=state,steps,numOfUnlocked")))
                .isEqualTo(Http.parse("{\"state\": \"UNLOCKED\", \"steps\": 3, \"numOfUnlocked\": 1}"));
        // Steps of a metric achievement follow the metric; Mobage cannot write them.
        conflict(steps(me, "killer", 1));
    }

    @Test
    void aMobageUnlockShowsAndCountsInTrophy() {
        MobageFixture m = new MobageFixture(server, newApp());
        m.api("bogus_hero", "repeatable", true, "totalSteps", 5);
        m.api("untouched");
        Http me = m.as("p1");
        m.users("p2", "p3", "p4");

        ok(state(me, "bogus_hero", "UNLOCKED"));
        ok(state(me, "bogus_hero", "UNLOCKED"));   // a repeat is no second completion
        ok(increment(m.as("p2"), "bogus_hero", 5));

        var mine = m.app.http().get("/v1/users/p1/achievements");
        assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
        assertThat(mine.json()).hasSize(1);
        JsonNode achieved = mine.json().get(0);
        assertThat(achieved.get("key").asText()).isEqualTo("bogus_hero");
        assertThat(achieved.get("achievedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(m.app.http().get("/v1/users/p3/achievements").json()).isEmpty();

        JsonNode all = m.app.http().get("/v1/achievements").json();
        assertThat(all.findValuesAsText("key")).containsExactly("bogus_hero", "untouched");
        assertThat(all.get(0).get("completions").asLong()).isEqualTo(2);
        assertThat(all.get(0).get("rarity").asDouble()).isEqualTo(50.0);
        assertThat(all.get(1).get("completions").asLong()).isZero();
    }

    @Test
    void definitionsAsMobageShowsThem() {
        MobageFixture m = new MobageFixture(server, newApp());
        m.achievement("full", Map.ofEntries(Map.entry("name", "Full"), Map.entry("trigger", "api"),
                Map.entry("description", "shared"), Map.entry("revealedDescription", "Defeat 5 dragons"),
                Map.entry("unlockedDescription", "You defeated 5 dragons"), Map.entry("type", "collection"),
                Map.entry("stepFormat", "回"), Map.entry("point", 10), Map.entry("repeatable", true),
                Map.entry("initialState", "HIDDEN"), Map.entry("totalSteps", 5),
                Map.entry("revealedIconUrls", List.of(Map.of("type", "default", "value", "https://cdn.example/r.png",
                        "primary", true))),
                Map.entry("unlockedIconUrls", List.of(Map.of("type", "large", "value", "https://cdn.example/u.png",
                        "primary", false)))));
        m.achievement("plain", Map.of("name", "Plain", "trigger", "api", "description", "desc",
                "badgeUrl", "https://cdn.example/b.png"));
        m.api("incremental", "totalSteps", 3);
        m.api("secret", "disclosed", false);
        m.api("off", "status", "inactive");
        Http me = m.as("u1");

        var list = me.get(BASE + "/achievements/@app");
        JsonNode body = ok(list);
        assertThat(body.get("entry").findValuesAsText("id")).containsExactly("full", "plain", "incremental");
        assertThat(body.get("startIndex").asInt()).isEqualTo(1);
        assertThat(body.get("itemsPerPage").asInt()).isEqualTo(3);
        assertThat(body.get("totalResults").asInt()).isEqualTo(3);
        assertThat(body.has("filtered")).isFalse();

        JsonNode full = body.get("entry").get(0);
        assertThat(full.properties()).extracting(Map.Entry::getKey).containsExactly("appId", "id", "name",
                "revealedDescription", "unlockedDescription", "type", "totalSteps", "stepFormat", "point",
                "repeatable", "disclosed", "defaultState", "revealedIconUrls", "unlockedIconUrls", "published",
                "updated");
        assertThat(full.get("appId").asText()).isEqualTo(m.app.id());
        assertThat(full.get("revealedDescription").asText()).isEqualTo("Defeat 5 dragons");
        assertThat(full.get("unlockedDescription").asText()).isEqualTo("You defeated 5 dragons");
        assertThat(full.get("type").asText()).isEqualTo("collection");
        assertThat(full.get("totalSteps").asLong()).isEqualTo(5);
        assertThat(full.get("stepFormat").asText()).isEqualTo("回");
        assertThat(full.get("point").asInt()).isEqualTo(10);
        assertThat(full.get("repeatable").asBoolean()).isTrue();
        assertThat(full.get("disclosed").asBoolean()).isTrue();
        assertThat(full.get("defaultState").asText()).isEqualTo("HIDDEN");
        assertThat(full.get("revealedIconUrls")).isEqualTo(Http.parse(
                "[{\"type\": \"default\", \"value\": \"https://cdn.example/r.png\", \"primary\": true}]"));
        assertThat(full.get("unlockedIconUrls")).isEqualTo(Http.parse(
                "[{\"type\": \"large\", \"value\": \"https://cdn.example/u.png\", \"primary\": false}]"));
        assertThat(full.get("published").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
        assertThat(full.get("updated").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");

        // The bare object for one id; fallbacks from the shared fields.
        JsonNode plain = ok(me.get(BASE + "/achievements/@app/plain"));
        assertThat(plain.get("revealedDescription").asText()).isEqualTo("desc");
        assertThat(plain.get("unlockedDescription").asText()).isEqualTo("desc");
        assertThat(plain.get("type").asText()).isEqualTo("standard");
        assertThat(plain.get("defaultState").asText()).isEqualTo("REVEALED");
        assertThat(plain.get("stepFormat").isNull()).isTrue();
        assertThat(plain.get("point").isNull()).isTrue();
        assertThat(plain.get("repeatable").asBoolean()).isFalse();
        JsonNode badge = Http.parse("[{\"type\": \"default\", \"value\": \"https://cdn.example/b.png\", "
                + "\"primary\": true}]");
        assertThat(plain.get("revealedIconUrls")).isEqualTo(badge);
        assertThat(plain.get("unlockedIconUrls")).isEqualTo(badge);
        assertThat(ok(me.get(BASE + "/achievements/" + m.app.id() + "/incremental?fields=id,type")))
                .isEqualTo(Http.parse("{\"id\": \"incremental\", \"type\": \"incremental\"}"));

        // Undisclosed and inactive ones are not shown.
        assertThat(me.get(BASE + "/achievements/@app/secret").status()).isEqualTo(404);
        assertThat(me.get(BASE + "/achievements/@app/off").status()).isEqualTo(404);
        JsonNode some = ok(me.get(BASE + "/achievements/@app/incremental,secret,plain,off?fields=id"));
        assertThat(some).isEqualTo(Http.parse("""
                {"entry": [{"id": "incremental"}, {"id": "plain"}], "startIndex": 1, "itemsPerPage": 2,
                 "totalResults": 2}"""));
        JsonNode paged = ok(me.get(BASE + "/achievements/@app?count=1&startIndex=2&fields=id"));
        assertThat(paged).isEqualTo(Http.parse("""
                {"entry": [{"id": "plain"}], "startIndex": 2, "itemsPerPage": 1, "totalResults": 3}"""));
    }
}
