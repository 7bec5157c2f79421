package io.accolade.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.accolade.domain.Catalog;
import io.accolade.domain.Progress;
import io.accolade.domain.UserProgress;
import io.accolade.domain.streak.PeriodRecord;
import io.accolade.store.Database;
import io.accolade.store.ProgressStore;
import io.accolade.store.StreakStore;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The progress records and the streak a write starts from: from memory when this node committed the user's previous
 * write, else from the database. A metric event or a Mobage increment then reads no records at all, where it used to
 * read all of the user's (about 100 rows decoded per event in the benchmark), and a metric event reads no streak.
 *
 * <p>Why a kept value is exactly what the database holds, with any number of nodes: every write of a user's records
 * starts by locking the user ({@code UserStore.lockWithSeq}), which bumps {@code users.write_seq} and returns it, and
 * a write that rolls back undoes its bump. A write that sees {@code n} therefore comes right after the committed write
 * that saw {@code n - 1}. Records are kept only after their write committed ({@link Database#afterCommit}), under
 * the number that write saw, so records kept under {@code n - 1} are that write's result, and no other write has
 * committed since: another node's write, a streak refresh or a backfill would have taken {@code n - 1} or {@code n}
 * itself. Anything else is a miss, and a miss only costs the read it replaces.
 *
 * <p>Deleting a definition deletes its records of every user without their locks; it bumps their {@code write_seq}
 * instead ({@code DefinitionStore.deleteAchievement}). A kept value also serves only the catalog object it was kept
 * under, so that an app deleted and created again under the same id never meets the old app's records.
 *
 * <p>The streak (the user's streak row and the period records a walk starts from) is kept by the writes that store
 * it, metric events; a write that leaves the streak as it was (a completion, a Mobage write) passes on what it
 * started from. Any other write of streak rows (the scheduler's refresh, a freeze granted, a restore) takes the lock
 * and keeps nothing, so the next event reads the streak again.
 *
 * <p>The kept values are immutable; each write copies them into its own {@link UserProgress} and streak map. The
 * bound is on records, not users, as for Mobage's read cache: a weight of one per progress or period record keeps
 * memory in proportion. 0 turns the cache off.
 */
public final class LockedRecords {
    /** A streak as the store holds it after a write: the row and its period records after the settled one. */
    public record Streak(StreakStore.Row row, NavigableMap<LocalDate, PeriodRecord> periods) {
        public Streak {
            periods = Collections.unmodifiableNavigableMap(new TreeMap<>(periods));
        }

        /** As {@link StreakStore#findWithPeriods} would read it: a fresh map the caller may change. */
        public StreakStore.RowAndPeriods asRead() {
            return new StreakStore.RowAndPeriods(Optional.of(row), new TreeMap<>(periods));
        }
    }

    /** What a committed write left: its catalog, the write_seq its lock gave, its records, its streak (null: unknown). */
    private record Kept(Catalog catalog, long writeSeq, List<Progress> records, Streak streak) {
        int weight() {
            return 1 + records.size() + (streak == null ? 0 : streak.periods().size());
        }
    }

    private final ProgressStore progress;
    private final Cache<String, Kept> kept;

    public LockedRecords(ProgressStore progress, long maxRecords) {
        this.progress = progress;
        this.kept = maxRecords <= 0 ? null : Caffeine.newBuilder().maximumWeight(maxRecords)
                .<String, Kept>weigher((k, v) -> v.weight()).build();
    }

    /**
     * One write of a user's records, from the lock to the commit: what it starts from, and what it leaves for the
     * user's next write.
     */
    public final class Write {
        private final String key;
        private final long writeSeq;
        private final Catalog catalog;
        private final UserProgress book;
        private final Streak streakBefore;
        private Streak streakAfter;

        private Write(String key, long writeSeq, Catalog catalog, UserProgress book, Streak streakBefore) {
            this.key = key;
            this.writeSeq = writeSeq;
            this.catalog = catalog;
            this.book = book;
            this.streakBefore = streakBefore;
            this.streakAfter = streakBefore;
        }

        /** The user's records as of the lock; the write changes them here. */
        public UserProgress book() {
            return book;
        }

        /** The user's streak as of the lock, when the previous write on this node left it (else read it). */
        public Optional<Streak> streak() {
            return Optional.ofNullable(streakBefore);
        }

        /** What this write's transaction stored as the user's streak. Only a write that stores the streak calls it. */
        public void streakStored(Streak stored) {
            this.streakAfter = stored;
        }

        /**
         * Once {@link #book} holds everything the write will store: keeps its records and streak for the user's next
         * write, if and when the transaction commits.
         */
        public void keepAfterCommit() {
            if (kept == null) {
                return;
            }
            Kept k = new Kept(catalog, writeSeq, List.copyOf(book.all()), streakAfter);
            Database.afterCommit(() -> kept.put(key, k));
        }
    }

    /**
     * Within the write's transaction, after the user's lock gave {@code writeSeq}: the write, starting from the
     * user's records as of that lock.
     */
    public Write start(Connection c, String appId, String userId, long writeSeq, Catalog catalog) {
        String key = key(appId, userId);
        if (kept != null) {
            Kept k = kept.getIfPresent(key);
            if (k != null && k.writeSeq() == writeSeq - 1 && k.catalog() == catalog) {
                return new Write(key, writeSeq, catalog, new UserProgress(k.records()), k.streak());
            }
        }
        return new Write(key, writeSeq, catalog, new UserProgress(progress.forUser(c, appId, userId)), null);
    }

    private static String key(String appId, String userId) {
        return appId + '\u0000' + userId;
    }
}
