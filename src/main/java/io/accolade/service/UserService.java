package io.accolade.service;

import io.accolade.domain.Ids;
import io.accolade.domain.NotificationPreferences;
import io.accolade.domain.Rejection;
import io.accolade.domain.User;
import io.accolade.store.CounterStore;
import io.accolade.store.Database;
import io.accolade.store.UserStore;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Users: identification (upsert), reads, updates; and the per-user lock every write path starts with. */
public final class UserService {
    private final Database db;
    private final UserStore users;
    private final CounterStore counters;
    private final Clock clock;

    public UserService(Database db, UserStore users, CounterStore counters, Clock clock) {
        this.db = db;
        this.users = users;
        this.counters = counters;
        this.clock = clock;
    }

    /**
     * A user after identification, whether this call created it, and the user's write sequence number under this
     * lock ({@link UserStore.Locked}; 0 for a user this call created).
     */
    public record Identified(User user, boolean created, long writeSeq) {
    }

    /**
     * Within a write transaction: creates the user or applies the patch, and holds the user's lock until commit.
     * This is the first statement of every write for a user.
     */
    public Identified lockOrCreate(Connection c, String appId, String userId, User.Patch patch, long now) {
        Optional<UserStore.Locked> existing = users.lockWithSeq(c, appId, userId);
        if (existing.isEmpty()) {
            User fresh = User.create(userId, patch, now);
            if (users.insertIfAbsent(c, appId, fresh)) {
                counters.add(c, appId, Map.of(CounterStore.USERS, 1L));
                return new Identified(fresh, true, 0);
            }
            // Created concurrently by another transaction, which has committed by now: lock it and update.
            existing = users.lockWithSeq(c, appId, userId);
        }
        UserStore.Locked locked = existing.orElseThrow();
        User before = locked.user();
        User after = before.apply(patch, now);
        if (after != before) {
            users.update(c, appId, after);
        }
        return new Identified(after, false, locked.writeSeq());
    }

    /** Within a write transaction: locks an existing user (404 when absent). */
    public UserStore.Locked lockExisting(Connection c, String appId, String userId) {
        return users.lockWithSeq(c, appId, userId).orElseThrow(() -> Rejection.userNotFound(userId));
    }

    /** PUT /users/{id} and POST /users: create or update. */
    public Identified identify(String appId, String userId, User.Patch patch) {
        Ids.userId(userId, "id");
        patch.validate("");
        long now = clock.millis();
        return db.transaction(c -> lockOrCreate(c, appId, userId, patch, now));
    }

    /** PATCH /users/{id}: the user must exist. */
    public User update(String appId, String userId, User.Patch patch) {
        patch.validate("");
        long now = clock.millis();
        return db.transaction(c -> {
            User before = lockExisting(c, appId, userId).user();
            User after = before.apply(patch, now);
            if (after != before) {
                users.update(c, appId, after);
            }
            return after;
        });
    }

    public NotificationPreferences preferences(String appId, String userId) {
        if (!Ids.isUserId(userId)) {
            throw Rejection.userNotFound(userId);
        }
        return db.read(c -> users.preferences(c, appId, userId)).orElseThrow(() -> Rejection.userNotFound(userId));
    }

    /** PATCH /users/{id}/preferences: the given kinds replace the stored ones; the user must exist. */
    public NotificationPreferences updatePreferences(String appId, String userId, Map<String, List<String>> changes) {
        if (!Ids.isUserId(userId)) {
            throw Rejection.userNotFound(userId);
        }
        long now = clock.millis();
        return db.transaction(c -> {
            lockExisting(c, appId, userId);
            NotificationPreferences next = users.preferences(c, appId, userId).orElseThrow().with(changes);
            users.savePreferences(c, appId, userId, next, now);
            return next;
        });
    }

    public User get(String appId, String userId) {
        return find(appId, userId).orElseThrow(() -> Rejection.userNotFound(userId));
    }

    public Optional<User> find(String appId, String userId) {
        if (!Ids.isUserId(userId)) {
            return Optional.empty();
        }
        return db.read(c -> users.find(c, appId, userId));
    }

    /** {@link #find(String, String)} on the caller's connection, for reads that need the user and more. */
    public Optional<User> find(java.sql.Connection c, String appId, String userId) {
        return Ids.isUserId(userId) ? users.find(c, appId, userId) : Optional.empty();
    }
}
