package io.accolade.store;

import java.sql.Connection;
import java.util.List;

/**
 * Friendships of an app's users. A friendship is mutual and stored as two rows, (a, b) and (b, a), so "friends of
 * u" is one primary-key range read whichever side created it; every change writes both rows in one transaction.
 */
public final class FriendStore {

    /** The friends of {@code userId}, by id. */
    public List<String> friendsOf(Connection c, String appId, String userId) {
        return Sql.list(c, "SELECT friend_id FROM friends WHERE app_id = ? AND user_id = ? ORDER BY friend_id",
                rs -> rs.getString(1), appId, userId);
    }

    /** Makes a and b friends; true when they were not friends before. */
    public boolean add(Connection c, String appId, String a, String b, long now) {
        Database.touched(appId, a);
        Database.touched(appId, b);
        boolean created = insert(c, appId, a, b, now);
        insert(c, appId, b, a, now);
        return created;
    }

    /** Ends the friendship of a and b; true when they were friends. */
    public boolean remove(Connection c, String appId, String a, String b) {
        Database.touched(appId, a);
        Database.touched(appId, b);
        int n = Sql.update(c, "DELETE FROM friends WHERE app_id = ? AND user_id = ? AND friend_id = ?", appId, a, b);
        Sql.update(c, "DELETE FROM friends WHERE app_id = ? AND user_id = ? AND friend_id = ?", appId, b, a);
        return n == 1;
    }

    private static boolean insert(Connection c, String appId, String user, String friend, long now) {
        return Sql.update(c, "INSERT INTO friends (app_id, user_id, friend_id, created_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (app_id, user_id, friend_id) DO NOTHING", appId, user, friend, now) == 1;
    }
}
