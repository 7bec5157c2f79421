package io.accolade.service;

import io.accolade.store.Database;
import io.accolade.store.DeferredCounts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Group commit: concurrent units of work (metric events of any users) that arrive while the database is busy run
 * together in one transaction, and each caller gets its own result only after that transaction has committed.
 *
 * <p>No thread of its own: a caller queues its unit and then, if fewer than {@code maxBatches} transactions are
 * running, becomes a leader that takes up to {@code maxBatch} queued units, runs them in one transaction, completes
 * their callers, and goes on while units are waiting. Units run in (app, user) order, so two batches lock users in the
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
        final CompletableFuture<T> done = new CompletableFuture<>();

        Pending(String key, Database.Work<T> work) {
            this.key = key;
            this.work = work;
        }

        @SuppressWarnings("unchecked")
        void complete(Object result) {
            done.complete((T) result);
        }

        void runAlone(Database db) {
            try {
                done.complete(db.transaction(work));
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }
    }

    /** Runs {@code work} (which must start by locking the user) in a shared transaction; returns after commit. */
    public <T> T run(String appId, String userId, Database.Work<T> work) {
        Pending<T> p = new Pending<>(appId + '\u0000' + userId, work);
        queue.add(p);
        drive();
        try {
            return p.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the commit", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Leads batches while units wait and a leader slot is free. */
    private void drive() {
        while (!queue.isEmpty() && leaders.tryAcquire()) {
            try {
                List<Pending<?>> batch = new ArrayList<>();
                Pending<?> p;
                while (batch.size() < maxBatch && (p = queue.poll()) != null) {
                    batch.add(p);
                }
                if (!batch.isEmpty()) {
                    execute(batch);
                }
            } finally {
                leaders.release();
            }
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
