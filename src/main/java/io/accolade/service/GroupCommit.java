package io.accolade.service;

import io.accolade.store.Database;
import io.accolade.store.DeferredWrites;
import io.accolade.store.StoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: concurrent units of work (metric events of any users) that arrive while the database is busy run
 * together in one transaction, and each caller gets its own result only after that transaction has committed.
 *
 * <p>No thread of its own: a caller queues its unit and then, if fewer than {@code maxBatches} batches are running,
 * becomes a leader that takes up to {@code maxBatch} queued units, runs them in one transaction and completes their
 * callers; it leads only until its own unit is done, and after each batch it wakes the oldest queued caller to lead
 * next. Units run in (app, user) order, so two batches lock users in the same order (no deadlock), and their shared
 * counters are summed and written once at the end in the global lock order ({@link DeferredWrites}). Serial per user
 * still holds: each unit starts by locking its user, and units of the same user in one batch run one after the other.
 *
 * <p>A user is in at most one running batch. A leader leaves queued the units of users that another running batch
 * holds and takes all queued units of each user it does take: otherwise a frequent user's second event would make a
 * whole batch wait on the database lock of the first until that batch commits, and the two batches would run one
 * after the other (measured in BENCHMARKS.md, "Fifth round"). Skipped units keep their place, so a user's units
 * still run in arrival order.
 *
 * <p>If a unit's own work fails (a refused unit, a constraint), nothing of the batch was committed and each unit is
 * run again alone, so one bad event never fails the others. If the database fails instead (no answer in time, or a
 * failure at or after the commit, whose outcome is unknown), every unit fails at once, as a lone transaction would:
 * running them again could apply a committed batch twice. A lone unit runs exactly as without group commit.
 */
public final class GroupCommit {
    private final Database db;
    private final int maxBatch;
    private final int maxBatches;
    /** Guards {@link #queue}, {@link #busy} and {@link #running}; held only to pick or end a batch, never during SQL. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Units not yet taken by a batch, oldest first. */
    private final ArrayDeque<Pending<?>> queue = new ArrayDeque<>();
    /** Keys (app, user) of the units in running batches. */
    private final Set<String> busy = new HashSet<>();
    /** Batches running now. */
    private int running;

    public GroupCommit(Database db, int maxBatches, int maxBatch) {
        this.db = db;
        this.maxBatch = maxBatch;
        this.maxBatches = Math.max(1, maxBatches);
    }

    private static final class Pending<T> {
        final String key;
        final Database.Work<T> work;
        /** Released when the result is in, or when a leader hands leadership over to this caller. */
        final Semaphore wake = new Semaphore(0);
        volatile boolean finished;
        Object result;
        Throwable failure;

        Pending(String key, Database.Work<T> work) {
            this.key = key;
            this.work = work;
        }

        void complete(Object r) {
            result = r;
            finished = true;
            wake.release();
        }

        void fail(Throwable t) {
            failure = t;
            finished = true;
            wake.release();
        }

        void runAlone(Database db) {
            try {
                complete(db.transaction(work));
            } catch (Throwable t) {
                fail(t);
            }
        }
    }

    /** Runs {@code work} (which must start by locking the user) in a shared transaction; returns after commit. */
    @SuppressWarnings("unchecked")
    public <T> T run(String appId, String userId, Database.Work<T> work) {
        Pending<T> p = new Pending<>(appId + '\u0000' + userId, work);
        lock.lock();
        try {
            queue.addLast(p);
        } finally {
            lock.unlock();
        }
        while (!p.finished) {
            List<Pending<?>> batch = claim();
            if (batch == null) {
                // Whatever stops this caller from leading (all batches running, its unit in a running batch, or only
                // units of busy users queued) ends with a running batch, whose leader then wakes the oldest caller.
                p.wake.acquireUninterruptibly();
                continue;
            }
            try {
                execute(batch);
            } finally {
                release(batch);
            }
        }
        if (p.failure != null) {
            if (p.failure instanceof RuntimeException re) {
                throw re;
            }
            if (p.failure instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(p.failure);
        }
        return (T) p.result;
    }

    /** A batch for the caller to lead, or null when no batch may start now. */
    private List<Pending<?>> claim() {
        lock.lock();
        try {
            if (running >= maxBatches || queue.isEmpty()) {
                return null;
            }
            List<Pending<?>> batch = new ArrayList<>();
            for (Iterator<Pending<?>> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
                Pending<?> q = it.next();
                // busy holds other batches' users only: later units of a user taken here join this batch too.
                if (!busy.contains(q.key)) {
                    batch.add(q);
                    it.remove();
                }
            }
            if (batch.isEmpty()) {
                return null;
            }
            batch.forEach(q -> busy.add(q.key));
            running++;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a batch and wakes the oldest queued caller, so queued units always find a leader. */
    private void release(List<Pending<?>> batch) {
        Pending<?> next;
        lock.lock();
        try {
            batch.forEach(q -> busy.remove(q.key));
            running--;
            next = queue.peekFirst();
        } finally {
            lock.unlock();
        }
        if (next != null) {
            next.wake.release();
        }
    }

    /** A unit's own work failed inside a batch (not the database): the batch rolls back and its units run alone. */
    private static final class UnitRefused extends RuntimeException {
        UnitRefused(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    /** Runs one unit of a batch; its own failures become {@link UnitRefused}, the database's stay as they are. */
    private static Object runUnit(Pending<?> p, java.sql.Connection c) throws java.sql.SQLException {
        try {
            return p.work.run(c);
        } catch (java.sql.SQLException e) {
            if (StoreException.of(e) instanceof StoreException.Unavailable) {
                throw e;
            }
            throw new UnitRefused(e);
        } catch (StoreException.Unavailable e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UnitRefused(e);
        }
    }

    private void execute(List<Pending<?>> batch) {
        if (batch.size() == 1) {
            batch.getFirst().runAlone(db);
            return;
        }
        batch.sort(Comparator.comparing(x -> x.key)); // stable: a user's units keep their order
        Object[] results;
        try {
            results = db.transaction(c -> {
                DeferredWrites deferred = DeferredWrites.begin();
                try {
                    Object[] out = new Object[batch.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = runUnit(batch.get(i), c);
                    }
                    deferred.flush(c);
                    return out;
                } finally {
                    DeferredWrites.end();
                }
            });
        } catch (UnitRefused refused) {
            // A unit's own work failed, before the commit: nothing of the batch was written, and each unit runs
            // again alone, so that one bad unit fails alone.
            for (Pending<?> p : batch) {
                p.runAlone(db);
            }
            return;
        } catch (Throwable t) {
            // The database did not answer in time, or failed at or after the commit, whose outcome is then unknown:
            // running the units again could apply them twice, and each run would wait out the timeout again. Every
            // caller gets the failure at once, as a lone transaction's caller would.
            for (Pending<?> p : batch) {
                p.fail(t);
            }
            return;
        }
        for (int i = 0; i < results.length; i++) {
            batch.get(i).complete(results[i]);
        }
    }
}
