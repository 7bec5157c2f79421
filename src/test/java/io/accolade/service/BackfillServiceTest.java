package io.accolade.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.domain.AchievementEngine;
import io.accolade.domain.Catalog;
import io.accolade.store.AppStore;
import io.accolade.store.ConfigVersion;
import io.accolade.store.CounterStore;
import io.accolade.store.Database;
import io.accolade.store.DefinitionStore;
import io.accolade.store.MetricStore;
import io.accolade.store.ProgressStore;
import io.accolade.store.StreakStore;
import io.accolade.store.UserStore;
import io.accolade.support.ServerTest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Backdating against live events: the candidates are read first, each user is then completed or given a progress
 * under the user's lock; events the user sends in between must not be lost.
 */
class BackfillServiceTest extends ServerTest {

    @Test
    void aMatchingSumIsReadAgainUnderTheUsersLockSoEventsSentSinceTheCandidatesReadCount() {
        var app = newApp();
        String base = "/admin/v1/apps/" + app.id();
        admin().put(base + "/metrics/words", Map.of("name", "Words"));
        assertThat(admin().put(base + "/achievements/web-50", Map.of("name", "Web 50", "trigger", "metric",
                "metricKey", "words", "metricValue", 50, "eventAttributes",
                List.of(Map.of("key", "source", "value", "web")))).status()).isEqualTo(201);
        server.app.runBackgroundOnce();
        for (int words : new int[] {20, 10}) {
            assertThat(app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "kai"), "value", words,
                    "attributes", Map.of("source", "web"))).status()).isEqualTo(201);
        }

        // The candidates' read saw kai's first 20 words only; the 10 came in before kai's turn.
        Database db = server.app.database();
        ProgressStore progress = new ProgressStore();
        Catalogs catalogs = new Catalogs(db, new DefinitionStore(), new StreakStore(),
                new ConfigVersion(db, new AppStore()));
        Catalog catalog = catalogs.of(app.id());
        var backfill = new BackfillService(db, catalogs, new UserStore(), progress, new MetricStore(), new StreakStore(),
                new ProgressRecorder(progress, new CounterStore()), new AchievementEngine(() -> "c"),
                Clock.systemUTC());
        backfill.backfillUser(app.id(), catalog, catalog.achievement("web-50").orElseThrow(), "kai", 20.0);

        var r = app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "kai"), "value", 20,
                "attributes", Map.of("source", "web")));
        assertThat(r.json().get("achievements")).as("20 + 10 + 20 web words").hasSize(1);
        assertThat(r.json().get("achievements").get(0).get("key").asText()).isEqualTo("web-50");
    }
}
