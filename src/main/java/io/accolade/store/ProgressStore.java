package io.accolade.store;

import io.accolade.domain.Progress;
import io.accolade.domain.ProgressState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * When the user completed each achievement they completed ({@link Progress#completed}: a first unlock time),
     * by key. Trophy's reads show nothing else of a record (an incomplete achievement's {@code achievedAt} is null),
     * so they read these two columns of the completed records instead of every column of all 100.
     */
    public Map<String, Long> completionsOf(Connection c, String appId, String userId) {
        Map<String, Long> out = new HashMap<>();
        for (Map.Entry<String, Long> e : Sql.list(c, "SELECT ach_key, first_unlocked_at FROM progress "
                        + "WHERE app_id = ? AND user_id = ? AND first_unlocked_at IS NOT NULL",
                rs -> Map.entry(rs.getString(1), rs.getLong(2)), appId, userId)) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** Writes the records a unit of work changed (insert or replace). */
    public void save(Connection c, String appId, String userId, List<Progress> changed) {
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
