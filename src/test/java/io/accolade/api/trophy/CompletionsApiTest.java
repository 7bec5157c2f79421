package io.accolade.api.trophy;

import static io.accolade.api.trophy.Setup.fieldNames;
import static io.accolade.api.trophy.Setup.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.ServerTest;
import io.accolade.support.TestServer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 3: {@code POST /v1/achievements/{key}/complete} (reference B.4.3, B.4.5). */
class CompletionsApiTest extends ServerTest {

    private record Fixture(TestServer.TestApp app, Setup setup) {
        long completions(String key) {
            for (JsonNode a : Setup.ok(app.http().get("/v1/achievements"))) {
                if (a.get("key").asText().equals(key)) {
                    return a.get("completions").asLong();
                }
            }
            throw new AssertionError("no achievement " + key + " in GET /v1/achievements");
        }

        List<String> achieved(String user) {
            List<String> keys = new java.util.ArrayList<>();
            Setup.ok(app.http().get("/v1/users/" + user + "/achievements")).forEach(a -> keys.add(a.get("key").asText()));
            return keys;
        }
    }

    private Fixture fixture() {
        var app = newApp();
        var s = new Setup(admin(), app);
        s.metric("words");
        s.api("onboarded");
        s.metricAchievement("novice", "words", 10);
        return new Fixture(app, s);
    }

    @Test
    void aCompletionAnswers201WithTheCompletion() {
        var f = fixture();
        var r = f.setup().complete("onboarded", "u1");
        assertThat(r.status()).isEqualTo(201);
        JsonNode body = r.json();
        assertThat(fieldNames(body)).contains("completionId", "achievement", "points");
        assertThat(body.get("completionId").asText()).isNotBlank();
        assertThat(body.get("points").isObject()).isTrue();
        JsonNode a = body.get("achievement");
        assertThat(a.get("key").asText()).isEqualTo("onboarded");
        assertThat(a.get("trigger").asText()).isEqualTo("api");
        Instant achievedAt = Instant.parse(a.get("achievedAt").asText());
        assertThat(achievedAt).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(5));
        assertThat(f.completions("onboarded")).isEqualTo(1);
        assertThat(f.achieved("u1")).containsExactly("onboarded");
    }

    @Test
    void completingAgainReturnsTheSameCompletionAndChangesNothing() {
        var f = fixture();
        JsonNode first = f.setup().complete("onboarded", "u1").json();

        var again = f.setup().complete("onboarded", "u1");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("completionId").asText()).isEqualTo(first.get("completionId").asText());
        assertThat(again.json().get("achievement").get("achievedAt").asText())
                .isEqualTo(first.get("achievement").get("achievedAt").asText());
        assertThat(again.json().get("achievements").isEmpty()).as("nothing newly completed").isTrue();
        assertThat(f.completions("onboarded")).isEqualTo(1);
        assertThat(f.achieved("u1")).containsExactly("onboarded");
    }

    @Test
    void eachUserCompletesOnItsOwn() {
        var f = fixture();
        String c1 = f.setup().complete("onboarded", "u1").json().get("completionId").asText();
        var second = f.setup().complete("onboarded", "u2");
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.json().get("completionId").asText()).isNotEqualTo(c1);
        assertThat(f.completions("onboarded")).isEqualTo(2);
    }

    @Test
    void anUnknownKeyIs404() {
        var f = fixture();
        var r = f.setup().complete("ghost", "u1");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).contains("Achievement Not Found");
        assertThat(f.app().http().get("/v1/users/u1").status()).isEqualTo(404);
    }

    @Test
    void aNonApiAchievementIs422() {
        var f = fixture();
        var r = f.setup().complete("novice", "u1");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("error").asText()).contains("novice").contains("api");
        assertThat(f.app().http().get("/v1/users/u1").status()).as("the refused call wrote nothing").isEqualTo(404);
    }

    @Test
    void anInactiveAchievementIsNotFound() {
        var f = fixture();
        f.setup().status("onboarded", "inactive");
        assertThat(f.setup().complete("onboarded", "u1").status()).isEqualTo(404);
    }

    @Test
    void aLockedAchievementTakesNoNewCompletionButKeepsTheOldOnes() {
        var f = fixture();
        JsonNode old = f.setup().complete("onboarded", "u1").json();
        f.setup().status("onboarded", "locked");

        var refused = f.setup().complete("onboarded", "u2");
        assertThat(refused.status()).as("a business refusal, never a 409 that the SDK would retry").isEqualTo(422);
        assertThat(refused.json().get("error").asText()).contains("locked");

        var kept = f.setup().complete("onboarded", "u1");
        assertThat(kept.status()).isEqualTo(200);
        assertThat(kept.json().get("completionId").asText()).isEqualTo(old.get("completionId").asText());
    }

    @Test
    void aUserOutsideTheAttributeFilterIsRefusedWith422() {
        var f = fixture();
        f.setup().achievement("pro-only", obj("name", "Pro", "trigger", "api", "userAttributes",
                List.of(obj("key", "plan", "value", "pro"))));
        var free = f.app().http().post("/v1/achievements/pro-only/complete",
                obj("user", obj("id", "u1", "attributes", obj("plan", "free"))));
        assertThat(free.status()).isEqualTo(422);
        var pro = f.app().http().post("/v1/achievements/pro-only/complete",
                obj("user", obj("id", "u2", "attributes", obj("plan", "pro"))));
        assertThat(pro.status()).isEqualTo(201);
    }

    @Test
    void completingTheLastPrerequisiteUnlocksTheChain() {
        var f = fixture();
        f.setup().api("profile");
        f.setup().composite("starter", "onboarded", "profile");
        f.setup().composite("veteran", "starter", "novice");

        var first = f.setup().complete("onboarded", "u1").json();
        assertThat(first.get("achievements")).extracting(a -> a.get("key").asText()).containsExactly("onboarded");

        var last = f.setup().complete("profile", "u1").json();
        assertThat(last.get("achievement").get("key").asText()).isEqualTo("profile");
        assertThat(last.get("achievements")).extracting(a -> a.get("key").asText())
                .containsExactly("profile", "starter");
        JsonNode starter = last.get("achievements").get(1);
        assertThat(starter.get("trigger").asText()).isEqualTo("achievement");
        assertThat(starter.get("achievedAt").isTextual()).isTrue();

        // The metric prerequisite arrives by event; the chain continues there.
        var event = f.setup().event("words", "u1", 10).json();
        assertThat(event.get("achievements")).extracting(a -> a.get("key").asText())
                .containsExactly("novice", "veteran");
        assertThat(f.achieved("u1")).containsExactlyInAnyOrder("onboarded", "profile", "starter", "novice", "veteran");
        assertThat(f.completions("veteran")).isEqualTo(1);
    }

    @Test
    void aBodyWithoutUserIs400() {
        var f = fixture();
        for (Object body : List.of(obj(), obj("user", obj("name", "x")), "{", obj("user", obj("id", "@bad")))) {
            var r = f.app().http().post("/v1/achievements/onboarded/complete", body);
            assertThat(r.status()).as("%s -> %s", body, r).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isNotBlank();
        }
        assertThat(f.completions("onboarded")).isZero();
    }

    @Test
    void aMissingKeyIs401() {
        fixture();
        assertThat(http().post("/v1/achievements/onboarded/complete", obj("user", obj("id", "u1"))).status())
                .isEqualTo(401);
    }
}
