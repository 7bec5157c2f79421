package io.accolade.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.Http;
import io.accolade.support.MutableClock;
import io.accolade.support.StoreKind;
import io.accolade.support.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a node keeps between one user's writes (service/LockedRecords: the records and the streak a write starts
 * from) must be exactly what the store would give. Two servers on one clock take the same timeline of events, late
 * events, completions and freeze grants: one keeps state between writes, the other has no per-user memory at all
 * ({@code ACCOLADE_USER_CACHE=0}) and reads everything from its store. Every answer must be the same.
 */
class KeptStateTest {
    static List<StoreKind> stores() {
        return io.accolade.support.Stores.available();
    }

    private static final List<String> USERS = List.of("ada", "bo", "cy");
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** The same app on a server: words (a daily streak of ≥ 2 with freezes), streak and metric achievements. */
    private static Http app(TestServer server) {
        var app = server.newApp("kept");
        String base = "/admin/v1/apps/kept";
        ok(server.admin.put(base + "/metrics/words", Map.of("name", "Words")));
        ok(server.admin.put(base + "/streak", Map.of("frequency", "daily",
                "metrics", List.of(Map.of("key", "words", "threshold", 2)),
                "freezes", Map.of("enabled", true, "initial", 1, "max", 2, "autoEarnAmount", 1,
                        "autoEarnIntervalDays", 3))));
        ok(server.admin.put(base + "/achievements/streak-3", Map.of("name", "Three", "trigger", "streak",
                "streakLength", 3)));
        ok(server.admin.put(base + "/achievements/words-25", Map.of("name", "25", "trigger", "metric",
                "metricKey", "words", "metricValue", 25)));
        ok(server.admin.put(base + "/achievements/badge", Map.of("name", "Badge", "trigger", "api")));
        return app.http();
    }

    private static void ok(io.accolade.support.Http.Resp r) {
        assertThat(r.status()).as(r.body()).isBetween(200, 201);
    }

    /** An answer without what each server generates on its own (event, metric, achievement and completion ids). */
    private static String comparable(String body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError(body, e);
        }
        strip(node);
        return node.toString();
    }

    private static void strip(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            o.remove(List.of("id", "eventId", "metricId", "completionId"));
        }
        node.forEach(KeptStateTest::strip);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aNodeThatKeepsStateBetweenWritesAnswersAsOneThatReadsEverythingFromItsStore(StoreKind kind) {
        MutableClock clock = new MutableClock(Instant.parse("2025-04-01T09:00:00Z"));
        try (TestServer keeping = TestServer.start(kind, clock, c -> c);
             TestServer reading = TestServer.start(kind, clock, c -> c.withUserCacheSize(0))) {
            Http k = app(keeping);
            Http r = app(reading);
            Random random = new Random(20261202);
            for (int step = 0; step < 120; step++) {
                String user = USERS.get(random.nextInt(USERS.size()));
                int what = random.nextInt(10);
                String label = "step " + step + " at " + clock.instant() + ", " + user;
                if (what < 6) {
                    // An event now, or a late one up to three days back (inside the late-event window).
                    Map<String, Object> body = new java.util.HashMap<>(Map.of("user", Map.of("id", user),
                            "value", 1 + random.nextInt(2)));
                    if (what == 5) {
                        body.put("timestamp", clock.instant().minus(Duration.ofHours(random.nextInt(72))).toString());
                    }
                    var a = k.post("/v1/metrics/words/event", body);
                    var b = r.post("/v1/metrics/words/event", body);
                    assertThat(a.status()).as(label).isEqualTo(b.status()).isEqualTo(201);
                    assertThat(comparable(a.body())).as(label + ": event " + body).isEqualTo(comparable(b.body()));
                } else if (what == 6) {
                    Map<String, Object> body = Map.of("user", Map.of("id", user));
                    var a = k.post("/v1/achievements/badge/complete", body);
                    var b = r.post("/v1/achievements/badge/complete", body);
                    assertThat(a.status()).as(label).isEqualTo(b.status());
                    assertThat(comparable(a.body())).as(label + ": completion").isEqualTo(comparable(b.body()));
                } else if (what == 7) {
                    Map<String, Object> body = Map.of("freezes", List.of(Map.of("userId", user)));
                    assertThat(k.post("/admin/v1/streaks/freezes", body).body()).as(label)
                            .isEqualTo(r.post("/admin/v1/streaks/freezes", body).body());
                } else {
                    clock.advance(Duration.ofHours(4 + random.nextInt(30)));
                }
            }
            for (String user : USERS) {
                String path = "/v1/users/" + user + "/streak?historyPeriods=14";
                assertThat(comparable(k.get(path).body())).as(user).isEqualTo(comparable(r.get(path).body()));
                String list = "/v1/users/" + user + "/achievements?includeIncomplete=true";
                assertThat(comparable(k.get(list).body())).as(user).isEqualTo(comparable(r.get(list).body()));
            }
        }
    }
}
