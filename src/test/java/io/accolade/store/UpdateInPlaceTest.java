package io.accolade.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.domain.Progress;
import io.accolade.domain.ProgressState;
import io.accolade.support.StoreKind;
import io.accolade.support.Stores;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Migration V8 ({@code store.migration.V8__Room_for_updates_in_place}): on PostgreSQL, a progress record of a table
 * filled in one go (as by a bulk import) is updated on its own page, so no index gets a new entry. A control table
 * with full pages shows that the room is what makes the difference.
 */
class UpdateInPlaceTest {

    @Test
    void aProgressUpdateStaysOnItsPageInATableFilledInOneGo() throws Exception {
        Assumptions.assumeTrue(Stores.isCi() || Stores.pgReachable(), "PostgreSQL not reachable (CI=true requires it)");
        try (Stores.Fresh fresh = Stores.fresh(StoreKind.POSTGRES, 2, Duration.ofSeconds(10))) {
            Database db = fresh.db();
            assertThat(reloptions(db, "progress")).contains("fillfactor=85");
            assertThat(reloptions(db, "users")).contains("fillfactor=80");
            assertThat(reloptions(db, "metric_totals")).contains("fillfactor=80");

            db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE progress_full (LIKE progress INCLUDING ALL) WITH (fillfactor = 100)");
                    for (String table : List.of("progress", "progress_full")) {
                        // 20 users x 100 records, as a bulk load writes them: pages filled up to the fill factor.
                        s.execute("INSERT INTO " + table + " SELECT 'app', 'u' || lpad(u::text, 4, '0'), 'k' || k, "
                                + "'REVEALED', 0, 0, 0, NULL, NULL, NULL, 1000, 1000 "
                                + "FROM generate_series(1, 20) u, generate_series(1, 100) k");
                    }
                }
                return null;
            });
            String before = ctid(db, "progress");
            String controlBefore = ctid(db, "progress_full");
            assertThat(page(before)).isZero();
            assertThat(page(controlBefore)).isZero();

            // The engine's own write of a step change (ProgressStore.save), and the same change on the control table.
            Progress stepped = new Progress("k1", ProgressState.REVEALED, 1, 0, 0, null, null, null, 1000, 2000);
            db.transaction(c -> {
                new ProgressStore().save(c, "app", "u0001", List.of(stepped));
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE progress_full SET steps = 1, updated_at = 2000 "
                            + "WHERE app_id = 'app' AND user_id = 'u0001' AND ach_key = 'k1'");
                }
                return null;
            });

            String after = ctid(db, "progress");
            String controlAfter = ctid(db, "progress_full");
            assertThat(after).as("new version of the record").isNotEqualTo(before);
            assertThat(page(after)).as("page of the new version (HOT update)").isEqualTo(page(before));
            assertThat(page(controlAfter)).as("a full page cannot take the new version")
                    .isNotEqualTo(page(controlBefore));
            List<Progress> records = db.read(c -> new ProgressStore().forUser(c, "app", "u0001"));
            assertThat(records)
                    .filteredOn(p -> p.achievementKey().equals("k1"))
                    .singleElement().extracting(Progress::steps).isEqualTo(1L);
        }
    }

    private static String reloptions(Database db, String table) {
        return db.<String>read(c -> reloptions(c, table));
    }

    private static String ctid(Database db, String table) {
        return db.<String>read(c -> ctid(c, table));
    }

    private static String reloptions(Connection c, String table) throws java.sql.SQLException {
        try (var ps = c.prepareStatement("SELECT array_to_string(reloptions, ',') FROM pg_class "
                + "WHERE oid = to_regclass(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? String.valueOf(rs.getString(1)) : "";
            }
        }
    }

    private static String ctid(Connection c, String table) throws java.sql.SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT ctid::text FROM " + table
                + " WHERE app_id = 'app' AND user_id = 'u0001' AND ach_key = 'k1'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The page number of a ctid like {@code (0,1)}. */
    private static int page(String ctid) {
        return Integer.parseInt(ctid.substring(1, ctid.indexOf(',')));
    }
}
