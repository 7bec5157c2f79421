package io.accolade.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sqlite.SQLiteConnection;

/**
 * SQLite: every connection's prepared statements, kept from one use to the next instead of compiled anew each time.
 *
 * <p>Why: sqlite-jdbc compiles the SQL at every {@code prepareStatement} and HikariCP keeps no statements, so a read
 * paid for compiling its statement on each request: for the streak read's join about 45 µs of 120, for a one-row
 * lookup half of its 24 µs (BENCHMARKS.md, "SQLite statements kept per connection"). PostgreSQL needs none of this:
 * pgjdbc keeps each connection's server-prepared statements by their SQL, so this class hands PostgreSQL's
 * connections a fresh statement as before.
 *
 * <p>The rules that keep it correct:
 * <ul>
 *   <li>A kept statement belongs to the driver's own connection, below the pool's proxy. The pool closes the
 *   statements made through its proxy when a borrowing ends; these it does not see, so they outlive the borrowing.</li>
 *   <li>A connection is used by one thread at a time (the pool lends it to one borrower), so its statements are too:
 *   only the map of connections is shared between threads, each connection's own map is not.</li>
 *   <li>A statement is taken out of its connection's map while in use and put back when its use succeeded, with its
 *   result closed and its parameters cleared. A statement whose use failed is closed: what state an error leaves it
 *   in is the driver's business. A nested use of the same SQL on the same connection (a query run while another's
 *   rows are read) finds none kept and prepares its own.</li>
 *   <li>Each connection keeps at most {@link #PER_CONNECTION} statements, the least recently used going first: SQL
 *   built for a number of values ({@link Sql#placeholders}) would otherwise grow without end.</li>
 *   <li>A connection the pool has closed (at its maximum lifetime, or broken) is forgotten when a connection not
 *   seen before first prepares, which is when the pool has opened one in its place. The pool closes in the
 *   background, so a connection closed after its replacement's first statement is forgotten at the next
 *   replacement: the map holds at most the open connections and those retired since. Closing a connection closes
 *   its statements in the driver, so forgetting is all that is left to do.</li>
 * </ul>
 *
 * <p>{@code -Daccolade.statementCache=false} prepares every statement anew, for an A/B.
 */
public final class StatementCache {
    static final int PER_CONNECTION = 128;

    private static final boolean ENABLED =
            Boolean.parseBoolean(System.getProperty("accolade.statementCache", "true"));

    /** The driver's SQLite connections (identity keys: the driver does not override equals) and their statements. */
    private static final Map<SQLiteConnection, Kept> BY_CONNECTION = new ConcurrentHashMap<>();

    private StatementCache() {
    }

    /** One use of a prepared statement: {@link #succeeded()} after it worked, then close (try-with-resources). */
    public static final class Use implements AutoCloseable {
        private final PreparedStatement statement;
        private final String sql;
        private final Kept kept;
        private boolean succeeded;

        private Use(PreparedStatement statement, String sql, Kept kept) {
            this.statement = statement;
            this.sql = sql;
            this.kept = kept;
        }

        public PreparedStatement statement() {
            return statement;
        }

        /** The statement ran and its result, if any, is closed: it may be used again. */
        public void succeeded() {
            succeeded = true;
        }

        @Override
        public void close() throws SQLException {
            if (kept == null || !succeeded) {
                statement.close();
                return;
            }
            try {
                statement.clearParameters();
                statement.clearBatch();
            } catch (SQLException e) {
                // The use itself succeeded; a statement that cannot be cleared is just not kept.
                closeQuietly(statement);
                return;
            }
            kept.putBack(sql, statement);
        }
    }

    /** A statement for {@code sql} on {@code c}: a kept one when {@code c} is SQLite's and one is free. */
    public static Use prepare(Connection c, String sql) throws SQLException {
        if (!ENABLED || !c.isWrapperFor(SQLiteConnection.class)) {
            return new Use(c.prepareStatement(sql), sql, null);
        }
        SQLiteConnection raw = c.unwrap(SQLiteConnection.class);
        Kept kept = BY_CONNECTION.get(raw);
        if (kept == null) {
            forgetClosedConnections();
            kept = new Kept();
            BY_CONNECTION.put(raw, kept);
        }
        PreparedStatement ps = kept.remove(sql);
        return new Use(ps != null ? ps : raw.prepareStatement(sql), sql, kept);
    }

    /** How many statements are kept for {@code c}'s driver connection (for tests). */
    static int keptFor(Connection c) throws SQLException {
        Kept kept = BY_CONNECTION.get(c.unwrap(SQLiteConnection.class));
        return kept == null ? 0 : kept.size();
    }

    /** Whether statements are kept for this driver connection (for tests). */
    static boolean knows(SQLiteConnection raw) {
        return BY_CONNECTION.containsKey(raw);
    }

    private static void forgetClosedConnections() {
        for (Iterator<SQLiteConnection> it = BY_CONNECTION.keySet().iterator(); it.hasNext(); ) {
            SQLiteConnection raw = it.next();
            boolean closed;
            try {
                closed = raw.isClosed();
            } catch (SQLException e) {
                closed = true;
            }
            if (closed) {
                it.remove();
            }
        }
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException ignored) {
            // already unusable; nothing else holds it
        }
    }

    /** One connection's statements by SQL, least recently used first; used only by the connection's borrower. */
    private static final class Kept extends LinkedHashMap<String, PreparedStatement> {
        Kept() {
            super(16, 0.75f, true);
        }

        void putBack(String sql, PreparedStatement ps) {
            PreparedStatement other = put(sql, ps);
            if (other != null && other != ps) {
                closeQuietly(other);   // a nested use prepared its own and came back first
            }
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() > PER_CONNECTION) {
                closeQuietly(eldest.getValue());
                return true;
            }
            return false;
        }
    }
}
