package io.accolade.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accolade.domain.Achievement;
import io.accolade.domain.AchievementEngine;
import io.accolade.domain.AchievementStatus;
import io.accolade.domain.Catalog;
import io.accolade.domain.Presentation;
import io.accolade.domain.Progress;
import io.accolade.domain.ProgressState;
import io.accolade.domain.Trigger;
import io.accolade.domain.User;
import io.accolade.store.Database;
import io.accolade.store.DefinitionStore;
import io.accolade.store.ProgressStore;
import io.accolade.store.UserStore;
import io.accolade.support.StoreKind;
import io.accolade.support.Stores;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The records a write starts from, against real stores. To tell memory from the database, rows are changed behind
 * the service's back (a statement that takes no user lock, as no write of the server does): a write that still sees
 * the old value started from memory.
 */
class LockedRecordsTest {
    static List<StoreKind> stores() {
        return Stores.available();
    }

    private static final String APP = "app";
    private final UserStore users = new UserStore();
    private final ProgressStore progress = new ProgressStore();
    /** Achievement "a": steps written through the API (Mobage's steps), up to 1,000. */
    private static final Achievement A = new Achievement("id-a", "a", "A", null, null, AchievementStatus.ACTIVE,
            new Trigger.Api(), List.of(), List.of(), ProgressState.REVEALED, 1_000, false, Presentation.none(), 0, 0, 0);
    private final Catalog catalog = new Catalog(List.of(), List.of(A));
    private final AchievementEngine engine = new AchievementEngine(() -> "completion");

    /** One write as the services do it: lock, start from the records, set steps, store and keep the result. */
    private long write(Database db, LockedRecords records, long steps) {
        return db.transaction(c -> writeIn(c, records, steps));
    }

    private long writeIn(Connection c, LockedRecords records, long steps) {
        UserStore.Locked locked = users.lockWithSeq(c, APP, "ann").orElseThrow();
        LockedRecords.Write write = records.start(c, APP, "ann", locked.writeSeq(), catalog);
        engine.setSteps(catalog, write.book(), Map.of(), A, steps, 1_000 + steps);
        progress.save(c, APP, "ann", write.book().changed());
        write.keepAfterCommit();
        return locked.writeSeq();
    }

    /** The steps of record "a" that a write under a fresh lock starts from (-1: no record; nothing is changed). */
    private long startsFrom(Database db, LockedRecords records, Catalog asOf) {
        return db.transaction(c -> {
            UserStore.Locked locked = users.lockWithSeq(c, APP, "ann").orElseThrow();
            LockedRecords.Write write = records.start(c, APP, "ann", locked.writeSeq(), asOf);
            // Keep what was read, as a write that changed nothing would.
            write.keepAfterCommit();
            return write.book().get("a").map(Progress::steps).orElse(-1L);
        });
    }

    /** Changes record "a" without the user's lock: only a write that reads the rows sees it. */
    private static void behindTheBack(Stores.Fresh f, long steps) throws Exception {
        String sql = "UPDATE progress SET steps = " + steps + " WHERE app_id = '" + APP + "' AND user_id = 'ann'";
        f.db().transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate(sql);
            }
            return null;
        });
    }

    private Stores.Fresh fresh(StoreKind kind) throws Exception {
        Stores.Fresh f = Stores.fresh(kind, 3, Duration.ofSeconds(5));
        f.db().transaction(c -> users.insertIfAbsent(c, APP, User.create("ann", User.Patch.none(), 1_000)));
        return f;
    }

    @ParameterizedTest
    @MethodSource("stores")
    void theNextWriteOnThisNodeStartsFromWhatThePreviousOneCommitted(StoreKind kind) throws Exception {
        try (Stores.Fresh f = fresh(kind)) {
            LockedRecords records = new LockedRecords(progress, 1_000);
            long seq = write(f.db(), records, 1);
            assertThat(seq).as("the first lock of a user created at 0").isEqualTo(1);
            behindTheBack(f, 99);

            assertThat(startsFrom(f.db(), records, catalog)).as("from memory").isEqualTo(1);
            assertThat(startsFrom(f.db(), records, catalog)).as("what the previous write kept").isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aWriteCommittedElsewhereInBetweenIsReadFromTheDatabase(StoreKind kind) throws Exception {
        try (Stores.Fresh f = fresh(kind)) {
            LockedRecords here = new LockedRecords(progress, 1_000);
            LockedRecords otherNode = new LockedRecords(progress, 1_000);
            write(f.db(), here, 1);
            write(f.db(), otherNode, 7);        // took the user's lock: write_seq moved past what "here" kept

            assertThat(startsFrom(f.db(), here, catalog)).isEqualTo(7);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aLockTakenWithoutKeepingAnythingAlsoEndsWhatWasKept(StoreKind kind) throws Exception {
        try (Stores.Fresh f = fresh(kind)) {
            LockedRecords records = new LockedRecords(progress, 1_000);
            write(f.db(), records, 1);
            // e.g. a streak refresh or a backfill: the user's lock, then rows written by other means
            f.db().transaction(c -> users.lockWithSeq(c, APP, "ann"));
            behindTheBack(f, 42);

            assertThat(startsFrom(f.db(), records, catalog)).isEqualTo(42);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aRolledBackWriteKeepsNothing(StoreKind kind) throws Exception {
        try (Stores.Fresh f = fresh(kind)) {
            LockedRecords records = new LockedRecords(progress, 1_000);
            write(f.db(), records, 1);
            assertThatThrownBy(() -> f.db().transaction(c -> {
                writeIn(c, records, 5);
                throw new IllegalStateException("refused");
            })).hasMessage("refused");
            behindTheBack(f, 99);

            assertThat(startsFrom(f.db(), records, catalog)).as("the committed write's records, from memory")
                    .isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void recordsKeptUnderAnotherCatalogAreReadAgain(StoreKind kind) throws Exception {
        try (Stores.Fresh f = fresh(kind)) {
            LockedRecords records = new LockedRecords(progress, 1_000);
            write(f.db(), records, 1);
            behindTheBack(f, 99);       // as deleting a definition deletes its records of every user

            assertThat(startsFrom(f.db(), records, new Catalog(List.of(), List.of(A)))).isEqualTo(99);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void deletingADefinitionEndsTheRecordsKeptOfEveryUserWhoHadOne(StoreKind kind) throws Exception {
        try (Stores.Fresh f = fresh(kind)) {
            LockedRecords records = new LockedRecords(progress, 1_000);
            write(f.db(), records, 3);
            // Another node deletes the definition; this node's catalog is still the one the records were kept under.
            f.db().transaction(c -> new DefinitionStore().deleteAchievement(c, APP, "a"));

            assertThat(startsFrom(f.db(), records, catalog)).as("no record: it was deleted").isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void sizeZeroKeepsNothing(StoreKind kind) throws Exception {
        try (Stores.Fresh f = fresh(kind)) {
            LockedRecords off = new LockedRecords(progress, 0);
            write(f.db(), off, 1);
            behindTheBack(f, 99);

            assertThat(startsFrom(f.db(), off, catalog)).isEqualTo(99);
        }
    }
}
