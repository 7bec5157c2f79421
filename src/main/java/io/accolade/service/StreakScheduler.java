package io.accolade.service;

import io.accolade.store.Database;
import io.accolade.store.StoreException;
import io.accolade.store.StreakStore;
import io.accolade.store.UserStore;
import java.time.Clock;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stores streak losses and freeze consumptions for users who send nothing, soon after they fall due. It reads only
 * the users whose next decision instant has passed (index {@code streaks_due}), so its cost follows the number of
 * decisions, not the number of users. Several nodes may run it at once: each user is handled under the user's lock
 * and the walk is idempotent, so a duplicate run changes nothing.
 */
public final class StreakScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("io.accolade.streaks");
    static final int BATCH = 500;

    private final Database db;
    private final StreakStore streaks;
    private final UserStore users;
    private final StreakService service;
    private final Clock clock;
    private final long intervalMillis;
    private volatile boolean running = true;
    private Thread thread;

    public StreakScheduler(Database db, StreakStore streaks, UserStore users, StreakService service, Clock clock,
                           long intervalMillis) {
        this.db = db;
        this.streaks = streaks;
        this.users = users;
        this.service = service;
        this.clock = clock;
        this.intervalMillis = intervalMillis;
    }

    public StreakScheduler start() {
        thread = Thread.ofVirtual().name("accolade-streak-scheduler").start(this::loop);
        return this;
    }

    private void loop() {
        while (running) {
            try {
                runOnce();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "streak scheduler pass failed; retrying later: " + e.getMessage());
            }
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One pass: every due user, in batches. Returns how many users it brought up to date. */
    public int runOnce() {
        int done = 0;
        while (running) {
            long now = clock.millis();
            List<String[]> due = db.read(c -> streaks.due(c, now, BATCH));
            int refreshed = 0;
            for (String[] d : due) {
                try {
                    // Read before the transaction: the settings may need a connection of their own.
                    var settings = service.settings(d[0]);
                    db.transaction(c -> {
                        users.lock(c, d[0], d[1]).ifPresent(u -> service.refresh(c, d[0], u, settings, now));
                        return null;
                    });
                    refreshed++;
                } catch (StoreException.Unavailable e) {
                    throw e;                    // the database: the whole pass waits for the next one
                } catch (RuntimeException e) {
                    // One user whose refresh fails (a row this code cannot read) must not hold up every user due
                    // after it: that user stays due and is logged (by app: user ids stay out of logs), the rest go on.
                    LOG.log(Level.WARNING, "streak refresh of a user of app " + d[0] + " failed: " + e);
                }
            }
            done += refreshed;
            // A full batch of users that all failed would come back as the same batch: the next pass retries them.
            if (due.size() < BATCH || refreshed == 0) {
                break;
            }
        }
        return done;
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
