package io.accolade.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.StoreKind;
import io.accolade.support.Stores;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SQLite chooses an index per bound value (its STAT4 samples, refreshed by ANALYZE), so a statement can take a
 * different path for one value than for another. {@link ExplainTest} covers PostgreSQL's plans; this covers the
 * SQLite statements where a value-dependent choice went wrong.
 */
class SqlitePlanTest {

    @Test
    void theRankCountsExpiredStreaksThroughStreaksExpiringWhateverTheLength() throws Exception {
        try (Stores.Fresh fresh = Stores.fresh(StoreKind.SQLITE, 2, Duration.ofSeconds(10))) {
            Database db = fresh.db();
            long now = 1_800_000_000_000L;
            // As the benchmark's data set: lengths 0-6 about evenly, nobody longer, nothing expired; no length has
            // an alive_until (the row is not alive).
            db.transaction(c -> {
                List<Object[]> rows = new ArrayList<>();
                for (int u = 0; u < 3_000; u++) {
                    int length = u % 7;
                    Long aliveUntil = length == 0 ? null : now + 86_400_000L + u;
                    rows.add(new Object[] {"app", "user" + u, "daily", "{}", length, length, aliveUntil, aliveUntil,
                        null, 0L});
                }
                Sql.batch(c, "INSERT INTO streaks (app_id, user_id, frequency, state, length, longest, alive_until, "
                        + "next_check_at, last_extended_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
                return null;
            });
            try (Connection c = db.writerDataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
            for (int length = 1; length <= 7; length++) {
                int l = length;
                List<String> plan = db.read(c -> plan(c, StreakStore.COUNT_LONGER, "app", l, "app", now, l));
                assertThat(plan).as("plan for length > %d", length)
                        .anySatisfy(step -> assertThat(step).contains("streaks_expiring"))
                        .noneSatisfy(step -> assertThat(step).contains("streaks_by_length"));
            }
        }
    }

    private static List<String> plan(Connection c, String sql, Object... params) throws java.sql.SQLException {
        List<String> steps = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    steps.add(rs.getString("detail"));
                }
            }
        }
        return steps;
    }
}
