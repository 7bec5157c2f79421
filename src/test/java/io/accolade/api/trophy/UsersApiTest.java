package io.accolade.api.trophy;

import static io.accolade.api.trophy.Setup.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.ServerTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 3: Trophy's users, {@code /v1/users}, and inline identification (reference B.1). */
class UsersApiTest extends ServerTest {
    private static final List<String> USER_FIELDS = List.of("id", "email", "name", "tz", "deviceTokens",
            "subscribeToEmails", "attributes", "control", "created", "updated");

    private static void assertUserShape(JsonNode u) {
        assertThat(Setup.fieldNames(u)).containsExactlyInAnyOrderElementsOf(USER_FIELDS);
        Instant.parse(u.get("created").asText());
        Instant.parse(u.get("updated").asText());
    }

    @Test
    void fixedOffsetZonesThatJavaAlsoParsesAreRefused() {
        var app = newApp();
        for (String tz : List.of("UTC+01:00", "GMT-05:00", "UT+03:00", "Z", "+09:00")) {
            var r = app.http().put("/v1/users/tz-user", Map.of("tz", tz));
            assertThat(r.status()).as("tz %s: %s", tz, r).isEqualTo(400);
        }
        for (String tz : List.of("UTC", "Etc/GMT+5", "Asia/Tokyo")) {
            assertThat(app.http().put("/v1/users/tz-user", Map.of("tz", tz)).status()).as(tz).isEqualTo(200);
        }
    }

    @Test
    void aUserHoldsAtMost100AttributeKeysAlsoAcrossPatches() {
        var app = newApp();
        Map<String, String> first = new java.util.LinkedHashMap<>();
        Map<String, String> second = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            first.put("a" + i, "v");
            second.put("b" + i, "v");
        }
        assertThat(app.http().put("/v1/users/many", Map.of("attributes", first)).status()).isEqualTo(200);
        var r = app.http().patch("/v1/users/many", Map.of("attributes", second));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).contains("attributes");
        assertThat(app.http().get("/v1/users/many").json().get("attributes").size()).isEqualTo(100);
    }

    @Test
    void postCreatesAUserWithTrophysUserShape() {
        var app = newApp();
        var r = app.http().post("/v1/users", obj("id", "u1", "email", "ann@example.com", "name", "Ann",
                "tz", "Europe/London", "deviceTokens", List.of("tok-1"), "subscribeToEmails", true,
                "attributes", obj("plan", "pro")));
        assertThat(r.status()).isEqualTo(201);
        JsonNode u = r.json();
        assertUserShape(u);
        assertThat(u.get("id").asText()).isEqualTo("u1");
        assertThat(u.get("email").asText()).isEqualTo("ann@example.com");
        assertThat(u.get("name").asText()).isEqualTo("Ann");
        assertThat(u.get("tz").asText()).isEqualTo("Europe/London");
        assertThat(u.get("deviceTokens").get(0).asText()).isEqualTo("tok-1");
        assertThat(u.get("subscribeToEmails").asBoolean()).isTrue();
        assertThat(u.get("attributes").get("plan").asText()).isEqualTo("pro");
        assertThat(u.get("control").asBoolean()).isFalse();
        assertThat(u.get("created").asText()).isEqualTo(u.get("updated").asText());

        assertThat(app.http().get("/v1/users/u1").json()).isEqualTo(u);
    }

    @Test
    void aUserWithOnlyAnIdHasNullsAndDefaults() {
        var app = newApp();
        JsonNode u = app.http().post("/v1/users", obj("id", "bare")).json();
        assertUserShape(u);
        assertThat(u.get("email").isNull()).isTrue();
        assertThat(u.get("name").isNull()).isTrue();
        assertThat(u.get("tz").isNull()).isTrue();
        assertThat(u.get("deviceTokens").isNull()).isTrue();
        assertThat(u.get("subscribeToEmails").asBoolean()).as("Trophy's default").isTrue();
        assertThat(u.get("attributes").isObject()).isTrue();
        assertThat(u.get("attributes").isEmpty()).isTrue();
    }

    @Test
    void getOfAnUnknownUserIs404WithAnErrorBody() {
        var r = newApp().http().get("/v1/users/nobody");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).contains("User Not Found");
    }

    @Test
    void usersOfOneAppAreInvisibleToAnother() {
        var a = newApp();
        var b = newApp();
        a.http().post("/v1/users", obj("id", "shared-id", "name", "A's user"));
        assertThat(b.http().get("/v1/users/shared-id").status()).isEqualTo(404);
    }

    @Test
    void userIdsWithReservedCharactersRoundTripThroughThePath() {
        var app = newApp();
        for (String id : List.of("ann@example.com", "sp.mbga.jp:10234", "a+b", "auth0|5f7c8ec7c33c6c004bbafe82")) {
            assertThat(app.http().post("/v1/users", obj("id", id)).status()).isEqualTo(201);
            String encoded = java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8);
            var r = app.http().get("/v1/users/" + encoded);
            assertThat(r.status()).as("GET %s: %s", encoded, r).isEqualTo(200);
            assertThat(r.json().get("id").asText()).isEqualTo(id);
        }
        // The SDK does not encode path parameters: '@' and ':' arrive as they are.
        assertThat(app.http().get("/v1/users/ann@example.com").json().get("id").asText()).isEqualTo("ann@example.com");
        // An event names the user in its body, as every write does.
        new Setup(admin(), app).metric("words");
        assertThat(app.http().post("/v1/metrics/words/event", obj("user", obj("id", "auth0|abc"), "value", 1))
                .status()).isEqualTo(201);
        assertThat(app.http().get("/v1/users/auth0%7Cabc").json().get("id").asText()).isEqualTo("auth0|abc");
    }

    @Test
    void putCreatesAnUnknownUser() {
        var app = newApp();
        var r = app.http().put("/v1/users/new-one", obj("name", "New"));
        assertThat(r.status()).isEqualTo(200);
        assertUserShape(r.json());
        assertThat(r.json().get("id").asText()).isEqualTo("new-one");
        assertThat(app.http().get("/v1/users/new-one").json().get("name").asText()).isEqualTo("New");
    }

    @Test
    void putUpdatesOnlyTheFieldsItPasses() {
        var app = newApp();
        app.http().post("/v1/users", obj("id", "u1", "name", "Ann", "email", "ann@example.com", "tz", "UTC"));
        JsonNode u = app.http().put("/v1/users/u1", obj("tz", "Asia/Tokyo")).json();
        assertThat(u.get("tz").asText()).isEqualTo("Asia/Tokyo");
        assertThat(u.get("name").asText()).isEqualTo("Ann");
        assertThat(u.get("email").asText()).isEqualTo("ann@example.com");
    }

    @Test
    void patchUpdatesAnExistingUser() {
        var app = newApp();
        JsonNode before = app.http().post("/v1/users", obj("id", "u1", "name", "Ann")).json();
        var r = app.http().patch("/v1/users/u1", obj("name", "Anna"));
        assertThat(r.status()).isEqualTo(200);
        assertUserShape(r.json());
        assertThat(r.json().get("name").asText()).isEqualTo("Anna");
        assertThat(r.json().get("created").asText()).isEqualTo(before.get("created").asText());
    }

    @Test
    void patchOfAnUnknownUserIs404AndCreatesNothing() {
        var app = newApp();
        var r = app.http().patch("/v1/users/ghost", obj("name", "Ghost"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).isNotBlank();
        assertThat(app.http().get("/v1/users/ghost").status()).isEqualTo(404);
    }

    @Test
    void attributesMergeKeyByKey() {
        var app = newApp();
        app.http().post("/v1/users", obj("id", "u1", "attributes", obj("plan", "free", "city", "london")));
        app.http().put("/v1/users/u1", obj("attributes", obj("plan", "pro")));
        JsonNode u = app.http().patch("/v1/users/u1", obj("attributes", obj("team", "blue"))).json();
        assertThat(u.get("attributes")).isEqualTo(Setup.ok(app.http().get("/v1/users/u1")).get("attributes"));
        assertThat(u.get("attributes").properties()).hasSize(3);
        assertThat(u.get("attributes").get("plan").asText()).isEqualTo("pro");
        assertThat(u.get("attributes").get("city").asText()).isEqualTo("london");
        assertThat(u.get("attributes").get("team").asText()).isEqualTo("blue");
    }

    @Test
    void anUpdateThatChangesNothingKeepsUpdated() throws InterruptedException {
        var app = newApp();
        JsonNode before = app.http().post("/v1/users", obj("id", "u1", "name", "Ann")).json();
        Thread.sleep(5);
        JsonNode same = app.http().put("/v1/users/u1", obj("name", "Ann")).json();
        assertThat(same.get("updated").asText()).isEqualTo(before.get("updated").asText());
        Thread.sleep(5);
        JsonNode changed = app.http().put("/v1/users/u1", obj("name", "Bob")).json();
        assertThat(Instant.parse(changed.get("updated").asText()))
                .isAfter(Instant.parse(before.get("updated").asText()));
    }

    @Test
    void anInvalidTimeZoneIs400NamingTz() {
        var app = newApp();
        app.http().post("/v1/users", obj("id", "u1"));
        for (String tz : List.of("Mars/Olympus", "+09:00", "")) {
            var post = app.http().post("/v1/users", obj("id", "u2", "tz", tz));
            var put = app.http().put("/v1/users/u1", obj("tz", tz));
            var patch = app.http().patch("/v1/users/u1", obj("tz", tz));
            for (var r : List.of(post, put, patch)) {
                assertThat(r.status()).as("tz '%s': %s", tz, r).isEqualTo(400);
                assertThat(r.json().get("error").asText()).contains("'tz'");
            }
        }
        assertThat(app.http().get("/v1/users/u1").json().get("tz").isNull()).isTrue();
        assertThat(app.http().get("/v1/users/u2").status()).isEqualTo(404);
    }

    @Test
    void subscribingToEmailsWithoutAnEmailIs400() {
        var r = newApp().http().post("/v1/users", obj("id", "u1", "subscribeToEmails", true));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).contains("email");
    }

    @Test
    void optingOutOfEmailsDropsTheStoredEmail() {
        var app = newApp();
        var r = app.http().put("/v1/users/u1", obj("email", "a@example.com"));
        assertThat(r.json().get("email").asText()).isEqualTo("a@example.com");
        var out = app.http().patch("/v1/users/u1", obj("subscribeToEmails", false));
        assertThat(out.json().get("subscribeToEmails").asBoolean()).isFalse();
        assertThat(out.json().get("email").isNull()).isTrue();
        assertThat(app.http().get("/v1/users/u1").json().get("email").isNull()).isTrue();
    }

    @Test
    void badUserBodiesAre400NamingTheField() {
        var app = newApp();
        Map<Object, String> cases = Map.of(
                obj("name", "no id"), "'id'",
                obj("id", "@me"), "'id'",
                obj("id", "u1", "email", "not-an-email"), "'email'",
                obj("id", "u1", "attributes", obj("plan", 3)), "'attributes.plan'",
                obj("id", "u1", "deviceTokens", "tok"), "'deviceTokens'",
                obj("id", "u1", "subscribeToEmails", "yes"), "'subscribeToEmails'",
                "{not json", "malformed JSON");
        cases.forEach((body, field) -> {
            var r = app.http().post("/v1/users", body);
            assertThat(r.status()).as("%s -> %s", body, r).isEqualTo(400);
            assertThat(r.json().get("error").asText()).contains(field);
        });
        assertThat(app.http().get("/v1/users/u1").status()).isEqualTo(404);
    }

    @Test
    void aMissingOrWrongKeyIs401() {
        newApp();
        assertThat(http().get("/v1/users/u1").status()).isEqualTo(401);
        assertThat(http().withKey("abcdefgh.wrongwrongwrong").post("/v1/users", obj("id", "u1")).status())
                .isEqualTo(401);
    }

    // ---- inline identification --------------------------------------------------------------------------------

    @Test
    void aMetricEventCreatesItsUserInline() {
        var app = newApp();
        new Setup(admin(), app).metric("words");
        var r = app.http().post("/v1/metrics/words/event", obj("user", obj("id", "inline", "name", "Ines",
                "tz", "Europe/Paris", "attributes", obj("plan", "pro")), "value", 1));
        assertThat(r.status()).isEqualTo(201);
        JsonNode u = app.http().get("/v1/users/inline").json();
        assertThat(u.get("name").asText()).isEqualTo("Ines");
        assertThat(u.get("tz").asText()).isEqualTo("Europe/Paris");
        assertThat(u.get("attributes").get("plan").asText()).isEqualTo("pro");
    }

    @Test
    void aMetricEventUpdatesAnExistingUserWithTheFieldsItPasses() {
        var app = newApp();
        new Setup(admin(), app).metric("words");
        app.http().post("/v1/users", obj("id", "u1", "name", "Ann", "attributes", obj("plan", "free")));
        app.http().post("/v1/metrics/words/event", obj("user", obj("id", "u1", "attributes",
                obj("city", "paris")), "value", 1));
        JsonNode u = app.http().get("/v1/users/u1").json();
        assertThat(u.get("name").asText()).isEqualTo("Ann");
        assertThat(u.get("attributes").get("plan").asText()).isEqualTo("free");
        assertThat(u.get("attributes").get("city").asText()).isEqualTo("paris");
    }

    @Test
    void aCompletionCreatesItsUserInline() {
        var app = newApp();
        new Setup(admin(), app).api("onboarded");
        var r = app.http().post("/v1/achievements/onboarded/complete", obj("user", obj("id", "fresh",
                "email", "f@example.com")));
        assertThat(r.status()).isEqualTo(201);
        assertThat(app.http().get("/v1/users/fresh").json().get("email").asText()).isEqualTo("f@example.com");
    }

    @Test
    void anInvalidInlineUserIsRefusedAndNothingIsRecorded() {
        var app = newApp();
        new Setup(admin(), app).metric("words");
        var r = app.http().post("/v1/metrics/words/event", obj("user", obj("id", "u1", "tz", "Nowhere/Land"),
                "value", 5));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).contains("'user.tz'");
        assertThat(app.http().get("/v1/users/u1").status()).isEqualTo(404);
    }
}
