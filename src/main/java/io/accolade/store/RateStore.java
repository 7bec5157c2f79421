package io.accolade.store;

import java.sql.Connection;

/** Token buckets of API keys, in the database so that a limit holds across every node. */
public final class RateStore {

    /**
     * Refills the key's bucket for the time since its last write (at {@code perSecond}, capped at {@code burst}) and
     * takes up to {@code lease} tokens from it: all of them if available, else one, else none. One statement on both
     * engines: SET expressions all read the row's old values, so {@code granted} and {@code tokens} agree.
     *
     * @return the number of tokens granted
     */
    public int lease(Connection c, String appId, String keyId, double perSecond, int burst, int lease, long now) {
        String refilled = "(CASE WHEN rate_buckets.tokens + (? - rate_buckets.updated_at) * ? / 1000.0 > ? THEN ? "
                + "ELSE rate_buckets.tokens + (? - rate_buckets.updated_at) * ? / 1000.0 END)";
        String granted = "(CASE WHEN " + refilled + " >= ? THEN ? WHEN " + refilled + " >= 1 THEN 1 ELSE 0 END)";
        Object[] r = {now, perSecond, (double) burst, (double) burst, now, perSecond};
        java.util.List<Object> params = new java.util.ArrayList<>();
        int first = Math.min(lease, burst);
        // INSERT values: a fresh bucket starts full and grants its first lease.
        params.add(appId);
        params.add(keyId);
        params.add((double) (burst - first));
        params.add(first);
        params.add(now);
        // granted = ...
        params.addAll(java.util.List.of(r));
        params.add((double) lease);
        params.add(lease);
        params.addAll(java.util.List.of(r));
        // tokens = refilled - granted
        params.addAll(java.util.List.of(r));
        params.addAll(java.util.List.of(r));
        params.add((double) lease);
        params.add(lease);
        params.addAll(java.util.List.of(r));
        params.add(now);
        return Sql.one(c, "INSERT INTO rate_buckets (app_id, key_id, tokens, granted, updated_at) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (app_id, key_id) DO UPDATE SET granted = " + granted + ", tokens = " + refilled
                        + " - " + granted + ", updated_at = ? RETURNING granted",
                rs -> rs.getInt(1), params.toArray()).orElse(0);
    }
}
