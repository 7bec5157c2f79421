package io.accolade.api.trophy;

import io.accolade.domain.Achievement;
import io.accolade.domain.AchievementStatus;
import io.accolade.domain.Catalog;
import io.accolade.domain.Metric;
import io.accolade.domain.Presentation;
import io.accolade.domain.ProgressState;
import io.accolade.domain.Trigger;
import io.accolade.http.Times;
import io.accolade.service.AchievementReads;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What writing a list costs the server, without HTTP or SQL: {@code GET /v1/users/{id}/achievements}'s body for 100
 * achievements (a third of them unlocked), and one ISO timestamp. Run by {@code bench/micro/run} against the
 * server's compiled classes; it lives in the package of {@code TrophyJson} because that class is package-private.
 * Eight rounds: the first are warm-up, the last ones are the figures.
 */
public final class ListWritingMicro {
    public static void main(String[] args) {
        List<Metric> metrics = List.of(new Metric("mid", "words", "Words", "w", false, 0, 0));
        List<Achievement> defs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            defs.add(new Achievement("id-" + i, "k" + i, "Name " + i, "desc", null, AchievementStatus.ACTIVE,
                    new Trigger.Metric("words", 10 * i + 10), List.of(), List.of(), ProgressState.REVEALED, 1, false,
                    Presentation.none(), i, 0, 0));
        }
        Catalog catalog = new Catalog(metrics, defs);
        List<AchievementReads.Stat> stats = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Long achievedAt = i % 3 == 0 ? 1_700_000_000_123L + i * 1000L : null;
            stats.add(new AchievementReads.Stat(defs.get(i), i * 7L, Math.round(10000.0 * i / 977) / 100.0,
                    achievedAt));
        }
        long sink = 0; // consumed below, so that no call can be optimised away
        int lists = 20_000;
        for (int round = 1; round <= 8; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < lists; i++) {
                sink += TrophyJson.statsArray(stats, catalog, true).length;
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < lists * 10; i++) {
                sink += Times.iso(1_700_000_000_123L + i * 1000L).length();
            }
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "round %d: list of 100 with a user %.2f µs, Times.iso %.3f µs%n", round,
                    (t1 - t0) / 1e3 / lists, (t2 - t1) / 1e3 / (lists * 10));
        }
        System.out.println("(checksum " + sink + ")");
    }
}
