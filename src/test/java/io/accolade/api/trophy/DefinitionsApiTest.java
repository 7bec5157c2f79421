package io.accolade.api.trophy;

import static io.accolade.api.trophy.Setup.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.support.Http;
import io.accolade.support.ServerTest;
import io.accolade.support.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 3: definitions under {@code /admin/v1/apps/{appId}}, one at a time and as a whole document. */
class DefinitionsApiTest extends ServerTest {

    private Setup setup(TestServer.TestApp app) {
        return new Setup(admin(), app);
    }

    private static String base(TestServer.TestApp app) {
        return "/admin/v1/apps/" + app.id();
    }

    // ---- one definition at a time -----------------------------------------------------------------------------

    @Test
    void aMetricIsCreatedReadUpdatedAndDeleted() {
        var app = newApp();
        var created = admin().put(base(app) + "/metrics/words", obj("name", "Words", "units", "words"));
        assertThat(created.status()).isEqualTo(201);
        JsonNode m = created.json();
        assertThat(m.get("key").asText()).isEqualTo("words");
        assertThat(m.get("name").asText()).isEqualTo("Words");
        assertThat(m.get("units").asText()).isEqualTo("words");
        assertThat(m.get("status").asText()).isEqualTo("active");
        String id = m.get("id").asText();

        var updated = admin().put(base(app) + "/metrics/words", obj("name", "Words written", "units", "words"));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("id").asText()).isEqualTo(id);

        var one = admin().get(base(app) + "/metrics/words");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("name").asText()).isEqualTo("Words written");
        assertThat(admin().get(base(app) + "/metrics").json().findValuesAsText("key")).containsExactly("words");

        assertThat(admin().delete(base(app) + "/metrics/words").status()).isEqualTo(200);
        assertThat(admin().get(base(app) + "/metrics/words").status()).isEqualTo(404);
        assertThat(admin().delete(base(app) + "/metrics/words").status()).isEqualTo(404);
    }

    @Test
    void anAchievementIsCreatedReadUpdatedAndDeleted() {
        var app = newApp();
        setup(app).metric("words");
        var created = admin().put(base(app) + "/achievements/novice", obj("name", "Novice", "trigger", "metric",
                "metricKey", "words", "metricValue", 500, "description", "Write 500 words"));
        assertThat(created.status()).isEqualTo(201);
        JsonNode a = created.json();
        assertThat(a.get("trigger").asText()).isEqualTo("metric");
        assertThat(a.get("metricKey").asText()).isEqualTo("words");
        assertThat(a.get("metricValue").asDouble()).isEqualTo(500);
        assertThat(a.get("status").asText()).isEqualTo("active");
        assertThat(a.get("totalSteps").asLong()).isEqualTo(500);

        var updated = admin().put(base(app) + "/achievements/novice", obj("name", "Novice writer", "trigger",
                "metric", "metricKey", "words", "metricValue", 400));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("id").asText()).isEqualTo(a.get("id").asText());
        assertThat(admin().get(base(app) + "/achievements/novice").json().get("metricValue").asDouble())
                .isEqualTo(400);

        assertThat(admin().delete(base(app) + "/achievements/novice").status()).isEqualTo(200);
        assertThat(admin().get(base(app) + "/achievements/novice").status()).isEqualTo(404);
    }

    @Test
    void aDefinitionReadBackCanBeWrittenBackUnchanged() {
        var app = newApp();
        var s = setup(app);
        s.metric("words");
        JsonNode stored = s.metricAchievement("novice", "words", 500);
        var again = admin().put(base(app) + "/achievements/novice", stored);
        assertThat(again.status()).as("GET output as PUT input: %s", again).isEqualTo(200);
        assertThat(again.json()).isEqualTo(stored);
    }

    // ---- who may call -----------------------------------------------------------------------------------------

    @Test
    void theAppsOwnKeyMayManageItsDefinitions() {
        var app = newApp();
        assertThat(app.http().put(base(app) + "/metrics/words", obj("name", "Words")).status()).isEqualTo(201);
        assertThat(app.http().put(base(app) + "/achievements/a", obj("name", "A", "trigger", "api")).status())
                .isEqualTo(201);
        assertThat(app.http().get(base(app) + "/achievements").status()).isEqualTo(200);
        assertThat(app.http().get(base(app) + "/definitions").status()).isEqualTo(200);
        assertThat(app.http().delete(base(app) + "/achievements/a").status()).isEqualTo(200);
    }

    @Test
    void anotherAppsKeyIsForbidden() {
        var app = newApp();
        var other = newApp();
        setup(app).metric("words");
        Http intruder = other.http();
        assertThat(intruder.get(base(app) + "/metrics").status()).isEqualTo(403);
        assertThat(intruder.get(base(app) + "/metrics/words").status()).isEqualTo(403);
        assertThat(intruder.put(base(app) + "/metrics/steal", obj("name", "x")).status()).isEqualTo(403);
        assertThat(intruder.delete(base(app) + "/metrics/words").status()).isEqualTo(403);
        assertThat(intruder.get(base(app) + "/definitions").status()).isEqualTo(403);
        assertThat(intruder.put(base(app) + "/definitions", obj("metrics", List.of())).status()).isEqualTo(403);
        assertThat(admin().get(base(app) + "/metrics").json().findValuesAsText("key")).containsExactly("words");
    }

    @Test
    void withoutCredentialsItIsUnauthorized() {
        var app = newApp();
        var r = http().get(base(app) + "/metrics");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("error").asText()).isNotBlank();
        assertThat(http().put(base(app) + "/metrics/words", obj("name", "x")).status()).isEqualTo(401);
        assertThat(http().withKey("nope1234.nope").get(base(app) + "/metrics").status()).isEqualTo(401);
        assertThat(http().withBearer("not-the-admin-token").get(base(app) + "/metrics").status()).isEqualTo(401);
    }

    // ---- invalid definitions ----------------------------------------------------------------------------------

    private void assertRefused(TestServer.TestApp app, String key, Map<String, Object> body, int status,
                               String field) {
        var r = admin().put(base(app) + "/achievements/" + key, body);
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.json().get("error").asText()).as("error names the field").contains(field);
        assertThat(admin().get(base(app) + "/achievements/" + key).status()).isEqualTo(404);
    }

    @Test
    void aMetricTriggerOnAnUnknownMetricIsRefused() {
        assertRefused(newApp(), "a", obj("name", "A", "trigger", "metric", "metricKey", "ghost", "metricValue", 1),
                422, "metricKey");
    }

    @Test
    void aPrerequisiteCycleIsRefused() {
        var app = newApp();
        var s = setup(app);
        s.api("root");
        s.composite("a", "root");
        s.composite("b", "a");
        var r = admin().put(base(app) + "/achievements/a", obj("name", "A", "trigger", "achievement",
                "prerequisites", List.of("b")));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("error").asText()).contains("prerequisites").contains("cycle");
        assertThat(admin().get(base(app) + "/achievements/a").json().get("prerequisites").get(0).asText())
                .isEqualTo("root");
    }

    @Test
    void anUnknownPrerequisiteIsRefused() {
        assertRefused(newApp(), "c", obj("name", "C", "trigger", "achievement", "prerequisites", List.of("ghost")),
                422, "prerequisites");
    }

    @Test
    void aMetricValueOfZeroOrLessIsRefused() {
        var app = newApp();
        setup(app).metric("words");
        for (Number v : List.of(0, -1, -0.5)) {
            assertRefused(app, "a", obj("name", "A", "trigger", "metric", "metricKey", "words", "metricValue", v),
                    422, "metricValue");
        }
    }

    @Test
    void anUnknownTriggerIsRefused() {
        assertRefused(newApp(), "a", obj("name", "A", "trigger", "magic"), 400, "trigger");
    }

    @Test
    void eventAttributesOnANonMetricTriggerAreRefused() {
        assertRefused(newApp(), "a", obj("name", "A", "trigger", "api", "eventAttributes",
                List.of(obj("key", "source", "value", "web"))), 422, "eventAttributes");
    }

    @Test
    void aTotalStepsThatContradictsTheMetricThresholdIsRefused() {
        var app = newApp();
        setup(app).metric("words");
        assertRefused(app, "a", obj("name", "A", "trigger", "metric", "metricKey", "words", "metricValue", 10,
                "totalSteps", 3), 422, "totalSteps");
    }

    @Test
    void anUnknownFieldIsRefusedRatherThanDropped() {
        assertRefused(newApp(), "a", obj("name", "A", "trigger", "api", "colour", "red"), 400, "colour");
    }

    @Test
    void aMissingNameIsRefused() {
        assertRefused(newApp(), "a", obj("trigger", "api"), 400, "name");
    }

    // ---- deletes that would break the set ---------------------------------------------------------------------

    @Test
    void aMetricStillUsedByAnAchievementCannotBeDeleted() {
        var app = newApp();
        var s = setup(app);
        s.metric("words");
        s.metricAchievement("novice", "words", 10);
        var r = admin().delete(base(app) + "/metrics/words");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("error").asText()).contains("novice");
        assertThat(admin().get(base(app) + "/metrics/words").status()).isEqualTo(200);
    }

    @Test
    void aMetricDeletedAndDefinedAgainStartsFromNothing() {
        var app = newApp();
        var s = setup(app);
        s.metric("words");
        var first = app.http().with("Idempotency-Key", "k-1").post("/v1/metrics/words/event",
                obj("user", obj("id", "u1"), "value", 40));
        assertThat(first.status()).isEqualTo(201);
        assertThat(admin().delete(base(app) + "/metrics/words").status()).isEqualTo(200);

        s.metric("words");
        assertThat(Setup.ok(app.http().get("/v1/users/u1/metrics/words")).get("current").asLong()).isZero();
        var again = app.http().with("Idempotency-Key", "k-1").post("/v1/metrics/words/event",
                obj("user", obj("id", "u1"), "value", 2));
        assertThat(again.status()).as("a key of the deleted metric is not a replay: %s", again).isEqualTo(201);
        assertThat(again.json().get("total").asLong()).isEqualTo(2);
    }

    @Test
    void aPrerequisiteStillRequiredCannotBeDeleted() {
        var app = newApp();
        var s = setup(app);
        s.api("a");
        s.composite("c", "a");
        var r = admin().delete(base(app) + "/achievements/a");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("error").asText()).contains("prerequisite of [c]");
        assertThat(admin().get(base(app) + "/achievements/a").status()).isEqualTo(200);
    }

    // ---- the whole set as one document ------------------------------------------------------------------------

    /** A set with every trigger type, filters and presentation fields. */
    private void defineEverything(Setup s) {
        s.metric("words", "Words written");
        s.metric("km", "Kilometres");
        s.metricAchievement("novice", "words", 500);
        s.achievement("web-writer", obj("name", "Web writer", "trigger", "metric", "metricKey", "words",
                "metricValue", 100.5, "eventAttributes", List.of(obj("key", "source", "value", "web")),
                "userAttributes", List.of(obj("key", "plan", "value", "pro")), "description", "On the web"));
        s.achievement("three-days", obj("name", "Three days", "trigger", "streak", "streakLength", 3,
                "badgeUrl", "https://example.com/b.png"));
        s.achievement("onboarded", obj("name", "Onboarded", "trigger", "api", "initialState", "HIDDEN",
                "totalSteps", 5, "repeatable", true, "status", "locked", "point", 10));
        s.composite("all-round", "novice", "onboarded");
    }

    /** The export without ids and times (they belong to the app, not to the definitions). */
    private static JsonNode portable(JsonNode export) {
        JsonNode copy = export.deepCopy();
        for (String kind : List.of("metrics", "achievements")) {
            copy.get(kind).forEach(n -> ((ObjectNode) n).remove(List.of("id", "createdAt", "updatedAt")));
        }
        return copy;
    }

    private JsonNode export(TestServer.TestApp app) {
        var r = admin().get(base(app) + "/definitions");
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    @Test
    void anExportImportedIntoAnotherAppReproducesTheSameDefinitions() {
        var a = newApp();
        defineEverything(setup(a));
        JsonNode exported = export(a);

        var b = newApp();
        var imported = admin().put(base(b) + "/definitions", exported);
        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        assertThat(imported.json().get("metrics").get("created")).hasSize(2);
        assertThat(imported.json().get("achievements").get("created")).hasSize(5);

        assertThat(portable(export(b))).isEqualTo(portable(exported));
    }

    @Test
    void importingTheSameDocumentAgainChangesNothing() {
        var a = newApp();
        defineEverything(setup(a));
        JsonNode before = export(a);

        var again = admin().put(base(a) + "/definitions", before);
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        assertThat(again.json().get("achievements").get("unchanged")).hasSize(5);
        assertThat(again.json().get("achievements").get("updated")).isEmpty();
        assertThat(again.json().get("metrics").get("unchanged")).hasSize(2);
        assertThat(export(a)).isEqualTo(before);
    }

    @Test
    void aPartialDocumentKeepsTheOrderOfWhatItDoesNotListAndReportsAnUnchangedDefinitionUnchanged() {
        var app = newApp();
        var s = setup(app);
        for (String k : List.of("a", "b", "c")) {
            s.api(k);
        }
        JsonNode c = admin().get(base(app) + "/achievements/c").json();
        var r = admin().put(base(app) + "/definitions", obj("achievements", List.of(c, obj("key", "d", "name", "D",
                "trigger", "api"))));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().get("achievements").get("unchanged")).extracting(JsonNode::asText).containsExactly("c");
        assertThat(r.json().get("achievements").get("created")).extracting(JsonNode::asText).containsExactly("d");
        assertThat(admin().get(base(app) + "/achievements").json().findValuesAsText("key"))
                .containsExactly("a", "b", "c", "d");
        assertThat(app.http().get("/v1/achievements").json().findValuesAsText("key"))
                .containsExactly("a", "b", "c", "d");
        // A document that lists them all sets the order.
        var all = admin().put(base(app) + "/definitions", obj("achievements", List.of(obj("key", "d", "name", "D",
                "trigger", "api"), c, obj("key", "b", "name", "b", "trigger", "api"),
                obj("key", "a", "name", "a", "trigger", "api"))));
        assertThat(all.status()).as("%s", all).isEqualTo(200);
        assertThat(app.http().get("/v1/achievements").json().findValuesAsText("key"))
                .containsExactly("d", "c", "b", "a");
    }

    @Test
    void aMetricThresholdAboveOneBillionIsAcceptedAndItsStepsFollowIt() {
        var app = newApp();
        setup(app).metric("xp");
        var r = admin().put(base(app) + "/achievements/xp-2b", obj("name", "Two billion", "trigger", "metric",
                "metricKey", "xp", "metricValue", 2_000_000_000L));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(r.json().get("totalSteps").asLong()).isEqualTo(2_000_000_000L);
        var api = admin().put(base(app) + "/achievements/many", obj("name", "Many", "trigger", "api",
                "totalSteps", 2_000_000_000L));
        assertThat(api.status()).as("a client-set totalSteps keeps its bound").isEqualTo(400);
    }

    @Test
    void withoutPruneDefinitionsMissingFromTheDocumentStay() {
        var app = newApp();
        var s = setup(app);
        s.metric("old-metric");
        s.api("old-achievement");
        var r = admin().put(base(app) + "/definitions", obj("metrics", List.of(obj("key", "words", "name", "W")),
                "achievements", List.of(obj("key", "a", "name", "A", "trigger", "api"))));
        assertThat(r.status()).isEqualTo(200);
        assertThat(export(app).get("metrics").findValuesAsText("key")).containsExactlyInAnyOrder("old-metric", "words");
        assertThat(export(app).get("achievements").findValuesAsText("key"))
                .containsExactlyInAnyOrder("old-achievement", "a");
    }

    @Test
    void pruneDeletesDefinitionsMissingFromTheDocument() {
        var app = newApp();
        var s = setup(app);
        s.metric("old-metric");
        s.metric("words");
        s.api("old-achievement");
        s.metricAchievement("old-novice", "old-metric", 3);
        var r = admin().put(base(app) + "/definitions?prune=true", obj(
                "metrics", List.of(obj("key", "words", "name", "words")),
                "achievements", List.of(obj("key", "a", "name", "A", "trigger", "api"))));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().get("achievements").get("deleted")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("old-achievement", "old-novice");
        assertThat(r.json().get("metrics").get("deleted")).extracting(JsonNode::asText)
                .containsExactly("old-metric");
        assertThat(export(app).get("metrics").findValuesAsText("key")).containsExactly("words");
        assertThat(export(app).get("achievements").findValuesAsText("key")).containsExactly("a");
    }

    @Test
    void anInvalidDocumentChangesNothing() {
        var app = newApp();
        defineEverything(setup(app));
        JsonNode before = export(app);

        // Valid new definitions first, then one that makes the set invalid: none of it may be written.
        var cycle = admin().put(base(app) + "/definitions?prune=true", obj(
                "metrics", List.of(obj("key", "new-metric", "name", "N")),
                "achievements", List.of(
                        obj("key", "fresh", "name", "Fresh", "trigger", "api"),
                        obj("key", "x", "name", "X", "trigger", "achievement", "prerequisites", List.of("y")),
                        obj("key", "y", "name", "Y", "trigger", "achievement", "prerequisites", List.of("x")))));
        assertThat(cycle.status()).isEqualTo(422);
        assertThat(cycle.json().get("error").asText()).contains("prerequisites");

        var unknownMetric = admin().put(base(app) + "/definitions", obj("achievements", List.of(
                obj("key", "fresh", "name", "Fresh", "trigger", "api"),
                obj("key", "m", "name", "M", "trigger", "metric", "metricKey", "ghost", "metricValue", 1))));
        assertThat(unknownMetric.status()).isEqualTo(422);
        assertThat(unknownMetric.json().get("error").asText()).contains("metricKey");

        var malformed = admin().put(base(app) + "/definitions", obj("achievements", List.of(
                obj("key", "fresh", "name", "Fresh", "trigger", "api"),
                obj("key", "bad", "name", "Bad", "trigger", "metric", "metricKey", "words", "metricValue", 0))));
        assertThat(malformed.status()).isEqualTo(422);
        assertThat(malformed.json().get("error").asText()).contains("achievements[1].metricValue");

        var duplicate = admin().put(base(app) + "/definitions", obj("metrics", List.of(
                obj("key", "dup", "name", "D"), obj("key", "dup", "name", "D"))));
        assertThat(duplicate.status()).isEqualTo(400);

        assertThat(export(app)).isEqualTo(before);
    }
}
