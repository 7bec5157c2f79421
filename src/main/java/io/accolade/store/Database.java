package io.accolade.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The connection pools and the two ways of using them: {@link #transaction} for writes, {@link #read} for reads.
 *
 * <p>PostgreSQL: one pool; concurrent writers for different users run in parallel, writers for the same user queue
 * on that user's row lock (see {@code UserStore#lock}). SQLite: a pool of exactly one writer connection (SQLite allows
 * one writer at a time anyway, and queueing in the pool is cheaper than SQLITE_BUSY retries) plus a pool of readers,
 * which WAL lets read while the writer writes.
 *
 * <p>On PostgreSQL a transaction runs on one of a few platform threads of this class ({@link #onDatabaseThread}),
 * not on the request's virtual thread: see there why.
 */
public final class Database implements AutoCloseable {

    public enum Engine { SQLITE, POSTGRES }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final Engine engine;
    private final HikariDataSource writer;
    private final HikariDataSource reader;
    private final String description;
    /** PostgreSQL: how long one round trip of a request may wait for an answer (0: the URL's socketTimeout). */
    private final int answerTimeoutMs;

    /**
     * Turns for each pool's connections, handed out first come, first served. HikariCP lets a thread take back the
     * connection it used last before threads that have been waiting (its thread-local affinity), and a server's
     * virtual threads wait for connections most of the time: without a queue of its own some requests waited many
     * times longer than others. A thread first takes a turn, then a connection, which is then always free.
     */
    private final Semaphore writerTurns;
    private final Semaphore readerTurns;
    /** PostgreSQL: the platform threads that run transactions; null runs them on the caller's thread. */
    private final ExecutorService databaseThreads;
    /** The versions of users' rows as this node knows them (see {@link #touched}). */
    private final UserChanges userChanges = new UserChanges();
    /** PostgreSQL: hears the other nodes' changes; null on SQLite (one process) and until {@link #listen}. */
    private volatile ChangeListener listener;
    /** SQLite: the lock that keeps other processes off the data directory (see {@link #lockForOneProcess}). */
    private volatile AutoCloseable processLock;

    private Database(Engine engine, HikariDataSource writer, HikariDataSource reader, String description,
                     int answerTimeoutMs) {
        this.engine = engine;
        this.writer = writer;
        this.reader = reader;
        this.writerTurns = turns(writer);
        this.readerTurns = reader == writer ? writerTurns : turns(reader);
        this.databaseThreads = engine == Engine.POSTGRES ? databaseThreads(writer.getMaximumPoolSize()) : null;
        this.description = description;
        this.answerTimeoutMs = answerTimeoutMs;
        if (engine == Engine.POSTGRES) {
            userChanges.trustWhen(() -> false);     // other nodes may write: nothing cached counts until listen()
        }
    }

    /** Embedded SQLite file {@code dir/accolade.db}. */
    public static Database sqlite(Path dir, int readers, Duration timeout) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        Path file = dir.resolve("accolade.db").toAbsolutePath();
        java.nio.channels.FileChannel lock = lockForOneProcess(dir);
        // synchronous=FULL: a commit is on disk before the client hears 2xx, also across power loss.
        String base = "jdbc:sqlite:" + file + "?journal_mode=WAL&synchronous=FULL&busy_timeout=10000&foreign_keys=false";
        HikariDataSource w;
        HikariDataSource r;
        try {
            w = pool("accolade-sqlite-writer", base + "&transaction_mode=IMMEDIATE", null, null, 1, timeout);
            try {
                r = pool("accolade-sqlite-reader", base, null, null, Math.max(2, Math.min(readers, 8)), timeout);
            } catch (RuntimeException e) {
                w.close();
                throw e;
            }
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
        Database db = new Database(Engine.SQLITE, w, r, "sqlite:" + file, 0);
        db.processLock = lock;
        return db;
    }

    /**
     * The embedded store serves one server process: each node keeps users' reads in memory and hears only its own
     * writes ({@link UserChanges}), so a second process on the same file would serve rows the first has changed. The
     * second one is refused at start (several nodes run on PostgreSQL, whose nodes hear each other). The lock is the
     * operating system's, so it ends with the process however it ends.
     */
    private static java.nio.channels.FileChannel lockForOneProcess(Path dir) {
        Path lockFile = dir.resolve("accolade.lock").toAbsolutePath();
        java.nio.channels.FileChannel channel = null;
        try {
            channel = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE);
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (java.nio.channels.OverlappingFileLockException e) {
            // held by this very process (another server in this JVM on the same directory)
        } catch (java.io.IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
        closeQuietly(channel);
        throw new IllegalStateException("another Accolade process uses the data directory " + dir.toAbsolutePath()
                + "; the embedded SQLite store serves one process (run several nodes on PostgreSQL)");
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing to do: closing releases the lock, and the process's end would too
            }
        }
    }

    /** PostgreSQL at a {@code jdbc:postgresql://} URL. */
    public static Database postgres(String url, Optional<String> user, Optional<String> password, int poolSize,
                                    Duration timeout) {
        HikariDataSource ds = pool("accolade-pg", withPgDefaults(url), user.orElse(null), password.orElse(null),
                poolSize, timeout);
        String shown = url.replaceAll("(?i)(password=)[^&;]*", "$1****");
        // A database that hangs (rather than refusing connections) must fail requests as fast as an unreachable
        // one: each round trip of a request waits at most the timeout, then the request is a 503. Migrations
        // (Flyway, outside transaction/read) keep the URL's longer socketTimeout.
        return new Database(Engine.POSTGRES, ds, ds, shown, (int) Math.max(250, timeout.toMillis()));
    }

    /**
     * JSON is written with setString into JSONB columns, which PostgreSQL accepts only for untyped parameters;
     * the timeouts keep a stalled server from holding a request forever; batched inserts ({@link Sql#batch}) go as
     * multi-row INSERTs, so the 23 progress records of an event that completes a chain take 4 statements instead of 23
     * (the driver groups rows by powers of two: 16 + 4 + 2 + 1); PostgreSQL's CPU per such event is 10% lower and its
     * storage anchor 17% faster (BENCHMARKS.md, "Fifth round").
     * A URL that sets one of these parameters keeps its own value.
     */
    static String withPgDefaults(String url) {
        StringBuilder sb = new StringBuilder(url);
        char sep = url.contains("?") ? '&' : '?';
        for (String p : new String[] {"stringtype=unspecified", "connectTimeout=5", "socketTimeout=30",
                "tcpKeepAlive=true", "ApplicationName=accolade", "reWriteBatchedInserts=true"}) {
            String name = p.substring(0, p.indexOf('=') + 1);
            if (!url.contains(name)) {
                sb.append(sep).append(p);
                sep = '&';
            }
        }
        return sb.toString();
    }

    private static HikariDataSource pool(String name, String url, String user, String password, int size,
                                         Duration timeout) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl(url);
        if (user != null) {
            hc.setUsername(user);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(Math.min(size, 2));
        hc.setConnectionTimeout(Math.max(250, timeout.toMillis()));
        hc.setValidationTimeout(Math.max(250, Math.min(timeout.toMillis(), 2000)));
        // Fail the start at once when the database is unreachable rather than retrying in the background.
        hc.setInitializationFailTimeout(1);
        hc.setAutoCommit(true);
        return new HikariDataSource(hc);
    }

    /**
     * Applies the migrations: the SQL files under {@code db/migration} and the Java ones in
     * {@code store.migration}, which both engines run alike.
     */
    public void migrate() {
        Flyway.configure()
                .dataSource(writer)
                .locations("classpath:db/migration")
                .javaMigrations(new io.accolade.store.migration.V8__Room_for_updates_in_place())
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    public Engine engine() {
        return engine;
    }

    public String description() {
        return description;
    }

    /** For tools and tests that need raw access (schema comparison, EXPLAIN). */
    public DataSource writerDataSource() {
        return writer;
    }

    /** Actions the running transaction of this thread will take once it has committed (see {@link #afterCommit}). */
    private static final ThreadLocal<List<Runnable>> AFTER_COMMIT = new ThreadLocal<>();

    /**
     * Runs {@code action} once the transaction this thread is running has committed, or at once outside a
     * transaction (an auto-commit write has committed when it returns). Nothing runs when the transaction rolls back.
     * For in-memory state that must follow committed rows, e.g. the counter versions that keep cached statistics
     * honest: bumped before the commit, a concurrent read could cache the old rows under the new version.
     */
    public static void afterCommit(Runnable action) {
        List<Runnable> pending = AFTER_COMMIT.get();
        if (pending == null) {
            action.run();
        } else {
            pending.add(action);
        }
    }

    /** The users (and apps: {@link #APP_WIDE} as user) the running transaction of this thread writes. */
    private static final ThreadLocal<java.util.Set<String>> TOUCHED = new ThreadLocal<>();
    /** The user part of an app-wide change: no user id can be empty. */
    static final String APP_WIDE = "";

    /**
     * The running transaction writes this user's rows: when it ends, committed or not, this node's {@link UserCache}s
     * stop serving what they read of the user before, and on PostgreSQL every other node's do too (the transaction
     * sends a {@code NOTIFY} in its commit; {@link ChangeListener}). Every store method that writes a user's rows
     * calls it; {@code UserCacheTest.everyWriteOfAUsersRowsEndsTheirValue} checks each one.
     */
    public static void touched(String appId, String userId) {
        java.util.Set<String> touched = TOUCHED.get();
        if (touched == null) {
            // Every write runs in transaction(); a write outside one would change rows no cache hears of.
            throw new IllegalStateException("a user's rows written outside Database.transaction");
        }
        touched.add(appId + '\t' + userId);
    }

    /**
     * The "app" under which access tokens are announced and kept, by their hash as "user" ({@link #touchedToken},
     * {@code TokenService}): no app id is empty, and a token's own stripe is not its user's, so that the user's writes
     * do not end it.
     */
    public static final String TOKENS = "";

    /**
     * The running transaction ends an access token (its revocation): as {@link #touched}, for the token's row kept by
     * {@code TokenService}. Its key's revocation and its app's deletion name the whole app and move the configuration
     * version instead.
     */
    public static void touchedToken(String tokenHash) {
        touched(TOKENS, tokenHash);
    }

    /** The running transaction writes rows of many of the app's users (a definition's records, the app itself). */
    public static void touchedApp(String appId) {
        touched(appId, APP_WIDE);
    }

    /**
     * Runs store methods on a connection of the caller's own, outside {@link #transaction}, with what they mark as
     * touched going nowhere: for tests that inspect the statements (ExplainTest) and roll them back. A server never
     * calls it.
     */
    static void untracked(Runnable body) {
        java.util.Set<String> outer = TOUCHED.get();
        TOUCHED.set(new java.util.HashSet<>());
        try {
            body.run();
        } finally {
            TOUCHED.set(outer);
        }
    }

    /** The versions this node's caches check (see {@link UserCache}). */
    public UserChanges userChanges() {
        return userChanges;
    }

    /**
     * PostgreSQL: starts hearing the changes other nodes commit; until then (and whenever it is not listening) this
     * node's caches serve nothing. SQLite: one process writes the file, so this node hears every change itself.
     */
    public void listen() {
        if (engine == Engine.POSTGRES && listener == null) {
            listener = ChangeListener.start(writer.getJdbcUrl(), writer.getUsername(), writer.getPassword(),
                    userChanges);
        }
    }

    /**
     * Runs {@code work} in one transaction on a writer connection and commits. A PostgreSQL serialization failure or
     * deadlock (possible only between unrelated hot counters) re-runs the whole unit, which is safe because nothing
     * of it was committed.
     */
    public <T> T transaction(Work<T> work) {
        try (Turn _ = turn(writer)) {
            return onDatabaseThread(() -> transactionWithTurn(work));
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    private <T> T transactionWithTurn(Work<T> work) {
        int attempt = 0;
        while (true) {
            attempt++;
            List<Runnable> outer = AFTER_COMMIT.get();
            List<Runnable> pending = new ArrayList<>();
            AFTER_COMMIT.set(pending);
            java.util.Set<String> outerTouched = TOUCHED.get();
            java.util.Set<String> touched = new java.util.LinkedHashSet<>();
            TOUCHED.set(touched);
            T result;
            try (Connection c = connect(writer)) {
                c.setAutoCommit(false);
                try {
                    result = work.run(c);
                    if (engine == Engine.POSTGRES && !touched.isEmpty()) {
                        ChangeListener.announce(c, userChanges.nodeId(), touched);
                    }
                    c.commit();
                } catch (Throwable t) {
                    rollbackQuietly(c);
                    throw t;
                } finally {
                    restoreAutoCommitQuietly(c);
                }
            } catch (SQLException e) {
                StoreException se = StoreException.of(e);
                if (attempt < 5 && isRetryable(e)) {
                    continue;
                }
                throw se;
            } catch (StoreException e) {
                if (attempt < 5 && e.getCause() instanceof SQLException sql && isRetryable(sql)) {
                    continue;
                }
                throw e;
            } finally {
                AFTER_COMMIT.set(outer);
                TOUCHED.set(outerTouched);
                // Committed or not: a commit whose answer was lost may still have happened, and a stale miss costs
                // one read where a stale hit would serve old rows.
                ChangeListener.apply(touched, userChanges);
            }
            pending.forEach(Runnable::run);      // committed on its own connection, whatever surrounds it
            return result;
        }
    }

    /** Runs {@code work} on a reader connection in auto-commit mode. */
    public <T> T read(Work<T> work) {
        try (Turn _ = turn(reader); Connection c = connect(reader)) {
            return work.run(c);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /**
     * A read that may legitimately take long (a background scan over an app's users, e.g. backdating): it waits for
     * the database up to {@link #SLOW_READ_TIMEOUT_MS} instead of the per-request answer timeout.
     */
    public <T> T slowRead(Work<T> work) {
        try (Turn _ = turn(reader); Connection c = connect(reader)) {
            if (answerTimeoutMs > 0) {
                c.setNetworkTimeout(Runnable::run, SLOW_READ_TIMEOUT_MS);
            }
            return work.run(c);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    static final int SLOW_READ_TIMEOUT_MS = 10 * 60 * 1000;

    /** True when the database answers a trivial query within its validation timeout. */
    public boolean ping() {
        try (Turn _ = turn(reader); Connection c = connect(reader)) {
            return c.isValid(2);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs {@code body} on one of this database's platform threads and waits for it; a body that is already on such
     * a thread (a transaction inside a transaction) runs where it is.
     *
     * <p>Why: a virtual thread that reads a socket with no answer yet parks, registers the socket with the JDK's
     * poller and is woken by it, several system calls and thread wake-ups per round trip, where a platform thread
     * blocks in one {@code read}. A transaction makes up to ten round trips (the statements and the commit), and the
     * hand-off costs two wake-ups however many it makes: on PostgreSQL it cut the server's CPU per metric event by
     * about 60% and nearly doubled the events' throughput (BENCHMARKS.md, "Database threads"). Reads make one to three
     * round trips, and there it did not pay. Neither did it for SQLite, whose statements run in native code without
     * sockets. {@code -Daccolade.databaseThreads=false} turns it off, for an A/B.
     *
     * <p>Callers hold their turn before they hand work over, so no more bodies are queued or running than there are
     * threads, and a database thread never waits for a connection.
     */
    private <T> T onDatabaseThread(java.util.function.Supplier<T> body) {
        if (databaseThreads == null || Thread.currentThread() instanceof DatabaseThread) {
            return body.get();
        }
        CompletableFuture<T> result = CompletableFuture.supplyAsync(body, databaseThreads);
        try {
            return result.join();
        } catch (CompletionException e) {
            // supplyAsync wraps what the body threw; callers expect the body's own exceptions.
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private static final class DatabaseThread extends Thread {
        DatabaseThread(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
    }

    private static ExecutorService databaseThreads(int count) {
        if (!Boolean.parseBoolean(System.getProperty("accolade.databaseThreads", "true"))) {
            return null;
        }
        AtomicInteger n = new AtomicInteger();
        // Core threads start on first use: a Database that is never used (tools, some tests) starts none.
        return Executors.newFixedThreadPool(count, r -> new DatabaseThread(r, "accolade-db-" + n.incrementAndGet()));
    }

    /** {@code -Daccolade.fairTurns=false} leaves the order to HikariCP (for A/B measurements, BENCHMARKS.md). */
    private static Semaphore turns(HikariDataSource pool) {
        return Boolean.parseBoolean(System.getProperty("accolade.fairTurns", "true"))
                ? new Semaphore(pool.getMaximumPoolSize(), true)
                : new Semaphore(Integer.MAX_VALUE);
    }

    /** A turn for one of a pool's connections; closing it (after the connection) lets the next waiter in. */
    private interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    private Turn turn(HikariDataSource ds) throws SQLException {
        Semaphore turns = ds == writer ? writerTurns : readerTurns;
        boolean got;
        try {
            got = turns.tryAcquire(ds.getConnectionTimeout(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throw new java.sql.SQLTransientConnectionException("no database connection: none free within "
                    + ds.getConnectionTimeout() + " ms", "08001");
        }
        return turns::release;
    }

    private Connection connect(HikariDataSource ds) throws SQLException {
        Connection c;
        try {
            c = ds.getConnection();
        } catch (SQLException e) {
            throw new java.sql.SQLTransientConnectionException("no database connection: " + e.getMessage(), "08001", e);
        }
        if (answerTimeoutMs > 0) {
            // The pool restores the connection's own network timeout when it takes the connection back.
            try {
                c.setNetworkTimeout(Runnable::run, answerTimeoutMs);
            } catch (SQLException e) {
                c.close();
                throw new java.sql.SQLTransientConnectionException("no database connection: " + e.getMessage(),
                        "08001", e);
            }
        }
        return c;
    }

    private static boolean isRetryable(SQLException e) {
        String s = e.getSQLState();
        return "40001".equals(s) || "40P01".equals(s);
    }

    /**
     * On a connection that broke during the transaction this throws ("Connection is closed"); thrown from the
     * finally block it would replace the failure that matters (a 503) with one that reads as a bug (a 500).
     */
    private static void restoreAutoCommitQuietly(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the connection is broken; the pool will drop it
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool will drop it
        }
    }

    @Override
    public void close() {
        ChangeListener l = listener;
        if (l != null) {
            l.close();
        }
        if (databaseThreads != null) {
            databaseThreads.shutdown();
        }
        writer.close();
        if (reader != writer) {
            reader.close();
        }
        closeQuietly(processLock);
    }
}
