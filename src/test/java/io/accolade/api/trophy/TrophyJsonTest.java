package io.accolade.api.trophy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.accolade.domain.Achievement;
import io.accolade.domain.AchievementStatus;
import io.accolade.domain.AttributeFilter;
import io.accolade.domain.Catalog;
import io.accolade.domain.Metric;
import io.accolade.domain.Presentation;
import io.accolade.domain.Progress;
import io.accolade.domain.ProgressState;
import io.accolade.domain.Trigger;
import io.accolade.http.Json;
import io.accolade.service.AchievementReads;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The list writer with cached achievement fields writes exactly the bytes the per-item JSON trees would. */
class TrophyJsonTest {

    private static Achievement achievement(String key, Trigger t, String description, List<AttributeFilter> user,
                                           List<AttributeFilter> event, int position) {
        return new Achievement("id-" + key, key, "Name \"" + key + "\" ✓", description, null,
                AchievementStatus.ACTIVE, t, user, event, ProgressState.REVEALED, 1, false, Presentation.none(),
                position, 0, 0);
    }

    @Test
    void statsArrayEqualsTheTreeSerialisation() {
        List<Metric> metrics = List.of(new Metric("mid", "words", "Words\\n", "w", false, 0, 0));
        List<Achievement> defs = List.of(
                achievement("m", new Trigger.Metric("words", 500), null, List.of(), List.of(), 0),
                achievement("m-dec", new Trigger.Metric("words", 2.5), "half", List.of(
                        new AttributeFilter("plan", "pro")), List.of(new AttributeFilter("src", "web"),
                        new AttributeFilter("x", "y")), 1),
                achievement("s", new Trigger.Streak(7), "", List.of(), List.of(), 2),
                achievement("c", new Trigger.Composite(List.of("m", "s")), null, List.of(), List.of(), 3),
                achievement("a", new Trigger.Api(), "api", List.of(), List.of(), 4));
        Catalog catalog = new Catalog(metrics, defs);
        Progress unlocked = new Progress("m", ProgressState.UNLOCKED, 500, 500, 1, 1_700_000_000_123L,
                1_700_000_000_123L, "cid", 1, 2);
        Progress open = new Progress("s", ProgressState.REVEALED, 3, 0, 0, null, null, null, 1, 2);
        double[] rarities = {0, 12.5, 100, 33.33, 0.01};
        List<AchievementReads.Stat> stats = new ArrayList<>();
        for (int i = 0; i < defs.size(); i++) {
            Progress p = i == 0 ? unlocked : i == 2 ? open : null;
            stats.add(new AchievementReads.Stat(defs.get(i), i * 7L, rarities[i], p == null ? null
                    : p.firstUnlockedAt()));
        }
        for (boolean withUser : new boolean[] {true, false}) {
            ArrayNode tree = Json.MAPPER.createArrayNode();
            for (var s : stats) {
                tree.add(TrophyJson.withStats(withUser ? TrophyJson.userAchievement(s.achievement(), s.achievedAt(),
                        catalog) : TrophyJson.achievement(s.achievement(), catalog), s.completions(), s.rarity()));
            }
            // Twice: the second call writes from the cache.
            for (int round = 0; round < 2; round++) {
                assertThat(new String(TrophyJson.statsArray(stats, catalog, withUser), StandardCharsets.UTF_8))
                        .isEqualTo(new String(Json.write(tree), StandardCharsets.UTF_8));
            }
        }
        // A second later the counters moved: the same catalog writes the new numbers, not the bytes it kept.
        List<AchievementReads.Stat> later = stats.stream().map(s -> new AchievementReads.Stat(s.achievement(),
                s.completions() + 1, s.rarity() / 2, s.achievedAt())).toList();
        ArrayNode laterTree = Json.MAPPER.createArrayNode();
        later.forEach(s -> laterTree.add(TrophyJson.withStats(TrophyJson.achievement(s.achievement(), catalog),
                s.completions(), s.rarity())));
        assertThat(new String(TrophyJson.statsArray(later, catalog, false), StandardCharsets.UTF_8))
                .isEqualTo(new String(Json.write(laterTree), StandardCharsets.UTF_8));
        assertThat(new String(TrophyJson.statsArray(List.of(), catalog, true), StandardCharsets.UTF_8))
                .isEqualTo("[]");
    }
}
