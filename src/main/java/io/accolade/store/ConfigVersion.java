package io.accolade.store;

import java.util.concurrent.TimeUnit;

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

    public ConfigVersion(Database db, AppStore apps) {
        this.db = db;
        this.apps = apps;
    }

    public long current() {
        long now = System.nanoTime();
        if (version < 0 || now - checkedAt > POLL_NANOS) {
            synchronized (this) {
                if (version < 0 || now - checkedAt > POLL_NANOS) {
                    version = db.read(apps::configVersion);
                    checkedAt = System.nanoTime();
                }
            }
        }
        return version;
    }

    /** This node changed the configuration: the next {@link #current()} reads the database again. */
    public void changed() {
        version = -1;
    }
}
