package io.accolade.store;

import io.accolade.domain.Progress;
import io.accolade.domain.ProgressState;
import io.accolade.domain.User;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Progress records: one per (app, user, achievement), whichever dialect wrote it. */
public final class ProgressStore {
    /**
     * The columns {@link #progress} reads, by position (a lookup by name per column and row showed up in profiles).
     * One user's read leaves out {@code user_id}: it would decode the same string for each of the user's records.
     */
    private static final String RECORD_COLUMNS = "ach_key, state, steps, metric_progress, unlock_count, "
            + "first_unlocked_at, last_unlocked_at, completion_id, created_at, updated_at";
    /** The columns {@link #row} reads: the user, then a record. */
    private static final String COLUMNS = "user_id, " + RECORD_COLUMNS;

    /** A progress record with the user it belongs to (Mobage reads several users at once). */
    public record Row(String userId, Progress progress) {
    }

    public List<Progress> forUser(Connection c, String appId, String userId) {
        return Sql.list(c, "SELECT " + RECORD_COLUMNS + " FROM progress WHERE app_id = ? AND user_id = ?",
                rs -> progress(rs, 1), appId, userId);
    }

    /** A user, and when they completed each achievement they completed, by key. */
    public record UserCompletions(User user, Map<String, Long> completed) {
    }

    /**
     * The user and when they completed each achievement they completed ({@link Progress#completed}: a first unlock
     * time), by key; empty when there is no such user. Trophy's reads of a user show nothing else of a record (an
     * incomplete achievement's {@code achievedAt} is null), so they read these two columns of the completed records
     * instead of every column of all 100, and the user in the same statement: one round trip, not two. The user's
     * columns come with every row of the join and are decoded from the first only.
     */
    public Optional<UserCompletions> completionsWithUser(Connection c, String appId, String userId) {
        Map<String, Long> completed = new HashMap<>();
        User[] user = new User[1];
        Sql.each(c, "SELECT " + UserStore.columns("u") + ", p.ach_key, p.first_unlocked_at FROM users u "
                        + "LEFT JOIN progress p ON p.app_id = u.app_id AND p.user_id = u.user_id "
                        + "AND p.first_unlocked_at IS NOT NULL WHERE u.app_id = ? AND u.user_id = ?",
                rs -> {
                    if (user[0] == null) {
                        user[0] = UserStore.user(rs);
                    }
                    String key = rs.getString("ach_key");   // null: the user has completed nothing
                    if (key != null) {
                        completed.put(key, rs.getLong("first_unlocked_at"));
                    }
                }, appId, userId);
        return user[0] == null ? Optional.empty()
                : Optional.of(new UserCompletions(user[0], java.util.Collections.unmodifiableMap(completed)));
    }

    /** Writes the records a unit of work changed (insert or replace). */
    public void save(Connection c, String appId, String userId, List<Progress> changed) {
        Database.touched(appId, userId);
        List<Object[]> rows = new ArrayList<>(changed.size());
        for (Progress p : changed) {
            rows.add(new Object[] {appId, userId, p.achievementKey(), p.state().name(), p.steps(), p.metricProgress(),
                p.unlockCount(), p.firstUnlockedAt(), p.lastUnlockedAt(), p.completionId(), p.createdAt(),
                p.updatedAt()});
        }
        Sql.batch(c, "INSERT INTO progress (app_id, user_id, ach_key, state, steps, metric_progress, unlock_count, "
                + "first_unlocked_at, last_unlocked_at, completion_id, created_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (app_id, user_id, ach_key) DO UPDATE SET "
                + "state = excluded.state, steps = excluded.steps, metric_progress = excluded.metric_progress, "
                + "unlock_count = excluded.unlock_count, first_unlocked_at = excluded.first_unlocked_at, "
                + "last_unlocked_at = excluded.last_unlocked_at, completion_id = excluded.completion_id, "
                + "updated_at = excluded.updated_at", rows);
    }

    /**
     * Records of several users (and optionally only some achievements, or only those in one state), for Mobage's
     * collection reads. The caller sorts and pages in memory: the set is bounded by users × definitions of one
     * request. The state filter runs here, so that rows in the other states are neither sent nor decoded: a
     * third less server CPU per filtered read on SQLite, a sixth on PostgreSQL (BENCHMARKS.md, sixth round).
     */
    public List<Row> forUsers(Connection c, String appId, List<String> userIds, List<String> achievementKeys,
                              ProgressState state) {
        if (userIds.isEmpty() || achievementKeys != null && achievementKeys.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>();
        params.add(appId);
        params.addAll(userIds);
        String sql = "SELECT " + COLUMNS + " FROM progress WHERE app_id = ? AND user_id IN ("
                + Sql.placeholders(userIds.size()) + ")";
        if (achievementKeys != null) {
            sql += " AND ach_key IN (" + Sql.placeholders(achievementKeys.size()) + ")";
            params.addAll(achievementKeys);
        }
        if (state != null) {
            sql += " AND state = ?";
            params.add(state.name());
        }
        return Sql.list(c, sql, ProgressStore::row, params.toArray());
    }

    /**
     * One user's records as {@link #forUsers} reads them, and whether the user exists, in one statement (Mobage's
     * {@code @self} read of one user, a 404 for an unknown user): empty when there is no such user.
     */
    public Optional<List<Row>> forUserIfKnown(Connection c, String appId, String userId,
                                              List<String> achievementKeys, ProgressState state) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT u.user_id, ")
                .append(Sql.qualified("p", RECORD_COLUMNS))
                .append(" FROM users u LEFT JOIN progress p ON p.app_id = u.app_id AND p.user_id = u.user_id");
        if (achievementKeys != null) {
            // No keys asked: the join matches nothing, which still tells whether the user exists.
            sql.append(achievementKeys.isEmpty() ? " AND 1 = 0" : " AND p.ach_key IN ("
                    + Sql.placeholders(achievementKeys.size()) + ")");
            params.addAll(achievementKeys);
        }
        if (state != null) {
            sql.append(" AND p.state = ?");
            params.add(state.name());
        }
        sql.append(" WHERE u.app_id = ? AND u.user_id = ?");
        params.add(appId);
        params.add(userId);
        boolean[] known = new boolean[1];
        List<Row> rows = new ArrayList<>();
        Sql.each(c, sql.toString(), rs -> {
            known[0] = true;
            if (rs.getString(2) != null) {   // null ach_key: the user has no record that matches
                rows.add(row(rs));
            }
        }, params.toArray());
        return known[0] ? Optional.of(rows) : Optional.empty();
    }

    /**
     * Records of the friends of {@code userIds} for {@code achievementKeys} (Mobage's {@code @friends}), only those
     * in {@code state} when it is not null. The friend ids come from a subquery, so a user with many friends costs
     * no bind parameters, and a friend of two of the users is read once.
     */
    public List<Row> forFriendsOf(Connection c, String appId, List<String> userIds, List<String> achievementKeys,
                                  ProgressState state) {
        if (userIds.isEmpty() || achievementKeys.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>();
        params.add(appId);
        params.add(appId);
        params.addAll(userIds);
        params.addAll(achievementKeys);
        String sql = "SELECT " + COLUMNS + " FROM progress WHERE app_id = ? AND user_id IN ("
                + "SELECT friend_id FROM friends WHERE app_id = ? AND user_id IN (" + Sql.placeholders(userIds.size())
                + ")) AND ach_key IN (" + Sql.placeholders(achievementKeys.size()) + ")";
        if (state != null) {
            sql += " AND state = ?";
            params.add(state.name());
        }
        return Sql.list(c, sql, ProgressStore::row, params.toArray());
    }

    /** A row of {@link #COLUMNS}, in that order. */
    static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), progress(rs, 2));
    }

    /** A record of {@link #RECORD_COLUMNS}, in that order, starting at column {@code i}. */
    private static Progress progress(ResultSet rs, int i) throws SQLException {
        return new Progress(rs.getString(i), ProgressState.valueOf(rs.getString(i + 1)), rs.getLong(i + 2),
                rs.getDouble(i + 3), rs.getInt(i + 4), Sql.nullableLong(rs, i + 5), Sql.nullableLong(rs, i + 6),
                rs.getString(i + 7), rs.getLong(i + 8), rs.getLong(i + 9));
    }

    /** Users who completed every one of {@code keys} (backdating of composites). */
    public List<String> completedAll(Connection c, String appId, List<String> keys) {
        List<Object> params = new ArrayList<>();
        params.add(appId);
        params.addAll(keys);
        params.add(keys.size());
        return Sql.list(c, "SELECT user_id FROM progress WHERE app_id = ? AND ach_key IN (" + Sql.placeholders(keys.size())
                + ") AND first_unlocked_at IS NOT NULL GROUP BY user_id HAVING COUNT(*) = ?",
                rs -> rs.getString(1), params.toArray());
    }
}
