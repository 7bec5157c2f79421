package io.accolade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.accolade.support.StoreKind;
import io.accolade.support.Stores;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteConnection;

/**
 * {@link StatementCache}: SQLite's statements are kept per connection across borrowings, and reusing them changes
 * nothing a caller sees. Each test names the rule it guards; the whole suite runs on the cache as well.
 */
class StatementCacheTest {
    private static final String COUNT = "SELECT COUNT(*) FROM scratch";
    private static final String INSERT = "INSERT INTO scratch (id, owner) VALUES (?, ?)";
    private static final String OF_OWNER = "SELECT id FROM scratch WHERE owner = ? ORDER BY id";

    private Stores.Fresh fresh;
    private Database db;

    @BeforeEach
    void open() throws Exception {
        fresh = Stores.fresh(StoreKind.SQLITE, 4, Duration.ofSeconds(10));
        db = fresh.db();
        db.transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY, owner TEXT NOT NULL)");
            }
            return null;
        });
    }

    @AfterEach
    void close() {
        fresh.close();
    }

    @Test
    void aStatementOutlivesTheBorrowingThatPreparedIt() {
        db.transaction(c -> Sql.update(c, INSERT, 1L, "a"));
        int kept = db.transaction(c -> {
            Sql.update(c, INSERT, 2L, "a");
            return StatementCache.keptFor(c);
        });
        assertThat(kept).as("the writer's INSERT, kept since the first transaction").isEqualTo(1);
    }

    @Test
    void aKeptReadSeesEveryWriteCommittedSinceItsLastUse() {
        // A statement left unreset would keep its read snapshot: the reader would go on seeing the old count.
        for (long i = 1; i <= 20; i++) {
            long id = i;
            db.transaction(c -> Sql.update(c, INSERT, id, "a"));
            long seen = db.read(c -> Sql.one(c, COUNT, rs -> rs.getLong(1)).orElseThrow());
            assertThat(seen).as("count after write %d", id).isEqualTo(id);
        }
        assertThat(db.<Integer>read(c -> {
            Sql.one(c, COUNT, rs -> rs.getLong(1));
            return StatementCache.keptFor(c);
        })).as("the statement a read just used is kept").isPositive();
    }

    @Test
    void keptStatementsHoldNoSnapshotThatWouldStopACheckpoint() throws Exception {
        // A kept read that still held its read transaction would pin the WAL: checkpoints could not finish and the
        // log would grow with every write, making every read slower.
        db.transaction(c -> Sql.update(c, INSERT, 1L, "a"));
        for (int i = 0; i < 20; i++) {
            db.read(c -> Sql.list(c, OF_OWNER, rs -> rs.getLong(1), "a"));
            db.read(c -> Sql.one(c, COUNT, rs -> rs.getLong(1)));
        }
        db.transaction(c -> Sql.update(c, INSERT, 2L, "a"));
        // On the writer, outside a transaction (a checkpoint cannot run inside one): busy, frames in the log.
        try (java.sql.Connection c = db.writerDataSource().getConnection();
             Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            rs.next();
            assertThat(rs.getInt(1)).as("a reader kept the checkpoint from finishing").isZero();
            assertThat(rs.getInt(2)).as("frames left in the log").isZero();
        }
        assertThat(db.<Integer>read(c -> {
            Sql.one(c, COUNT, rs -> rs.getLong(1));
            return StatementCache.keptFor(c);
        })).as("the statement a read just used is kept").isPositive();
    }

    @Test
    void aUseThatFailedIsNotKeptAndTheNextUsePreparesAnew() {
        db.transaction(c -> Sql.update(c, INSERT, 1L, "a"));
        assertThatThrownBy(() -> db.transaction(c -> Sql.update(c, INSERT, 1L, "b")))
                .isInstanceOf(StoreException.class);
        int keptAfterFailure = db.transaction(StatementCache::keptFor);
        assertThat(keptAfterFailure).as("the failed INSERT was closed, not put back").isZero();

        db.transaction(c -> Sql.update(c, INSERT, 2L, "b"));
        assertThat(db.<List<Long>>read(c -> Sql.list(c, OF_OWNER, rs -> rs.getLong(1), "b"))).containsExactly(2L);
    }

    @Test
    void aNestedUseOfTheSameSqlGetsItsOwnStatement() {
        db.transaction(c -> {
            for (long i = 1; i <= 5; i++) {
                Sql.update(c, INSERT, i, i % 2 == 0 ? "even" : "odd");
            }
            return null;
        });
        // On the writer (one connection): a first use keeps the statement, then the odd ids are read with it and,
        // for each, the even ones with the same SQL on the same connection. Sharing the kept statement would reset
        // it under the outer loop.
        db.transaction(c -> Sql.list(c, OF_OWNER, rs -> rs.getLong(1), "odd"));
        List<String> seen = db.transaction(c -> {
            List<String> out = new ArrayList<>();
            Sql.each(c, OF_OWNER, rs -> out.add(rs.getLong(1) + ":"
                    + Sql.list(c, OF_OWNER, inner -> inner.getLong(1), "even")), "odd");
            return out;
        });
        assertThat(seen).containsExactly("1:[2, 4]", "3:[2, 4]", "5:[2, 4]");
    }

    @Test
    void concurrentReadersEachReadTheirOwnParameters() throws Exception {
        db.transaction(c -> {
            for (long i = 1; i <= 40; i++) {
                Sql.update(c, INSERT, i, "owner" + (i % 8));
            }
            return null;
        });
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String owner = "owner" + t;
                List<Long> expected = new ArrayList<>();
                for (long i = 1; i <= 40; i++) {
                    if (i % 8 == t) {
                        expected.add(i);
                    }
                }
                done.add(pool.submit(() -> {
                    for (int n = 0; n < 300; n++) {
                        assertThat(db.<List<Long>>read(c -> Sql.list(c, OF_OWNER, rs -> rs.getLong(1), owner)))
                                .containsExactlyElementsOf(expected);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    @Test
    void eachConnectionKeepsAtMostItsBoundLeastRecentlyUsedFirst() {
        int kept = db.transaction(c -> {
            for (int i = 0; i < StatementCache.PER_CONNECTION + 10; i++) {
                Sql.one(c, "SELECT " + i, rs -> rs.getInt(1));
            }
            Sql.one(c, COUNT, rs -> rs.getLong(1));
            return StatementCache.keptFor(c);
        });
        assertThat(kept).isEqualTo(StatementCache.PER_CONNECTION);
    }

    @Test
    void aConnectionThePoolClosedIsForgotten() throws Exception {
        SQLiteConnection before = db.transaction(c -> {
            Sql.update(c, INSERT, 1L, "a");
            return c.unwrap(SQLiteConnection.class);
        });
        assertThat(StatementCache.knows(before)).isTrue();

        HikariDataSource writer = (HikariDataSource) db.writerDataSource();
        writer.getHikariPoolMXBean().softEvictConnections();
        // The pool closes a retired connection in the background: wait for it. The transaction below then runs on
        // a connection nothing has prepared on yet, and its first statement forgets the closed ones.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!before.isClosed() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(before.isClosed()).as("the pool closed the evicted connection").isTrue();
        SQLiteConnection after = db.transaction(c -> {
            Sql.update(c, INSERT, 2L, "a");
            return c.unwrap(SQLiteConnection.class);
        });

        assertThat(after).isNotSameAs(before);
        assertThat(StatementCache.knows(before)).as("the closed connection's statements are let go").isFalse();
        assertThat(StatementCache.knows(after)).isTrue();
        assertThat(db.<List<Long>>read(c -> Sql.list(c, OF_OWNER, rs -> rs.getLong(1), "a"))).containsExactly(1L, 2L);
    }

    @Test
    void postgresStatementsAreNotKeptHere() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Stores.isCi() || Stores.pgReachable(),
                "PostgreSQL not reachable (CI=true requires it)");
        try (Stores.Fresh pg = Stores.fresh(StoreKind.POSTGRES, 2, Duration.ofSeconds(10))) {
            // pgjdbc keeps server-prepared statements by their SQL itself; a kept JDBC statement would add nothing.
            boolean fresh = pg.db().read(c -> {
                try (StatementCache.Use one = StatementCache.prepare(c, "SELECT 1");
                     StatementCache.Use two = StatementCache.prepare(c, "SELECT 1")) {
                    return one.statement() != two.statement() && !(c.isWrapperFor(SQLiteConnection.class));
                }
            });
            assertThat(fresh).isTrue();
        }
    }
}
