package io.accolade.store;

import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Metric totals per user, the event log, and idempotency keys of events. */
public final class MetricStore {

    /** Adds {@code value} to the user's total and returns the new total (one statement on both engines). */
    public double addToTotal(Connection c, String appId, String userId, String metricKey, double value, long now) {
        Database.touched(appId, userId);
        return Sql.one(c, "INSERT INTO metric_totals (app_id, user_id, metric_key, total, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (app_id, user_id, metric_key) DO UPDATE SET "
                        + "total = metric_totals.total + excluded.total, updated_at = excluded.updated_at "
                        + "RETURNING total",
                rs -> rs.getDouble(1), appId, userId, metricKey, value, now).orElseThrow();
    }

    public double total(Connection c, String appId, String userId, String metricKey) {
        return Sql.one(c, "SELECT total FROM metric_totals WHERE app_id = ? AND user_id = ? AND metric_key = ?",
                rs -> rs.getDouble(1), appId, userId, metricKey).orElse(0.0);
    }

    public Map<String, Double> totals(Connection c, String appId, String userId) {
        Map<String, Double> out = new HashMap<>();
        Sql.list(c, "SELECT metric_key, total FROM metric_totals WHERE app_id = ? AND user_id = ?", rs -> {
            out.put(rs.getString(1), rs.getDouble(2));
            return null;
        }, appId, userId);
        return out;
    }

    private static final String INSERT_EVENT = "INSERT INTO events (app_id, user_id, event_id, metric_key, value, "
            + "attributes, event_time, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    /** Stores an event; in a group-committed transaction, with the batch's other events before its commit. */
    public void insertEvent(Connection c, String appId, String userId, String eventId, String metricKey,
                            double value, Map<String, String> attributes, long eventTime, long receivedAt) {
        Object[] row = {appId, userId, eventId, metricKey, value,
            attributes == null || attributes.isEmpty() ? null : JsonColumns.write(attributes), eventTime, receivedAt};
        DeferredWrites deferred = DeferredWrites.current();
        if (deferred != null) {
            deferred.event(row);
        } else {
            Sql.update(c, INSERT_EVENT, row);
        }
    }

    /** Event rows of a group-committed transaction (see {@link DeferredWrites}), in one batch. */
    static void writeEvents(Connection c, List<Object[]> rows) {
        Sql.batch(c, INSERT_EVENT, rows);
    }

    /**
     * Claims an idempotency key for an event. Empty when claimed; otherwise the id of the event that claimed it
     * first. On PostgreSQL a concurrent claim of the same key waits for the first transaction and then sees it.
     */
    public Optional<String> claimIdempotencyKey(Connection c, String appId, String userId, String metricKey,
                                                String key, String eventId, long now) {
        int inserted = Sql.update(c, "INSERT INTO idempotency_keys (app_id, user_id, metric_key, idem_key, event_id, "
                + "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (app_id, user_id, metric_key, idem_key) "
                + "DO NOTHING", appId, userId, metricKey, key, eventId, now);
        if (inserted == 1) {
            return Optional.empty();
        }
        return Sql.one(c, "SELECT event_id FROM idempotency_keys WHERE app_id = ? AND user_id = ? AND metric_key = ? "
                + "AND idem_key = ?", rs -> rs.getString(1), appId, userId, metricKey, key);
    }

    public Optional<String> idempotentEvent(Connection c, String appId, String userId, String metricKey, String key) {
        return Sql.one(c, "SELECT event_id FROM idempotency_keys WHERE app_id = ? AND user_id = ? AND metric_key = ? "
                + "AND idem_key = ?", rs -> rs.getString(1), appId, userId, metricKey, key);
    }

    /** Users whose total of the metric is at least {@code min}, with their totals (backdating; scans the app). */
    public Map<String, Double> totalsAtLeast(Connection c, String appId, String metricKey, double min) {
        Map<String, Double> out = new HashMap<>();
        Sql.list(c, "SELECT user_id, total FROM metric_totals WHERE app_id = ? AND metric_key = ? AND total >= ?",
                rs -> out.put(rs.getString(1), rs.getDouble(2)), appId, metricKey, min);
        return out;
    }

    /**
     * Per user, the sum of the metric's events whose attributes hold every {@code key = value} of {@code filters}
     * (backdating of achievements with event-attribute filters; scans the app's events of that metric).
     */
    public Map<String, Double> matchingSums(Connection c, String appId, String metricKey, Map<String, String> filters) {
        return matchingSums(c, appId, null, metricKey, filters);
    }

    /** One user's sum of the metric's events whose attributes match all {@code filters} (0 without any). */
    public double matchingSum(Connection c, String appId, String userId, String metricKey,
                              Map<String, String> filters) {
        return matchingSums(c, appId, userId, metricKey, filters).getOrDefault(userId, 0.0);
    }

    private Map<String, Double> matchingSums(Connection c, String appId, String userId, String metricKey,
                                             Map<String, String> filters) {
        StringBuilder sql = new StringBuilder("SELECT user_id, SUM(value) FROM events WHERE app_id = ? AND metric_key = ?");
        java.util.List<Object> params = new java.util.ArrayList<>(java.util.List.of(appId, metricKey));
        if (userId != null) {
            sql.append(" AND user_id = ?");
            params.add(userId);
        }
        filters.forEach((k, v) -> {
            sql.append(" AND attributes ->> ? = ?");
            params.add(k);
            params.add(v);
        });
        sql.append(" GROUP BY user_id");
        Map<String, Double> out = new HashMap<>();
        Sql.list(c, sql.toString(), rs -> out.put(rs.getString(1), rs.getDouble(2)), params.toArray());
        return out;
    }

    /** The sum of the user's events of the metric before {@code before} (epoch ms). */
    public double sumBefore(Connection c, String appId, String userId, String metricKey, long before) {
        return Sql.one(c, "SELECT COALESCE(SUM(value), 0) FROM events WHERE app_id = ? AND user_id = ? "
                + "AND metric_key = ? AND event_time < ?", rs -> rs.getDouble(1), appId, userId, metricKey, before)
                .orElse(0.0);
    }

    /** The user's events of the metric in {@code [from, to)} (epoch ms), as time and value. */
    public java.util.List<io.accolade.domain.MetricSummary.Event> eventsBetween(Connection c, String appId,
            String userId, String metricKey, long from, long to) {
        return Sql.list(c, "SELECT event_time, value FROM events WHERE app_id = ? AND user_id = ? AND metric_key = ? "
                        + "AND event_time >= ? AND event_time < ?",
                rs -> new io.accolade.domain.MetricSummary.Event(rs.getLong(1), rs.getDouble(2)),
                appId, userId, metricKey, from, to);
    }
}
