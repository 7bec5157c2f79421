package io.accolade.api.trophy;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.domain.Catalog;
import io.accolade.service.AchievementReads;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A kept body of GET /v1/achievements is served only for the very snapshot it was built from. */
class AchievementListCacheTest {
    private final AchievementListCache cache = new AchievementListCache();
    private final AtomicInteger renders = new AtomicInteger();

    private static AchievementReads.Snapshot snapshot(long users) {
        return new AchievementReads.Snapshot(new Catalog(List.of(), List.of()),
                new AchievementReads.Stats(Map.of(), users));
    }

    private String body(String app, Map<String, String> filter, AchievementReads.Snapshot s) {
        byte[] b = cache.body(app, filter, s, () -> ("#" + renders.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void theSameSnapshotServesTheKeptBody() {
        var s = snapshot(10);
        assertThat(body("a", null, s)).isEqualTo("#1");
        assertThat(body("a", null, s)).isEqualTo("#1");
        assertThat(renders).hasValue(1);
    }

    @Test
    void anEqualButNewSnapshotIsBuiltAgain() {
        // A refresh that found the same numbers is still a new snapshot: identity, not equality, decides.
        assertThat(body("a", null, snapshot(10))).isEqualTo("#1");
        assertThat(body("a", null, snapshot(10))).isEqualTo("#2");
    }

    @Test
    void filtersAndAppsHaveBodiesOfTheirOwn() {
        var s = snapshot(10);
        assertThat(body("a", null, s)).isEqualTo("#1");
        assertThat(body("a", Map.of("plan", "pro"), s)).isEqualTo("#2");
        assertThat(body("b", null, s)).isEqualTo("#3");
        assertThat(body("a", Map.of("plan", "pro"), s)).isEqualTo("#2");
    }

    @Test
    void clientChosenFiltersCannotGrowItPastItsBound() {
        var s = snapshot(10);
        for (int i = 0; i < 3 * AchievementListCache.MAX_ENTRIES; i++) {
            body("a", Map.of("k", "v" + i), s);
            assertThat(cache.size()).isLessThanOrEqualTo(AchievementListCache.MAX_ENTRIES);
        }
        assertThat(body("a", Map.of("k", "v0"), s)).as("an evicted body is built again, correctly")
                .isEqualTo("#" + (3 * AchievementListCache.MAX_ENTRIES + 1));
    }
}
