package io.accolade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accolade.domain.NotificationPreferences;
import io.accolade.domain.Progress;
import io.accolade.domain.ProgressState;
import io.accolade.domain.User;
import io.accolade.support.StoreKind;
import io.accolade.support.Stores;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-user read cache against real stores: what ends a cached value (every write of the user, on this node at
 * once and on another PostgreSQL node within a second) and what keeps it from ever holding rows older than a write
 * it could have seen.
 */
class UserCacheTest {
    static List<StoreKind> stores() {
        return Stores.available();
    }

    private static final String APP = "app";
    private final UserStore users = new UserStore();
    private final ProgressStore progress = new ProgressStore();

    private static Database.Work<Void> unit(Database.Work<?> w) {
        return c -> {
            w.run(c);
            return null;
        };
    }

    private void createUser(Database db, String id) {
        db.transaction(unit(c -> users.insertIfAbsent(c, APP, User.create(id, User.Patch.none(), 1_000))));
    }

    private static Progress completed(String key, long at) {
        return new Progress(key, ProgressState.UNLOCKED, 0, 0, 1, at, at, "c-" + key, at, at);
    }

    /** A fresh store whose node listens (PostgreSQL: hears other nodes; SQLite: always trusted). */
    private static Stores.Fresh listening(StoreKind kind) throws java.io.IOException {
        Stores.Fresh f = Stores.fresh(kind, 3, Duration.ofSeconds(5));
        f.db().listen();
        return f;
    }

    private static UserCache<ProgressStore.UserCompletions> cacheOf(Database db) {
        return new UserCache<>(db.userChanges(), 100);
    }

    /** Creates the user and reads them until the cache serves them (a PostgreSQL node first has to listen). */
    private void cachedUser(Database db, UserCache<ProgressStore.UserCompletions> cache, String id)
            throws InterruptedException {
        createUser(db, id);
        awaitTrue(() -> read(db, cache, id) != null && cache.current(APP, id) != null, "cached: " + id);
    }

    /** Reads the user's completions through the cache, as the Trophy read does. */
    private ProgressStore.UserCompletions read(Database db, UserCache<ProgressStore.UserCompletions> cache, String id) {
        return cache.get(APP, id, () -> db.read(c -> progress.completionsWithUser(c, APP, id).orElse(null)));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aCommittedWriteOfTheUserEndsTheCachedValueAtOnceAndOnlyThatUsers(StoreKind kind) throws Exception {
        try (Stores.Fresh f = listening(kind)) {
            Database db = f.db();
            UserCache<ProgressStore.UserCompletions> cache = cacheOf(db);
            cachedUser(db, cache, "ann");
            cachedUser(db, cache, "bob");
            assertThat(cache.current(APP, "ann").completed()).isEmpty();

            db.transaction(unit(c -> {
                users.lock(c, APP, "ann");
                progress.save(c, APP, "ann", List.of(completed("first", 2_000)));
                return null;
            }));

            assertThat(cache.current(APP, "ann")).as("ann's value ended with her write").isNull();
            assertThat(read(db, cache, "ann").completed()).containsEntry("first", 2_000L);
            assertThat(cache.current(APP, "ann").completed()).containsEntry("first", 2_000L);
            Thread.sleep(300);      // on PostgreSQL the node has heard its own NOTIFY by now
            assertThat(cache.current(APP, "ann")).as("the node's own notification ends nothing read after its commit")
                    .isNotNull();
            // A stripe is shared by about one user in 65,536: bob is in another one here (checked by the hash).
            assertThat(cache.current(APP, "bob")).as("bob's value is untouched by ann's write").isNotNull();
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aValueReadWhileAWriteOfTheUserCommittedIsNeverServed(StoreKind kind) throws Exception {
        try (Stores.Fresh f = listening(kind)) {
            Database db = f.db();
            UserCache<ProgressStore.UserCompletions> cache = cacheOf(db);
            cachedUser(db, cache, "ann");

            // The reader takes its stamp and reads the old rows; the write commits before the reader stores them.
            UserChanges.Stamp stamp = cache.stamp(APP, "ann");
            ProgressStore.UserCompletions old = db.read(c -> progress.completionsWithUser(c, APP, "ann").orElseThrow());
            db.transaction(unit(c -> {
                progress.save(c, APP, "ann", List.of(completed("first", 2_000)));
                return null;
            }));
            cache.put(APP, "ann", stamp, old);

            assertThat(cache.current(APP, "ann")).as("the old rows are not served after the commit").isNull();
            assertThat(read(db, cache, "ann").completed()).containsKey("first");
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aWriteThatRollsBackEndsTheValueToo(StoreKind kind) throws Exception {
        try (Stores.Fresh f = listening(kind)) {
            Database db = f.db();
            UserCache<ProgressStore.UserCompletions> cache = cacheOf(db);
            cachedUser(db, cache, "ann");

            // A transaction whose outcome the node cannot know (its commit's answer may be lost) must not leave a
            // value that might be older than the rows: any end of a write counts.
            assertThatThrownBy(() -> db.transaction(c -> {
                users.lock(c, APP, "ann");
                throw new IllegalStateException("failed after the write");
            })).isInstanceOf(IllegalStateException.class);
            assertThat(cache.current(APP, "ann")).isNull();
        }
    }

    /** Every store method that writes a user's rows marks the user; each one's value must end after it. */
    @ParameterizedTest
    @MethodSource("stores")
    void everyWriteOfAUsersRowsEndsTheirValue(StoreKind kind) throws Exception {
        MetricStore metrics = new MetricStore();
        FriendStore friends = new FriendStore();
        AppStore apps = new AppStore();
        DefinitionStore definitions = new DefinitionStore();
        Map<String, Database.Work<?>> writes = new java.util.LinkedHashMap<>();
        writes.put("UserStore.lock", c -> users.lock(c, APP, "ann"));
        writes.put("UserStore.update", c -> {
            users.update(c, APP, User.create("ann", User.Patch.none(), 5_000));
            return null;
        });
        writes.put("UserStore.savePreferences", c -> {
            users.savePreferences(c, APP, "ann", NotificationPreferences.none(), 5_000);
            return null;
        });
        writes.put("ProgressStore.save", c -> {
            progress.save(c, APP, "ann", List.of(completed("k", 5_000)));
            return null;
        });
        writes.put("MetricStore.addToTotal", c -> metrics.addToTotal(c, APP, "ann", "xp", 1, 5_000));
        writes.put("FriendStore.add", c -> friends.add(c, APP, "bob", "ann", 5_000));
        writes.put("FriendStore.remove", c -> friends.remove(c, APP, "bob", "ann"));
        writes.put("StreakStore.clearDue", c -> {
            new StreakStore().clearDue(c, APP, "ann");
            return null;
        });
        writes.put("DefinitionStore.deleteAchievement (every user)", c -> definitions.deleteAchievement(c, APP, "k"));
        writes.put("DefinitionStore.deleteMetric (every user)", c -> definitions.deleteMetric(c, APP, "xp"));
        writes.put("AppStore.deleteApp (every user)", c -> apps.deleteApp(c, APP));
        try (Stores.Fresh f = listening(kind)) {
            Database db = f.db();
            UserCache<ProgressStore.UserCompletions> cache = cacheOf(db);
            for (var w : writes.entrySet()) {
                cachedUser(db, cache, "ann");
                db.transaction(unit(w.getValue()));
                assertThat(cache.current(APP, "ann")).as("after " + w.getKey()).isNull();
            }
        }
    }

    @Test
    void aWriteOfAUsersRowsOutsideATransactionIsRefused() throws Exception {
        try (Stores.Fresh f = Stores.fresh(StoreKind.SQLITE, 2, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> f.db().read(c -> users.lock(c, APP, "ann")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("outside Database.transaction");
        }
    }

    /** A node hears only its own writes on SQLite, so a second process on the same file must not start. */
    @Test
    void theEmbeddedStoreServesOneProcessAtATime() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("accolade-one-process");
        try (Database first = Database.sqlite(dir, 2, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> Database.sqlite(dir, 2, Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("serves one process");
            assertThat(first.ping()).isTrue();
        }
        try (Database again = Database.sqlite(dir, 2, Duration.ofSeconds(5))) {
            assertThat(again.ping()).as("the lock ends with the first").isTrue();
        }
    }

    @Test
    void aPostgresNodeServesNothingUntilItListens() throws Exception {
        Assumptions.assumeTrue(Stores.isCi() || Stores.pgReachable(), "PostgreSQL not reachable (CI=true requires it)");
        try (Stores.Fresh f = Stores.fresh(StoreKind.POSTGRES, 3, Duration.ofSeconds(5))) {
            Database db = f.db();
            UserCache<ProgressStore.UserCompletions> cache = cacheOf(db);
            createUser(db, "ann");
            // Another node may write at any time, and this one would not hear of it.
            assertThat(read(db, cache, "ann")).isNotNull();
            assertThat(cache.current(APP, "ann")).isNull();
        }
    }

    @Test
    void anotherNodesCommitEndsTheValueWithinASecondAndAnOutageOfTheListenerStopsTheCache() throws Exception {
        Assumptions.assumeTrue(Stores.isCi() || Stores.pgReachable(), "PostgreSQL not reachable (CI=true requires it)");
        try (Stores.Fresh f = Stores.fresh(StoreKind.POSTGRES, 3, Duration.ofSeconds(5));
             Database other = Database.postgres(Stores.schemaUrl(f.schema()), Optional.of(Stores.PG_USER),
                     Optional.ofNullable(Stores.PG_PASSWORD), 3, Duration.ofSeconds(5))) {
            Database db = f.db();
            db.listen();
            UserCache<ProgressStore.UserCompletions> cache = cacheOf(db);
            cachedUser(db, cache, "ann");

            // The other node (it need not listen itself to tell) writes ann's progress.
            other.transaction(unit(c -> {
                users.lock(c, APP, "ann");
                progress.save(c, APP, "ann", List.of(completed("first", 2_000)));
                return null;
            }));
            long committed = System.nanoTime();
            awaitTrue(() -> cache.current(APP, "ann") == null, "the other node's write ended the value");
            assertThat(System.nanoTime() - committed).isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(read(db, cache, "ann").completed()).containsKey("first");
            assertThat(cache.current(APP, "ann")).isNotNull();

            // The listener's connection dies: within a second nothing is served, and after it listens again
            // nothing cached before counts (notifications sent meanwhile are lost).
            try (Connection admin = DriverManager.getConnection(Stores.PG_URL, Stores.PG_USER, Stores.PG_PASSWORD);
                 Statement st = admin.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
                        + ChangeListener.APPLICATION_NAME + "' AND datname = current_database()");
            }
            long cut = System.nanoTime();
            awaitTrue(() -> cache.current(APP, "ann") == null, "nothing served while not listening");
            assertThat(System.nanoTime() - cut).isLessThan(TimeUnit.MILLISECONDS.toNanos(1_500));
            awaitTrue(() -> read(db, cache, "ann") != null && cache.current(APP, "ann") != null,
                    "served again once it listens again");
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
