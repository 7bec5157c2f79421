package io.accolade.api.trophy;

import static io.accolade.api.trophy.Setup.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.Http;
import io.accolade.support.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Users' lists come from memory (a per-user cache) and are written straight into byte buffers (TrophyJson#stats):
 * under many concurrent reads of different users, every answer is whole, valid JSON and its user's own. (A pool of
 * reused buffers was measured and not kept, BENCHMARKS.md "Twelfth round"; this test caught its use-after-release
 * when it was broken on purpose, and stays for whatever writes these bodies next.)
 */
class ListBodiesTest extends ServerTest {
    private static final int USERS = 8;
    private static final int ACHIEVEMENTS = 40;

    @Test
    void concurrentListsOfDifferentUsersAreEachTheirOwn() throws Exception {
        var app = newApp();
        for (int a = 0; a < ACHIEVEMENTS; a++) {
            assertThat(admin().put("/admin/v1/apps/" + app.id() + "/achievements/ach-" + a,
                    Map.of("name", "Achievement " + a, "trigger", "api")).status()).isEqualTo(201);
        }
        // User u completes the achievements whose number leaves u when divided by USERS: a different set each.
        List<Set<String>> expected = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            Set<String> mine = new TreeSet<>();
            for (int a = u; a < ACHIEVEMENTS; a += USERS) {
                assertThat(app.http().post("/v1/achievements/ach-" + a + "/complete", obj("user", obj("id", "u" + u)))
                        .status()).isEqualTo(201);
                mine.add("ach-" + a);
            }
            expected.add(mine);
        }

        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> checked = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int first = t;
                checked.add(pool.submit(() -> {
                    Http http = app.http();
                    for (int i = 0; i < 60; i++) {
                        int u = (first + i) % USERS;
                        Http.Resp r = http.get("/v1/users/u" + u + "/achievements?includeIncomplete=true");
                        assertThat(r.status()).isEqualTo(200);
                        JsonNode list = r.json();       // a body mixed with another's would not parse, or differ
                        assertThat(list).hasSize(ACHIEVEMENTS);
                        Set<String> completed = new TreeSet<>();
                        list.forEach(n -> {
                            if (!n.get("achievedAt").isNull()) {
                                completed.add(n.get("key").asText());
                            }
                        });
                        assertThat(completed).as("u%d's list", u).isEqualTo(expected.get(u));
                    }
                    return 60;
                }));
            }
            for (Future<Integer> f : checked) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(60);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
