package io.accolade.store;

import io.accolade.domain.NotificationPreferences;
import io.accolade.domain.User;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Users. {@link #lock} is the per-user write lock of the whole engine: every write path calls it (or
 * {@link #insertIfAbsent}) first in its transaction, and on PostgreSQL the UPDATE holds the user's row lock until
 * commit, so writes for one user are serial on every node while writes for different users run in parallel.
 * SQLite has a single writer connection, which serialises all writes anyway.
 */
public final class UserStore {
    private static final String COLUMNS = "user_id, email, name, tz, device_tokens, subscribe_to_emails, attributes, "
            + "control, created_at, updated_at";

    /** The columns {@link #user} reads, qualified by a table alias for joins. */
    static String columns(String alias) {
        return Sql.qualified(alias, COLUMNS);
    }

    /** Locks and returns the user, or empty when there is no such user. */
    public Optional<User> lock(Connection c, String appId, String userId) {
        return lockWithSeq(c, appId, userId).map(Locked::user);
    }

    /**
     * A locked user and the user's {@code write_seq} after the lock's bump. Every write of a user's rows takes this
     * lock first, and a rolled-back write undoes its bump, so a write that sees {@code n} is the n-th committed write
     * of this user, on whatever node, once it commits (what {@code service/LockedRecords} relies on). A user created
     * by {@link #insertIfAbsent} starts at 0.
     */
    public record Locked(User user, long writeSeq) {
    }

    /** {@link #lock}, with the write sequence number the lock gave the user. */
    public Optional<Locked> lockWithSeq(Connection c, String appId, String userId) {
        Database.touched(appId, userId);
        return Sql.one(c, "UPDATE users SET write_seq = write_seq + 1 WHERE app_id = ? AND user_id = ? RETURNING "
                + COLUMNS + ", write_seq", rs -> new Locked(user(rs), rs.getLong("write_seq")), appId, userId);
    }

    /** Inserts the user unless it exists; true when this call created it (and holds its lock). */
    public boolean insertIfAbsent(Connection c, String appId, User u) {
        Database.touched(appId, u.id());
        return Sql.update(c, "INSERT INTO users (app_id, user_id, email, name, tz, device_tokens, "
                        + "subscribe_to_emails, attributes, control, write_seq, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (app_id, user_id) DO NOTHING",
                appId, u.id(), u.email(), u.name(), u.tz(),
                u.deviceTokens() == null ? null : JsonColumns.write(u.deviceTokens()), u.subscribeToEmails(),
                JsonColumns.write(u.attributes()), u.control(), u.created(), u.updated()) == 1;
    }

    public void update(Connection c, String appId, User u) {
        Database.touched(appId, u.id());
        Sql.update(c, "UPDATE users SET email = ?, name = ?, tz = ?, device_tokens = ?, subscribe_to_emails = ?, "
                        + "attributes = ?, updated_at = ? WHERE app_id = ? AND user_id = ?",
                u.email(), u.name(), u.tz(), u.deviceTokens() == null ? null : JsonColumns.write(u.deviceTokens()),
                u.subscribeToEmails(), JsonColumns.write(u.attributes()), u.updated(), appId, u.id());
    }

    public Optional<User> find(Connection c, String appId, String userId) {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM users WHERE app_id = ? AND user_id = ?", UserStore::user,
                appId, userId);
    }

    /** The user's notification preferences (empty when the user does not exist). */
    public Optional<NotificationPreferences> preferences(Connection c, String appId, String userId) {
        return Sql.one(c, "SELECT preferences FROM users WHERE app_id = ? AND user_id = ?", rs -> {
            String json = rs.getString(1);
            if (json == null) {
                return NotificationPreferences.none();
            }
            java.util.Map<String, java.util.List<String>> out = new java.util.TreeMap<>();
            JsonColumns.tree(json).properties().forEach(e -> {
                java.util.List<String> list = new java.util.ArrayList<>();
                e.getValue().forEach(v -> list.add(v.asText()));
                out.put(e.getKey(), java.util.List.copyOf(list));
            });
            return new NotificationPreferences(out);
        }, appId, userId);
    }

    public void savePreferences(Connection c, String appId, String userId, NotificationPreferences p, long now) {
        Database.touched(appId, userId);
        Sql.update(c, "UPDATE users SET preferences = ?, updated_at = ? WHERE app_id = ? AND user_id = ?",
                JsonColumns.write(p.channels()), now, appId, userId);
    }

    /** The users among {@code ids} that exist. */
    public List<User> findAll(Connection c, String appId, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Object[] params = new Object[ids.size() + 1];
        params[0] = appId;
        for (int i = 0; i < ids.size(); i++) {
            params[i + 1] = ids.get(i);
        }
        return Sql.list(c, "SELECT " + COLUMNS + " FROM users WHERE app_id = ? AND user_id IN ("
                + Sql.placeholders(ids.size()) + ")", UserStore::user, params);
    }

    static User user(ResultSet rs) throws SQLException {
        return new User(rs.getString("user_id"), rs.getString("email"), rs.getString("name"), rs.getString("tz"),
                JsonColumns.stringList(rs.getString("device_tokens")), rs.getBoolean("subscribe_to_emails"),
                JsonColumns.stringMap(rs.getString("attributes")), rs.getBoolean("control"),
                rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
