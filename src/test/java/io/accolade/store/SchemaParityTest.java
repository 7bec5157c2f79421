package io.accolade.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Issue 2, point 3: the same migrations give the same tables and columns on SQLite and on PostgreSQL. */
class SchemaParityTest {

    @Test
    void sqliteAndPostgresHoldTheSameTablesAndColumns() throws Exception {
        Assumptions.assumeTrue(Stores.isCi() || Stores.pgReachable(), "PostgreSQL not reachable (CI=true requires it)");
        Path dir = Files.createTempDirectory("parity");
        String schema = Stores.createSchema();
        try (Database sqlite = Database.sqlite(dir, 2, Duration.ofSeconds(5));
             Database pg = Database.postgres(Stores.schemaUrl(schema), Optional.of(Stores.PG_USER),
                     Optional.ofNullable(Stores.PG_PASSWORD), 2, Duration.ofSeconds(5))) {
            sqlite.migrate();
            pg.migrate();
            Map<String, Set<String>> onSqlite = sqlite.read(c -> columns(c, null));
            Map<String, Set<String>> onPg = pg.read(c -> columns(c, schema));
            assertThat(onSqlite).containsKeys("apps", "api_keys", "users", "progress", "achievements", "metrics",
                    "events", "streaks", "streak_periods", "counters");
            assertThat(onPg).isEqualTo(onSqlite);
        } finally {
            Stores.dropSchema(schema);
        }
    }

    private static Map<String, Set<String>> columns(Connection c, String schema) throws java.sql.SQLException {
        DatabaseMetaData md = c.getMetaData();
        Map<String, Set<String>> out = new TreeMap<>();
        try (ResultSet tables = md.getTables(null, schema, "%", new String[] {"TABLE"})) {
            while (tables.next()) {
                String table = tables.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                if (table.startsWith("flyway_") || table.startsWith("sqlite_")) {
                    continue;
                }
                Set<String> cols = new TreeSet<>();
                try (ResultSet rs = md.getColumns(null, schema, tables.getString("TABLE_NAME"), "%")) {
                    while (rs.next()) {
                        cols.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                    }
                }
                out.put(table, cols);
            }
        }
        return out;
    }
}
