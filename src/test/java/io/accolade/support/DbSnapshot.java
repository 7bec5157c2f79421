package io.accolade.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Every row of every table of the server's store, read through its own DataSource, as sorted text: two snapshots
 * are equal exactly when no table gained, lost or changed a row. Columns that legitimately change on reads (the
 * last use of a key, rate-limit buckets) are left out by the caller.
 */
public final class DbSnapshot {
    private DbSnapshot() {
    }

    /** Columns that may change without a write request: {@code api_keys.last_used_at} and the rate buckets. */
    public static final Map<String, Set<String>> READ_SIDE_EFFECTS = Map.of(
            "api_keys", Set.of("last_used_at"),
            "rate_buckets", Set.of("*"));

    /** table → sorted rows ("col=value|col=value"), without the excluded columns ("*": the whole table). */
    public static Map<String, List<String>> take(DataSource ds, Map<String, Set<String>> exclude) {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = ds.getConnection()) {
            for (String table : tables(c)) {
                Set<String> skip = exclude.getOrDefault(table, Set.of());
                if (skip.contains("*")) {
                    continue;
                }
                TreeSet<String> rows = new TreeSet<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<String> duplicates = new ArrayList<>();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            String col = md.getColumnName(i).toLowerCase(Locale.ROOT);
                            if (!skip.contains(col)) {
                                row.append(col).append('=').append(rs.getString(i)).append('|');
                            }
                        }
                        if (!rows.add(row.toString())) {
                            duplicates.add(row.toString());
                        }
                    }
                    List<String> all = new ArrayList<>(rows);
                    all.addAll(duplicates);
                    out.put(table, all);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot snapshot the store: " + e.getMessage(), e);
        }
        return out;
    }

    public static Map<String, List<String>> take(DataSource ds) {
        return take(ds, READ_SIDE_EFFECTS);
    }

    /** A readable list of what differs between two snapshots (empty when equal). */
    public static List<String> diff(Map<String, List<String>> before, Map<String, List<String>> after) {
        List<String> out = new ArrayList<>();
        Set<String> tables = new TreeSet<>(before.keySet());
        tables.addAll(after.keySet());
        for (String t : tables) {
            List<String> b = before.getOrDefault(t, List.of());
            List<String> a = after.getOrDefault(t, List.of());
            for (String row : b) {
                if (!a.contains(row)) {
                    out.add(t + ": - " + abbreviate(row));
                }
            }
            for (String row : a) {
                if (!b.contains(row)) {
                    out.add(t + ": + " + abbreviate(row));
                }
            }
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        String schema = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres")
                ? c.getSchema() : null;
        try (ResultSet rs = c.getMetaData().getTables(null, schema, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }
}
