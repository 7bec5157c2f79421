package io.accolade.store;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes of a group-committed transaction (see {@code service.GroupCommit}) that none of its units reads back, kept
 * while the units run and written once before the commit:
 * <ul>
 *   <li>counter deltas, summed: the shared rows are then locked once per transaction instead of once per event, and
 *   always in the order single transactions lock them: the users counter, then streak lengths, then the other
 *   counters, each sorted and in one slot, so that two transactions never wait on each other in a cycle;</li>
 *   <li>event rows, inserted by one batch (on PostgreSQL one multi-row INSERT) instead of one statement per event.
 *   Nothing on an event's write path reads the events table; its reads (event summaries, backfills) run in other
 *   transactions, which see the rows when the batch commits, as they would have.</li>
 * </ul>
 */
public final class DeferredWrites {
    private static final ThreadLocal<DeferredWrites> CURRENT = new ThreadLocal<>();

    private final TreeMap<String, TreeMap<String, Long>> users = new TreeMap<>();
    private final TreeMap<String, TreeMap<Integer, Long>> lengths = new TreeMap<>();
    private final TreeMap<String, TreeMap<String, Long>> counters = new TreeMap<>();
    private final List<Object[]> events = new ArrayList<>();

    private DeferredWrites() {
    }

    /** Starts deferring on this thread; the caller must {@link #end()} in a finally block. */
    public static DeferredWrites begin() {
        DeferredWrites d = new DeferredWrites();
        CURRENT.set(d);
        return d;
    }

    public static void end() {
        CURRENT.remove();
    }

    static DeferredWrites current() {
        return CURRENT.get();
    }

    void counter(String appId, String counter, long delta) {
        (CounterStore.USERS.equals(counter) ? users : counters).computeIfAbsent(appId, k -> new TreeMap<>())
                .merge(counter, delta, Long::sum);
    }

    void length(String appId, int length, long delta) {
        lengths.computeIfAbsent(appId, k -> new TreeMap<>()).merge(length, delta, Long::sum);
    }

    void event(Object[] row) {
        events.add(row);
    }

    /** Writes the events, then the summed deltas (in the global lock order), and forgets them. */
    public void flush(Connection c) {
        MetricStore.writeEvents(c, events);
        events.clear();
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
