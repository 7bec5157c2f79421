package io.accolade.store;

import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters that unrelated users update (completions per achievement, users per app). Each counter is split into
 * {@link #SLOTS} rows and a writer adds to a random one, so concurrent unlocks of different users rarely wait on
 * the same row; a read sums the slots, O(slots) per counter and never a scan of users.
 */
public final class CounterStore {
    static final int SLOTS = 16;
    public static final String USERS = "users";

    /** Per app: how many transactions of this node have committed counter changes (see {@link #localVersion}). */
    private final ConcurrentHashMap<String, AtomicLong> versions = new ConcurrentHashMap<>();

    public static String completions(String achievementKey) {
        return "completions:" + achievementKey;
    }

    /**
     * A number that grows whenever a transaction of this node that changed the app's counters has committed. A
     * cached sum read under an older number may miss this node's own changes; other nodes' changes it cannot see.
     */
    public long localVersion(String appId) {
        AtomicLong v = versions.get(appId);
        return v == null ? 0 : v.get();
    }

    /**
     * Adds to several counters. Counters are touched in sorted order so two transactions never lock two slots in
     * opposite orders.
     */
    public void add(Connection c, String appId, Map<String, Long> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        Database.afterCommit(() -> versions.computeIfAbsent(appId, k -> new AtomicLong()).incrementAndGet());
        DeferredWrites deferred = DeferredWrites.current();
        if (deferred != null) {
            deltas.forEach((k, v) -> deferred.counter(appId, k, v));
            return;
        }
        int slot = ThreadLocalRandom.current().nextInt(SLOTS);
        List<Object[]> rows = deltas.entrySet().stream()
                .filter(e -> e.getValue() != 0)
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new Object[] {appId, e.getKey(), slot, e.getValue()})
                .toList();
        write(c, rows);
    }

    /** Rows of (app, counter, slot, delta), in the order given. */
    static void write(Connection c, List<Object[]> rows) {
        Sql.batch(c, "INSERT INTO counters (app_id, counter, slot, value) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (app_id, counter, slot) DO UPDATE SET value = counters.value + excluded.value", rows);
    }

    /** Every counter of the app, summed over slots. */
    public Map<String, Long> all(Connection c, String appId) {
        Map<String, Long> out = new HashMap<>();
        Sql.list(c, "SELECT counter, SUM(value) AS total FROM counters WHERE app_id = ? GROUP BY counter", rs -> {
            out.put(rs.getString("counter"), rs.getLong("total"));
            return null;
        }, appId);
        return out;
    }
}
