package io.accolade.store;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The database's configuration version as this node last saw it. Any change of definitions, keys or settings bumps
 * the version in the same transaction; each node re-reads it at most every {@link #POLL_NANOS}, so a change made
 * through one node is in force on every node within that interval, and on the node that made it at once
 * ({@link #changed()}).
 */
public final class ConfigVersion {
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Database db;
    private final AppStore apps;
    private volatile long version = -1;
    private volatile long checkedAt;
    private final ReentrantLock poll = new ReentrantLock();
    private final AtomicLong changes = new AtomicLong();

    public ConfigVersion(Database db, AppStore apps) {
        this.db = db;
        this.apps = apps;
    }

    public long current() {
        long known = version;
        if (known >= 0 && System.nanoTime() - checkedAt <= POLL_NANOS) {
            return known;
        }
        // While one caller polls, the others go on with the version they know (at most a poll older) instead of
        // queueing behind it: a caller that holds a connection and waited here for a poller that waits for a
        // connection would wait for itself. Only a node that knows no version yet (at start, or right after its
        // own change) waits.
        if (known >= 0) {
            if (!poll.tryLock()) {
                return known;
            }
        } else {
            poll.lock();
        }
        try {
            long v = version;
            if (v < 0 || System.nanoTime() - checkedAt > POLL_NANOS) {
                long changesBefore = changes.get();
                v = db.read(apps::configVersion);
                // A change this node made while the read ran may not be in what it read: keep "unknown" then, so
                // that the next caller reads again.
                if (changes.get() == changesBefore) {
                    checkedAt = System.nanoTime();
                    version = v;
                    // changed() may have run between the check and the write above: then what was written is
                    // already stale, and "unknown" must win (both fields are volatile, so one of the two sees it).
                    if (changes.get() != changesBefore) {
                        version = -1;
                    }
                }
            }
            return v;
        } finally {
            poll.unlock();
        }
    }

    /** This node changed the configuration: the next {@link #current()} reads the database again. */
    public void changed() {
        changes.incrementAndGet();
        version = -1;
    }
}
