package io.accolade.service;

import io.accolade.domain.Achievement;
import io.accolade.domain.Progress;
import io.accolade.domain.UserProgress;
import io.accolade.store.CounterStore;
import io.accolade.store.ProgressStore;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last step of every write that ran the engine, whichever dialect asked: stores the records the engine changed
 * and counts first completions. One place, so that an unlock through Mobage's PUT counts in Trophy's completions
 * and rarity exactly like one through a metric event.
 */
public final class ProgressRecorder {
    private final ProgressStore progress;
    private final CounterStore counters;

    public ProgressRecorder(ProgressStore progress, CounterStore counters) {
        this.progress = progress;
        this.counters = counters;
    }

    /** An achievement with the user's record of it (achievedAt = first unlock). */
    public record Unlocked(Achievement achievement, Progress progress) {
    }

    /**
     * Within the caller's transaction (which holds the user's lock): stores changed records and adds one completion
     * per achievement completed for the first time. Returns those in completion order.
     */
    public List<Unlocked> persist(Connection c, String appId, String userId, UserProgress book) {
        progress.save(c, appId, userId, book.changed());
        List<Unlocked> completed = book.completedNow().stream()
                .map(a -> new Unlocked(a, book.get(a.key()).orElseThrow()))
                .toList();
        Map<String, Long> deltas = new LinkedHashMap<>();
        completed.forEach(u -> deltas.put(CounterStore.completions(u.achievement().key()), 1L));
        counters.add(c, appId, deltas);
        return completed;
    }
}
