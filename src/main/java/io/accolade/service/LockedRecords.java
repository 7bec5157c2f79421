package io.accolade.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.accolade.domain.Catalog;
import io.accolade.domain.Progress;
import io.accolade.domain.UserProgress;
import io.accolade.store.Database;
import io.accolade.store.ProgressStore;
import java.sql.Connection;
import java.util.List;

/**
 * The progress records a write starts from: from memory when this node committed the user's previous write, else
 * from the database. A metric event or a Mobage increment then reads no records at all, where it used to read all of
 * the user's (about 100 rows decoded per event in the benchmark).
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
 * <p>The records are immutable values; each write copies them into its own {@link UserProgress}. The bound is on
 * records, not users, as for Mobage's read cache: a weight of one per record keeps memory in proportion. 0 turns the
 * cache off.
 */
public final class LockedRecords {
    private record Kept(Catalog catalog, long writeSeq, List<Progress> records) {
    }

    private final ProgressStore progress;
    private final Cache<String, Kept> kept;

    public LockedRecords(ProgressStore progress, long maxRecords) {
        this.progress = progress;
        this.kept = maxRecords <= 0 ? null : Caffeine.newBuilder().maximumWeight(maxRecords)
                .<String, Kept>weigher((k, v) -> 1 + v.records().size()).build();
    }

    /**
     * Within the write's transaction, after the user's lock gave {@code writeSeq}: the user's records to work on,
     * as of that lock.
     */
    public UserProgress book(Connection c, String appId, String userId, long writeSeq, Catalog catalog) {
        if (kept != null) {
            Kept k = kept.getIfPresent(key(appId, userId));
            if (k != null && k.writeSeq() == writeSeq - 1 && k.catalog() == catalog) {
                return new UserProgress(k.records());
            }
        }
        return new UserProgress(progress.forUser(c, appId, userId));
    }

    /**
     * Within the write's transaction, once {@code book} holds everything the write will store: keeps its records for
     * the user's next write, if and when the transaction commits.
     */
    public void keepAfterCommit(String appId, String userId, long writeSeq, Catalog catalog, UserProgress book) {
        if (kept == null) {
            return;
        }
        Kept k = new Kept(catalog, writeSeq, List.copyOf(book.all()));
        Database.afterCommit(() -> kept.put(key(appId, userId), k));
    }

    private static String key(String appId, String userId) {
        return appId + '\u0000' + userId;
    }
}
