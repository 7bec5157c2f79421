package io.accolade.store;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Counter deltas of a group-committed transaction (see {@code service.GroupCommit}), summed while its units of work
 * run and written once before the commit. The shared rows are then locked once per transaction instead of once
 * per event, and always in the order single transactions lock them: the users counter, then streak lengths, then
 * the other counters, each sorted and in one slot, so that two transactions never wait on each other in a cycle.
 */
public final class DeferredCounts {
    private static final ThreadLocal<DeferredCounts> CURRENT = new ThreadLocal<>();

    private final TreeMap<String, TreeMap<String, Long>> users = new TreeMap<>();
    private final TreeMap<String, TreeMap<Integer, Long>> lengths = new TreeMap<>();
    private final TreeMap<String, TreeMap<String, Long>> counters = new TreeMap<>();

    private DeferredCounts() {
    }

    /** Starts deferring on this thread; the caller must {@link #end()} in a finally block. */
    public static DeferredCounts begin() {
        DeferredCounts d = new DeferredCounts();
        CURRENT.set(d);
        return d;
    }

    public static void end() {
        CURRENT.remove();
    }

    static DeferredCounts current() {
        return CURRENT.get();
    }

    void counter(String appId, String counter, long delta) {
        (CounterStore.USERS.equals(counter) ? users : counters).computeIfAbsent(appId, k -> new TreeMap<>())
                .merge(counter, delta, Long::sum);
    }

    void length(String appId, int length, long delta) {
        lengths.computeIfAbsent(appId, k -> new TreeMap<>()).merge(length, delta, Long::sum);
    }

    /** Writes the summed deltas (in the global lock order) and forgets them. */
    public void flush(Connection c) {
        int slot = ThreadLocalRandom.current().nextInt(CounterStore.SLOTS);
        CounterStore.write(c, rows(users, slot));
        List<Object[]> ls = new ArrayList<>();
        lengths.forEach((app, m) -> m.forEach((len, d) -> {
            if (d != 0) {
                ls.add(new Object[] {app, len, slot % StreakStore.LENGTH_SLOTS, d});
            }
        }));
        StreakStore.writeLengths(c, ls);
        CounterStore.write(c, rows(counters, slot));
        users.clear();
        lengths.clear();
        counters.clear();
    }

    private static List<Object[]> rows(Map<String, TreeMap<String, Long>> byApp, int slot) {
        List<Object[]> out = new ArrayList<>();
        byApp.forEach((app, m) -> m.forEach((k, d) -> {
            if (d != 0) {
                out.add(new Object[] {app, k, slot, d});
            }
        }));
        return out;
    }
}
