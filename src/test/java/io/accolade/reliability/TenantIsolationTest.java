package io.accolade.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.DbSnapshot;
import io.accolade.support.Http;
import io.accolade.support.ServerTest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, point 4: the credentials of app A (its API key, on the application and the admin API, and a Mobage
 * user token of A) against every route, aimed at app B's ids, keys and users. Each gets a 401/403/404 — or A's own
 * data where the route reads A — never anything of B: no B-only value appears in any answer, and B's rows in the
 * store are unchanged afterwards. A Mobage token also cannot write another user's records of its own app (403).
 * The probed route templates must cover every route of the code.
 */
class TenantIsolationTest extends ServerTest {
    static final String A = "iso-a";
    static final String B = "iso-b";
    static final String MOBAGE = "/social/api/restful/v2";

    /** One request of the matrix: the route it probes, the request, what may answer, and an extra check. */
    record Probe(String template, String method, String path, Http client, Object body, Set<Integer> allowed,
                 Predicate<JsonNode> check) {
    }

    private final List<Probe> probes = new ArrayList<>();
    private final Map<Http, String> names = new java.util.IdentityHashMap<>();
    private String keyB;
    private String keyIdB;
    private String tokenB;
    private final List<String> bOnly = new ArrayList<>();

    private void probe(String template, String method, String path, Http client, Object body, Integer... allowed) {
        probes.add(new Probe(template, method, path, client, body, Set.of(allowed), x -> true));
    }

    private void probe(String template, String method, String path, Http client, Object body,
                       Predicate<JsonNode> check, Integer... allowed) {
        probes.add(new Probe(template, method, path, client, body, Set.of(allowed), check));
    }

    private void fixture() {
        // One instance serves both stores (PER_CLASS): start from nothing.
        probes.clear();
        names.clear();
        bOnly.clear();
        tokenOfABob = null;
        Http admin = admin();
        // App B: everything a tenant has, with values that exist nowhere in A.
        var b = server.newApp(B);
        keyB = b.apiKey();
        keyIdB = admin.get("/admin/v1/apps/" + B + "/keys").json().get(0).get("id").asText();
        Http hb = b.http();
        ok(hb.put("/admin/v1/apps/" + B + "/metrics/b-only", Map.of("name", "Bee metric")));
        ok(hb.put("/admin/v1/apps/" + B + "/metrics/steps", Map.of("name", "Bee steps")));
        ok(hb.put("/admin/v1/apps/" + B + "/achievements/b-secret", Map.of("name", "Bee secret achievement",
                "trigger", "api", "description", "Bee description")));
        ok(hb.put("/admin/v1/apps/" + B + "/achievements/shared-ach", Map.of("name", "Bee shared achievement",
                "trigger", "metric", "metricKey", "steps", "metricValue", 5)));
        ok(hb.put("/admin/v1/apps/" + B + "/streak", Map.of("enabled", true, "frequency", "daily",
                "metrics", List.of(Map.of("key", "steps")), "freezes", Map.of("enabled", true, "initial", 2))));
        ok(hb.put("/v1/users/bob", Map.of("name", "Bob of B", "email", "bob@b.example", "subscribeToEmails", true,
                "attributes", Map.of("plan", "b-plan"))));
        ok(hb.put("/v1/users/shared", Map.of("name", "B shared name")));
        ok(hb.put("/v1/users/bfriend", Map.of("name", "Bee friend")));
        ok(hb.post("/v1/metrics/steps/event", Map.of("user", Map.of("id", "bob"), "value", 987654.321)));
        ok(hb.post("/v1/metrics/b-only/event", Map.of("user", Map.of("id", "shared"), "value", 876543.21)));
        ok(hb.post("/v1/achievements/b-secret/complete", Map.of("user", Map.of("id", "bob"))));
        ok(hb.put("/admin/v1/apps/" + B + "/users/bob/friends", Map.of("friends", List.of("bfriend"))));
        tokenB = hb.postForm("/oauth2/token", exchange("bob")).json().get("access_token").asText();
        bOnly.addAll(List.of("bob", "bfriend", "b-only", "b-secret", "Bee metric", "Bee steps", "Bee secret achievement",
                "Bee description", "Bee shared achievement", "Bob of B", "bob@b.example", "b-plan", "B shared name",
                "Bee friend", "987654.321", "876543.21", keyB, keyB.substring(0, 8), keyIdB, tokenB));

        // App A: the attacker's own tenant, with some of the same keys and user ids.
        var a = server.newApp(A);
        Http ha = a.http();
        ok(ha.put("/admin/v1/apps/" + A + "/metrics/steps", Map.of("name", "A steps")));
        ok(ha.put("/admin/v1/apps/" + A + "/achievements/shared-ach", Map.of("name", "A shared", "trigger", "api")));
        ok(ha.put("/admin/v1/apps/" + A + "/achievements/a-steps", Map.of("name", "A steps", "trigger", "api",
                "totalSteps", 5)));
        ok(ha.put("/v1/users/shared", Map.of("name", "A shared user")));
        ok(ha.post("/v1/metrics/steps/event", Map.of("user", Map.of("id", "alice"), "value", 3)));
        ok(ha.put("/v1/users/anna", Map.of("name", "Anna")));
        ok(ha.put("/admin/v1/apps/" + A + "/users/alice/friends", Map.of("friends", List.of("anna"))));
        String tokenA = ha.postForm("/oauth2/token", exchange("alice")).json().get("access_token").asText();

        matrix(a.apiKey(), ha, server.http.withBearer(tokenA));
    }

    private static Map<String, String> exchange(String user) {
        return Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token", user,
                "subject_token_type", "urn:accolade:params:oauth:token-type:user-id");
    }

    private static void ok(Http.Resp r) {
        assertThat(r.status()).as("fixture: " + r).isBetween(200, 299);
    }

    /** Every route, with A's credentials, at B. */
    private void matrix(String keyA, Http ha, Http mobageA) {
        Http keyAsBearer = server.http.withBearer(keyA);
        Http none = server.http;
        String basic = "Basic " + Base64.getEncoder().encodeToString((B + ":" + keyA).getBytes());
        Http basicAsB = none.with("Authorization", basic);
        names.put(ha, "A's key");
        names.put(keyAsBearer, "A's key as Bearer");
        names.put(mobageA, "A's user token");
        names.put(admin(), "operator");
        names.put(basicAsB, "Basic " + B + ":A's key");
        String apps = "/admin/v1/apps";
        String appB = apps + "/" + B;
        String appA = apps + "/" + A;

        probe("/health", "GET", "/health", ha, null, 200);
        probe("/health/live", "GET", "/health/live", ha, null, 200);

        // Apps and keys are the operator's: A's key (in either header) and A's user token get 401 on them.
        for (Http c : List.of(ha, keyAsBearer, mobageA)) {
            probe(apps, "POST", apps, c, Map.of("id", "iso-c"), 401);
            probe(apps, "GET", apps, c, null, 401);
            probe(apps + "/{appId}", "GET", appB, c, null, 401);
            probe(apps + "/{appId}", "DELETE", appB, c, null, 401);
            probe(apps + "/{appId}/keys", "POST", appB + "/keys", c, null, 401);
            probe(apps + "/{appId}/keys", "GET", appB + "/keys", c, null, 401);
            probe(apps + "/{appId}/keys/{keyId}", "DELETE", appB + "/keys/" + keyIdB, c, null, 401);
        }
        // The operator revoking B's key through A's path: not found, B's key stays valid.
        probe(apps + "/{appId}/keys/{keyId}", "DELETE", appA + "/keys/" + keyIdB, admin(), null, 404);

        // Definitions and friends under B's app id: 403 with A's key, 401 with A's user token.
        String base = apps + "/{appId}";
        Map<String, Object> metric = Map.of("name", "hijack");
        Map<String, Object> ach = Map.of("name", "hijack", "trigger", "api");
        Map<String, Object> streak = Map.of("enabled", false);
        Map<String, Object> doc = Map.of("metrics", List.of(), "achievements", List.of());
        for (Http c : List.of(ha, mobageA)) {
            int status = c == ha ? 403 : 401;
            probe(base + "/metrics", "GET", appB + "/metrics", c, null, status);
            probe(base + "/metrics/{key}", "GET", appB + "/metrics/b-only", c, null, status);
            probe(base + "/metrics/{key}", "PUT", appB + "/metrics/b-only", c, metric, status);
            probe(base + "/metrics/{key}", "DELETE", appB + "/metrics/b-only", c, null, status);
            probe(base + "/achievements", "GET", appB + "/achievements", c, null, status);
            probe(base + "/achievements/{key}", "GET", appB + "/achievements/b-secret", c, null, status);
            probe(base + "/achievements/{key}", "PUT", appB + "/achievements/b-secret", c, ach, status);
            probe(base + "/achievements/{key}", "DELETE", appB + "/achievements/b-secret", c, null, status);
            probe(base + "/streak", "GET", appB + "/streak", c, null, status);
            probe(base + "/streak", "PUT", appB + "/streak", c, streak, status);
            probe(base + "/definitions", "GET", appB + "/definitions", c, null, status);
            probe(base + "/definitions", "PUT", appB + "/definitions?prune=true", c, doc, status);
            String friends = base + "/users/{userId}/friends";
            probe(friends, "GET", appB + "/users/bob/friends", c, null, status);
            probe(friends, "PUT", appB + "/users/bob/friends", c, Map.of("friends", List.of()), status);
            probe(friends + "/{friendId}", "POST", appB + "/users/bob/friends/shared", c, null, status);
            probe(friends + "/{friendId}", "DELETE", appB + "/users/bob/friends/bfriend", c, null, status);
        }
        // B's ids under A's own app: not found (A has no such metric, achievement or user).
        probe(base + "/metrics/{key}", "GET", appA + "/metrics/b-only", ha, null, 404);
        probe(base + "/metrics/{key}", "DELETE", appA + "/metrics/b-only", ha, null, 404);
        probe(base + "/achievements/{key}", "GET", appA + "/achievements/b-secret", ha, null, 404);
        probe(base + "/achievements/{key}", "DELETE", appA + "/achievements/b-secret", ha, null, 404);
        probe(base + "/users/{userId}/friends", "GET", appA + "/users/bob/friends", ha, null, 404);
        probe(base + "/users/{userId}/friends", "PUT", appA + "/users/alice/friends",
                ha, Map.of("friends", List.of("bfriend")), 404);
        probe(base + "/users/{userId}/friends/{friendId}", "POST", appA + "/users/alice/friends/bob", ha, null, 404);
        probe(base + "/users/{userId}/friends/{friendId}", "DELETE", appA + "/users/bob/friends/bfriend", ha, null,
                404);
        probe(base + "/definitions", "GET", appA + "/definitions", ha, null, 200);
        probe(base + "/metrics", "GET", appA + "/metrics", ha, null, 200);
        probe(base + "/achievements", "GET", appA + "/achievements", ha, null, 200);
        probe(base + "/streak", "GET", appA + "/streak", ha, null, 200);

        // Trophy's application API with A's key: B's users, metrics and achievements do not exist; the ids both apps
        // use ("shared", "steps", "shared-ach") answer with A's data only.
        probe("/v1/users", "POST", "/v1/users", ha, Map.of("id", "shared"), 201);
        probe("/v1/users/{id}", "GET", "/v1/users/bob", ha, null, 404);
        probe("/v1/users/{id}", "GET", "/v1/users/shared", ha, null, 200);
        probe("/v1/users/{id}", "PUT", "/v1/users/shared", ha, Map.of("tz", "UTC"), 200);
        probe("/v1/users/{id}", "PATCH", "/v1/users/bob", ha, Map.of("name", "hijack"), 404);
        probe("/v1/users/{id}/achievements", "GET", "/v1/users/bob/achievements", ha, null, 404);
        probe("/v1/users/{id}/achievements", "GET", "/v1/users/shared/achievements?includeIncomplete=true", ha, null,
                200);
        probe("/v1/users/{id}/metrics", "GET", "/v1/users/bob/metrics", ha, null, 404);
        probe("/v1/users/{id}/metrics", "GET", "/v1/users/shared/metrics", ha, null, 200);
        probe("/v1/users/{id}/metrics/{key}", "GET", "/v1/users/shared/metrics/b-only", ha, null, 404);
        probe("/v1/users/{id}/metrics/{key}", "GET", "/v1/users/bob/metrics/steps", ha, null, 404);
        probe("/v1/users/{id}/metrics/{key}/event-summary", "GET",
                "/v1/users/bob/metrics/steps/event-summary?aggregation=daily&startDate=2025-01-01&endDate=2025-01-02",
                ha, null, 404);
        probe("/v1/users/{id}/preferences", "GET", "/v1/users/bob/preferences", ha, null, 404);
        probe("/v1/users/{id}/preferences", "PATCH", "/v1/users/bob/preferences", ha,
                Map.of("notifications", Map.of("recap", List.of("email"))), 404);
        probe("/v1/achievements", "GET", "/v1/achievements", ha, null, 200);
        probe("/v1/metrics/{key}/event", "POST", "/v1/metrics/b-only/event", ha,
                Map.of("user", Map.of("id", "shared"), "value", 1), 404);
        probe("/v1/achievements/{key}/complete", "POST", "/v1/achievements/b-secret/complete", ha,
                Map.of("user", Map.of("id", "shared")), 404);
        probe("/v1/users/{id}/streak", "GET", "/v1/users/bob/streak", ha, null, 404);
        probe("/v1/users/{id}/streak", "GET", "/v1/users/shared/streak", ha, null, 200);
        probe("/v1/streaks", "GET", "/v1/streaks?userIds=bob,bfriend,shared", ha, null,
                j -> !j.toString().contains("\"bob\"") && !j.toString().contains("bfriend"), 200);
        probe("/v1/streaks/rankings", "GET", "/v1/streaks/rankings?type=longest&limit=100", ha, null, 200);
        probe("/admin/v1/streaks/freezes", "POST", "/admin/v1/streaks/freezes", ha,
                Map.of("freezes", List.of(Map.of("userId", "bob"))), j -> issue(j, "bob"), 201);
        probe("/admin/v1/streaks/restore", "POST", "/admin/v1/streaks/restore", ha,
                Map.of("users", List.of(Map.of("id", "bob"))), j -> issue(j, "bob"), 201);

        // Mobage with a token of A's user alice: B's app id is a 403, B's achievements are unknown, and alice may
        // read but never write another user's records (anna's, of her own app).
        String people = MOBAGE + "/people/{userId}/{selfOrFriends}/achievements/{appId}";
        String inc = people + "/{achievementId}/increment";
        probe(people, "GET", MOBAGE + "/people/@me/@self/achievements/" + B, mobageA, null, 403);
        probe(people, "GET", MOBAGE + "/people/bob/@self/achievements/@app", mobageA, null, 404);
        probe(people, "GET", MOBAGE + "/people/bob,shared/@self/achievements/@app", mobageA, null, 200);
        probe(people + "/{achievementId}", "GET", MOBAGE + "/people/@me/@self/achievements/@app/b-secret", mobageA,
                null, 404);
        probe(people + "/{achievementId}", "GET", MOBAGE + "/people/bob/@self/achievements/" + B + "/b-secret",
                mobageA, null, 403);
        probe(people + "/{achievementId}", "GET", MOBAGE + "/people/@me/@friends/achievements/@app/shared-ach",
                mobageA, null, 200);
        probe(people + "/{achievementId}", "PUT", MOBAGE + "/people/@me/@self/achievements/" + B + "/b-secret",
                mobageA, Map.of("state", "UNLOCKED"), 403);
        probe(people + "/{achievementId}", "PUT", MOBAGE + "/people/@me/@self/achievements/@app/b-secret", mobageA,
                Map.of("state", "UNLOCKED"), 404);
        probe(people + "/{achievementId}", "PUT", MOBAGE + "/people/anna/@self/achievements/@app/shared-ach", mobageA,
                Map.of("state", "UNLOCKED"), 403);
        probe(people + "/{achievementId}", "PUT", MOBAGE + "/people/bob/@self/achievements/@app/shared-ach", mobageA,
                Map.of("state", "UNLOCKED"), 403);
        probe(people + "/{achievementId}", "PUT", MOBAGE + "/people/@me,anna/@self/achievements/@app/shared-ach",
                mobageA, Map.of("state", "UNLOCKED"), 403);
        probe(inc, "POST", MOBAGE + "/people/anna/@self/achievements/@app/a-steps/increment", mobageA,
                Map.of("steps", 1), 403);
        probe(inc, "POST", MOBAGE + "/people/@me/@self/achievements/" + B + "/a-steps/increment", mobageA,
                Map.of("steps", 1), 403);
        probe(inc, "POST", MOBAGE + "/people/@me/@self/achievements/@app/b-secret/increment", mobageA,
                Map.of("steps", 1), 404);
        probe(MOBAGE + "/achievements/{appId}", "GET", MOBAGE + "/achievements/" + B, mobageA, null, 403);
        probe(MOBAGE + "/achievements/{appId}", "GET", MOBAGE + "/achievements/@app", mobageA, null, 200);
        probe(MOBAGE + "/achievements/{appId}/{achievementId}", "GET", MOBAGE + "/achievements/@app/b-secret",
                mobageA, null, 404);
        probe(MOBAGE + "/achievements/{appId}/{achievementId}", "GET", MOBAGE + "/achievements/" + B + "/b-secret",
                mobageA, null, 403);
        // A's key alone on Mobage is the client-credentials model (405), and B's key is not A's.
        probe(MOBAGE + "/achievements/{appId}", "GET", MOBAGE + "/achievements/" + B, ha, null, 405);

        // OAuth: A's key cannot act as B's client, and revoking B's token with A's credentials revokes nothing.
        probe("/oauth2/token", "POST", "/oauth2/token", basicAsB, exchange("bob"), 401);
        probe("/oauth2/revoke", "POST", "/oauth2/revoke", ha, Map.of("token", tokenB), 200);
        probe("/oauth2/revoke", "POST", "/oauth2/revoke", basicAsB, Map.of("token", tokenB), 401);
        // Last, since it creates A's own "bob": a token of A for that id reads A's records, not B's bob's.
        probe("/oauth2/token", "POST", "/oauth2/token", ha, exchange("bob"), 200);
    }

    private static boolean issue(JsonNode body, String user) {
        return body.get("issues").size() == 1 && body.get("issues").get(0).get("userId").asText().equals(user)
                && body.get("issues").get(0).get("level").asText().equals("error");
    }

    private String tokenOfABob;

    @Test
    void appACredentialsGetNothingOfAppBThroughAnyRoute() throws Exception {
        fixture();
        Map<String, List<String>> before = onlyB(DbSnapshot.take(server.app.database().writerDataSource()));
        List<String> failures = new ArrayList<>();
        Map<String, Integer> answers = new LinkedHashMap<>();
        for (Probe p : probes) {
            Http.Resp r = p.body() != null && p.template().startsWith("/oauth2")
                    ? p.client().postForm(p.path(), castForm(p.body()))
                    : p.client().send(p.method(), p.path(), p.body());
            answers.put(p.method() + " " + p.path() + " [" + who(p) + "]", r.status());
            if (p.path().equals("/oauth2/token") && r.status() == 200) {
                tokenOfABob = r.json().get("access_token").asText();
            }
            String request = p.path() + " " + p.body();
            List<String> leaked = bOnly.stream().filter(m -> !request.contains(m) && r.body().contains(m)).toList();
            if (!p.allowed().contains(r.status())) {
                failures.add(p.method() + " " + p.path() + " [" + who(p) + "] answered " + r + ", expected "
                        + p.allowed());
            } else if (!leaked.isEmpty()) {
                failures.add(p.method() + " " + p.path() + " [" + who(p) + "] shows B's " + leaked + ": " + r);
            } else if (r.status() < 300 && !r.body().isEmpty() && !p.check().test(r.json())) {
                failures.add(p.method() + " " + p.path() + " [" + who(p) + "] failed its check: " + r);
            }
        }
        Map<String, List<String>> after = onlyB(DbSnapshot.take(server.app.database().writerDataSource()));

        System.out.printf("[isolation %s] %d probes of app A's credentials at app B:%n", store, probes.size());
        answers.forEach((k, v) -> System.out.printf("  %d  %s%n", v, k));
        assertThat(failures).isEmpty();
        assertThat(DbSnapshot.diff(before, after)).as("B's rows changed by A's requests").isEmpty();

        // The token A obtained for "bob" reads A's bob, who has nothing of B's bob.
        assertThat(tokenOfABob).isNotNull();
        Http.Resp own = server.http.withBearer(tokenOfABob).get(MOBAGE + "/people/@me/@self/achievements/@app");
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.body()).doesNotContain("b-secret").doesNotContain("Bee");
        // B's token survived A's revocation attempt, and B's key A's key-revocation attempt.
        assertThat(server.http.withBearer(tokenB).get(MOBAGE + "/people/@me/@self/achievements/@app").status())
                .isEqualTo(200);
        assertThat(server.http.withKey(keyB).get("/v1/users/bob").status()).isEqualTo(200);

        Set<String> covered = new TreeSet<>();
        probes.forEach(p -> covered.add(p.method() + " " + p.template()));
        assertThat(covered).as("routes of the code without a probe").containsAll(HostileInputTest.routesInCode());
    }

    private static Map<String, String> castForm(Object body) {
        @SuppressWarnings("unchecked")
        Map<String, String> form = (Map<String, String>) body;
        return form;
    }

    private String who(Probe p) {
        return names.getOrDefault(p.client(), "?");
    }

    /** The rows of app B. */
    private static Map<String, List<String>> onlyB(Map<String, List<String>> all) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        all.forEach((table, rows) -> out.put(table, rows.stream()
                .filter(r -> r.contains("app_id=" + B + "|")).toList()));
        return out;
    }
}
