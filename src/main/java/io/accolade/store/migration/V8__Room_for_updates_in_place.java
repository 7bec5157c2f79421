package io.accolade.store.migration;

import java.sql.Connection;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * PostgreSQL only: pages of the tables whose rows every write updates keep room for new row versions.
 *
 * <p>PostgreSQL writes a new version of a row on each update. When the page it is on has room and no indexed column
 * changed, the new version stays on that page (a HOT update) and no index gets an entry; otherwise every index of
 * the table gets one, a random write into an index that at a million users is larger than memory. Tables filled in
 * one go (a bulk import, a restore) have full pages, so the first update of each row was never HOT: at a million
 * users a metric event cost PostgreSQL about 1.6 times the CPU it costs with this room (BENCHMARKS.md, "Room for
 * updates in place").
 *
 * <p>The rows concerned: a user's progress records (an event moves the steps of several), the user (the per-user
 * lock bumps {@code write_seq}) and the metric totals. None of these updates touches an indexed column. Streaks are
 * left out: their updates change indexed columns, so they can never be HOT. The change is to the tables' settings
 * only (instant, no rewrite): pages written before it keep their fill until rewritten ({@code VACUUM FULL}). SQLite
 * updates rows in place anyway and has no such setting.
 */
public final class V8__Room_for_updates_in_place extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        if (!"PostgreSQL".equals(c.getMetaData().getDatabaseProductName())) {
            return;
        }
        try (Statement s = c.createStatement()) {
            // 100 records per user: 15% of the table for room. Users and totals are small rows, one per user/metric.
            s.execute("ALTER TABLE progress SET (fillfactor = 85)");
            s.execute("ALTER TABLE users SET (fillfactor = 80)");
            s.execute("ALTER TABLE metric_totals SET (fillfactor = 80)");
        }
    }
}
