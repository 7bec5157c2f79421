package io.accolade.service;

import io.accolade.domain.Ids;
import io.accolade.domain.Rejection;
import io.accolade.domain.User;
import io.accolade.store.Database;
import io.accolade.store.FriendStore;
import io.accolade.store.UserStore;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Mutual friendships between users of one app (Mobage's {@code @friends}). Accolade has no social graph of its own:
 * the app's backend declares it through the admin API. Both users must exist. Each change runs under the user's
 * lock, so two replacements of one user's set do not interleave.
 */
public final class FriendService {
    /** Most friends one replacement may name: bounds the request. */
    public static final int MAX_FRIENDS = 1000;

    private final Database db;
    private final UserService users;
    private final UserStore userStore;
    private final FriendStore friends;
    private final Clock clock;

    public FriendService(Database db, UserService users, UserStore userStore, FriendStore friends, Clock clock) {
        this.db = db;
        this.users = users;
        this.userStore = userStore;
        this.friends = friends;
        this.clock = clock;
    }

    public List<String> list(String appId, String userId) {
        users.get(appId, userId);
        return db.read(c -> friends.friendsOf(c, appId, userId));
    }

    /** Replaces the user's friends with {@code wanted}; the other side of each added or removed pair follows. */
    public List<String> replace(String appId, String userId, List<String> wanted) {
        Set<String> next = new LinkedHashSet<>();
        for (int i = 0; i < wanted.size(); i++) {
            String f = Ids.userId(wanted.get(i), "friends[" + i + "]");
            if (f.equals(userId)) {
                throw Rejection.invalid("'friends[" + i + "]': a user cannot be their own friend");
            }
            next.add(f);
        }
        if (next.size() > MAX_FRIENDS) {
            throw Rejection.invalid("'friends' may hold at most " + MAX_FRIENDS + " users");
        }
        long now = clock.millis();
        return db.transaction(c -> {
            users.lockExisting(c, appId, userId);
            Set<String> known = new HashSet<>();
            userStore.findAll(c, appId, List.copyOf(next)).forEach(u -> known.add(u.id()));
            for (String f : next) {
                if (!known.contains(f)) {
                    throw Rejection.userNotFound(f);
                }
            }
            List<String> before = friends.friendsOf(c, appId, userId);
            for (String f : before) {
                if (!next.contains(f)) {
                    friends.remove(c, appId, userId, f);
                }
            }
            for (String f : next) {
                if (!before.contains(f)) {
                    friends.add(c, appId, userId, f, now);
                }
            }
            return friends.friendsOf(c, appId, userId);
        });
    }

    /** Makes the two users friends; true when they were not before. */
    public boolean add(String appId, String userId, String friendId) {
        requirePair(userId, friendId);
        long now = clock.millis();
        return db.transaction(c -> {
            users.lockExisting(c, appId, userId);
            requireExists(userStore.find(c, appId, friendId).orElse(null), friendId);
            return friends.add(c, appId, userId, friendId, now);
        });
    }

    /** Ends a friendship; 404 when the two are not friends. */
    public void remove(String appId, String userId, String friendId) {
        requirePair(userId, friendId);
        db.transaction(c -> {
            users.lockExisting(c, appId, userId);
            if (!friends.remove(c, appId, userId, friendId)) {
                throw Rejection.notFound("'" + Ids.abbreviate(friendId) + "' is not a friend of '"
                        + Ids.abbreviate(userId) + "'");
            }
            return null;
        });
    }

    private static void requirePair(String userId, String friendId) {
        if (!Ids.isUserId(userId)) {
            throw Rejection.userNotFound(userId);
        }
        Ids.userId(friendId, "friendId");
        if (friendId.equals(userId)) {
            throw Rejection.invalid("'friendId': a user cannot be their own friend");
        }
    }

    private static void requireExists(User u, String id) {
        if (u == null) {
            throw Rejection.userNotFound(id);
        }
    }
}
