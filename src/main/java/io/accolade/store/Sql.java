package io.accolade.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few JDBC moves every repository needs, so that each repository reads as its SQL and its row mapping.
 * Parameters bind by Java type; {@code null} binds as an untyped NULL (PostgreSQL URLs carry
 * {@code stringtype=unspecified}, so the server infers the type from the column). Statements come from
 * {@link StatementCache}, which keeps SQLite's from one use to the next.
 */
public final class Sql {
    private Sql() {
    }

    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    public static int update(Connection c, String sql, Object... params) {
        try (StatementCache.Use use = StatementCache.prepare(c, sql)) {
            PreparedStatement ps = use.statement();
            bind(ps, params);
            int n = ps.executeUpdate();
            use.succeeded();
            return n;
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params) {
        try (StatementCache.Use use = StatementCache.prepare(c, sql)) {
            PreparedStatement ps = use.statement();
            bind(ps, params);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.map(rs));
                }
            }
            use.succeeded();
            return out;
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** {@code "a, b"} qualified by a table alias for a join: {@code "t.a, t.b"}. */
    public static String qualified(String alias, String columns) {
        return alias + "." + columns.replace(", ", ", " + alias + ".");
    }

    /** Something that reads the rows of a result one by one, for results that are not one value per row. */
    @FunctionalInterface
    public interface Rows {
        void next(ResultSet rs) throws SQLException;
    }

    /** Runs a query and hands each row to {@code rows}. */
    public static void each(Connection c, String sql, Rows rows, Object... params) {
        try (StatementCache.Use use = StatementCache.prepare(c, sql)) {
            PreparedStatement ps = use.statement();
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.next(rs);
                }
            }
            use.succeeded();
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... params) {
        List<T> rows = list(c, sql, row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    /**
     * Runs one statement once per parameter row (JDBC batch). On PostgreSQL the driver sends an INSERT's rows as
     * multi-row statements ({@code reWriteBatchedInserts}), so the rows of one batch must not meet the same conflict
     * key twice: an {@code ON CONFLICT DO UPDATE} refuses to change a row twice in one statement. Every caller writes
     * distinct keys (a user's changed records, summed counters, two different streak lengths).
     */
    public static void batch(Connection c, String sql, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        if (rows.size() == 1) {
            update(c, sql, rows.getFirst());
            return;
        }
        try (StatementCache.Use use = StatementCache.prepare(c, sql)) {
            PreparedStatement ps = use.statement();
            for (Object[] params : rows) {
                bind(ps, params);
                ps.addBatch();
            }
            ps.executeBatch();
            use.succeeded();
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** "?, ?, ?" for an IN list of n values. */
    public static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            int idx = i + 1;
            switch (p) {
                case null -> ps.setNull(idx, Types.VARCHAR);
                case String s -> ps.setString(idx, s);
                case Long l -> ps.setLong(idx, l);
                case Integer n -> ps.setInt(idx, n);
                case Double d -> ps.setDouble(idx, d);
                case Boolean b -> ps.setBoolean(idx, b);
                default -> throw new IllegalArgumentException("unsupported parameter type " + p.getClass());
            }
        }
    }

    /** A nullable BIGINT column, by name. */
    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        return nullableLong(rs, rs.findColumn(column));
    }

    /** A nullable BIGINT column, by position (rows read in bulk: no lookup by name). */
    public static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
