package io.accolade.service;

import io.accolade.store.Database;
import io.accolade.store.DeferredCounts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * Group commit: concurrent units of work (metric events of any users) that arrive while the database is busy run
 * together in one transaction, and each caller gets its own result only after that transaction has committed.
 *
 * <p>No thread of its own: a caller queues its unit and then, if fewer than {@code maxBatches} transactions are
 * running, becomes a leader that takes up to {@code maxBatch} queued units, runs them in one transaction and
 * completes their callers; it leads only until its own unit is done, then wakes a queued caller to lead next. Units run in (app, user) order, so two batches lock users in the
 * same order (no deadlock), and their shared counters are summed and written once at the end in the global lock
 * order ({@link DeferredCounts}). Serial per user still holds: each unit starts by locking its user, and units of
 * the same user in one batch run one after the other.
 *
 * <p>If a batch fails (a refused unit, or a database error), nothing of it was committed and each unit is run again
 * alone, so one bad event never fails the others. A lone unit runs exactly as without group commit.
 */
public final class GroupCommit {
    private final Database db;
    private final int maxBatch;
    private final Semaphore leaders;
    private final ConcurrentLinkedQueue<Pending<?>> queue = new ConcurrentLinkedQueue<>();

    public GroupCommit(Database db, int maxBatches, int maxBatch) {
        this.db = db;
        this.maxBatch = maxBatch;
        this.leaders = new Semaphore(Math.max(1, maxBatches));
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
        queue.add(p);
        while (!p.finished) {
            // An empty queue means this unit is in a batch that is running: wait for it, do not spin.
            if (!queue.isEmpty() && leaders.tryAcquire()) {
                // Lead one batch, then look again: a leader leads only until its own unit is done.
                try {
                    List<Pending<?>> batch = new ArrayList<>();
                    Pending<?> q;
                    while (batch.size() < maxBatch && (q = queue.poll()) != null) {
                        batch.add(q);
                    }
                    if (!batch.isEmpty()) {
                        execute(batch);
                    }
                } finally {
                    leaders.release();
                }
                // Every release is followed by this check, so queued units always find a leader.
                Pending<?> next = queue.peek();
                if (next != null) {
                    next.wake.release();
                }
            } else {
                p.wake.acquireUninterruptibly();
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

    private void execute(List<Pending<?>> batch) {
        if (batch.size() == 1) {
            batch.getFirst().runAlone(db);
            return;
        }
        batch.sort(Comparator.comparing(x -> x.key)); // stable: a user's units keep their order
        Object[] results;
        try {
            results = db.transaction(c -> {
                DeferredCounts deferred = DeferredCounts.begin();
                try {
                    Object[] out = new Object[batch.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = batch.get(i).work.run(c);
                    }
                    deferred.flush(c);
                    return out;
                } finally {
                    DeferredCounts.end();
                }
            });
        } catch (Throwable t) {
            for (Pending<?> p : batch) {
                p.runAlone(db);
            }
            return;
        }
        for (int i = 0; i < results.length; i++) {
            batch.get(i).complete(results[i]);
        }
    }
}
