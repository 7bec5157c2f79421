package io.accolade.service;

import io.accolade.domain.Achievement;
import io.accolade.domain.AchievementEngine;
import io.accolade.domain.AttributeFilter;
import io.accolade.domain.Catalog;
import io.accolade.domain.Trigger;
import io.accolade.domain.UserProgress;
import io.accolade.store.Database;
import io.accolade.store.MetricStore;
import io.accolade.store.ProgressStore;
import io.accolade.store.StreakStore;
import io.accolade.store.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Trophy's backdating: when an achievement is created, activated or changed, users who already meet it are completed
 * silently. Runs after the definition is committed, on one background thread of the node that made the change, one
 * small transaction per candidate user under that user's lock (so it interleaves safely with live events). Candidates
 * come from one query per achievement (totals, matching event sums, streak lengths or prerequisite completions), so
 * the work follows the users who qualify. If the node stops mid-way, saving the definition again resumes it: the
 * engine skips users who already have the achievement.
 */
public final class BackfillService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("io.accolade.backfill");

    private final Database db;
    private final Catalogs catalogs;
    private final UserStore users;
    private final ProgressStore progress;
    private final MetricStore metrics;
    private final StreakStore streaks;
    private final ProgressRecorder recorder;
    private final AchievementEngine engine;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("accolade-backfill").factory());

    public BackfillService(Database db, Catalogs catalogs, UserStore users, ProgressStore progress,
                           MetricStore metrics, StreakStore streaks, ProgressRecorder recorder,
                           AchievementEngine engine, Clock clock) {
        this.db = db;
        this.catalogs = catalogs;
        this.users = users;
        this.progress = progress;
        this.metrics = metrics;
        this.streaks = streaks;
        this.recorder = recorder;
        this.engine = engine;
        this.clock = clock;
    }

    /** Queues the backdating of these achievements; returns the number of users it completes. */
    public Future<Integer> schedule(String appId, List<String> achievementKeys) {
        return worker.submit(() -> {
            int completed = 0;
            for (String key : achievementKeys) {
                try {
                    completed += run(appId, key);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "backdating of " + appId + "/" + key + " stopped: " + e.getMessage());
                }
            }
            return completed;
        });
    }

    int run(String appId, String key) {
        Catalog catalog = catalogs.of(appId);
        Achievement a = catalog.achievement(key).orElse(null);
        if (a == null || !a.isActive()) {
            return 0;
        }
        long now = clock.millis();
        Map<String, Double> candidates = db.slowRead(c -> switch (a.trigger()) {
            case Trigger.Metric m when a.eventAttributes().isEmpty() ->
                    metrics.totalsAtLeast(c, appId, m.metricKey(), m.metricValue());
            case Trigger.Metric m -> metrics.matchingSums(c, appId, m.metricKey(), filters(a));
            case Trigger.Streak s -> {
                Map<String, Double> out = new LinkedHashMap<>();
                streaks.aliveAtLeast(c, appId, s.length(), now).forEach((u, len) -> out.put(u, len.doubleValue()));
                yield out;
            }
            case Trigger.Composite comp -> {
                Map<String, Double> out = new LinkedHashMap<>();
                progress.completedAll(c, appId, comp.prerequisites()).forEach(u -> out.put(u, 0.0));
                yield out;
            }
            case Trigger.Api api -> Map.of();
        });
        int completed = 0;
        for (var e : candidates.entrySet()) {
            completed += backfillUser(appId, catalog, a, e.getKey(), e.getValue());
        }
        if (completed > 0) {
            LOG.info(() -> "backdated " + appId + "/" + key + ": " + candidates.size() + " candidates");
        }
        return completed;
    }

    /**
     * One candidate, under the user's lock: completes the achievement if the user meets it. A matching sum becomes
     * the user's progress, so it is read again here, under the lock: events the user sent since the candidates were
     * read (which the live path added to the progress already) are in it, and none is lost.
     */
    int backfillUser(String appId, Catalog catalog, Achievement a, String userId, double candidateMeasure) {
        return db.transaction(c -> {
            var user = users.lock(c, appId, userId);
            if (user.isEmpty()) {
                return 0;
            }
            double measure = a.trigger() instanceof Trigger.Metric m && !a.eventAttributes().isEmpty()
                    ? metrics.matchingSum(c, appId, userId, m.metricKey(), filters(a))
                    : candidateMeasure;
            UserProgress book = new UserProgress(progress.forUser(c, appId, userId));
            engine.backfill(catalog, book, user.get().attributes(), a, measure, clock.millis());
            return recorder.persist(c, appId, userId, book).size();
        });
    }

    private static Map<String, String> filters(Achievement a) {
        Map<String, String> filters = new LinkedHashMap<>();
        a.eventAttributes().forEach((AttributeFilter f) -> filters.put(f.key(), f.value()));
        return filters;
    }

    /** Waits until every queued backdating has run (tests and orderly shutdown). */
    public void awaitIdle(Duration timeout) {
        try {
            worker.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("backdating did not finish within " + timeout, e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
