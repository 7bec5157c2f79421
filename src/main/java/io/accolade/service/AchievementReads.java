package io.accolade.service;

import io.accolade.domain.Achievement;
import io.accolade.domain.AchievementStatus;
import io.accolade.domain.AttributeFilter;
import io.accolade.domain.Catalog;
import io.accolade.domain.Ids;
import io.accolade.domain.Metric;
import io.accolade.domain.MetricSummary;
import io.accolade.domain.streak.Frequency;
import io.accolade.domain.Rejection;
import io.accolade.domain.User;
import io.accolade.store.CounterStore;
import io.accolade.store.Database;
import io.accolade.store.MetricStore;
import io.accolade.store.ProgressStore;
import io.accolade.store.UserCache;
import io.accolade.store.UserStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Trophy's reads of achievements and metrics. Completions and rarity come from the counters the engine keeps, so
 * a read costs O(definitions), never a scan of users.
 *
 * <p>The summed counters are app-wide statistics, not per-user state, and summing 16 slots per achievement is most of
 * the database work of {@code GET /achievements}: each node keeps the last sum per app for at most
 * {@link #STATS_MAX_AGE_NANOS}. It is read again at once when this node has committed a counter change since (a
 * client sees its own unlocks in the next read) or when the definitions changed; another node's unlocks show up
 * within that second. The counters themselves are never cached, so they cannot drift.
 */
public final class AchievementReads {
    private final Database db;
    private final Catalogs catalogs;
    private final UserStore users;
    private final ProgressStore progress;
    private final MetricStore metrics;
    private final CounterStore counters;
    /**
     * Each user with their completions, as {@code GET /users/{id}/achievements} reads them; served only while no
     * write of the user has ended on any node since (see {@link UserCache}).
     */
    private final UserCache<ProgressStore.UserCompletions> completions;

    /** How long a node may answer completions and rarity from its last sum of the counters. */
    static final long STATS_MAX_AGE_NANOS = 1_000_000_000L;

    /** Per app: the last sum of the counters with the catalog it was read under, one read at a time. */
    private final AppWideRead<Snapshot> snapshots = new AppWideRead<>(STATS_MAX_AGE_NANOS);

    public AchievementReads(Database db, Catalogs catalogs, UserStore users, ProgressStore progress,
                            MetricStore metrics, CounterStore counters,
                            UserCache<ProgressStore.UserCompletions> completions) {
        this.db = db;
        this.catalogs = catalogs;
        this.users = users;
        this.progress = progress;
        this.metrics = metrics;
        this.counters = counters;
        this.completions = completions;
    }

    /**
     * An achievement with its global statistics and, when a user is asked about, when that user completed it (null:
     * not completed, or no user asked about).
     */
    public record Stat(Achievement achievement, long completions, double rarity, Long achievedAt) {
    }

    /** Completions and rarity of the app's achievements. */
    public record Stats(Map<String, Long> completions, long users) {
        public long completions(String key) {
            return completions.getOrDefault(key, 0L);
        }

        /** Percentage of the app's users who completed it, two decimals. */
        public double rarity(String key) {
            if (users <= 0) {
                return 0;
            }
            return Math.round(10_000.0 * completions(key) / users) / 100.0;
        }
    }

    /**
     * The app's definitions and the counters' sums (at most a second old, with every change this node has
     * committed). A snapshot is immutable, and a new one is a new object: callers may cache what they derive from
     * it for as long as {@link #snapshot} returns the same instance.
     */
    public record Snapshot(Catalog catalog, Stats stats) {
    }

    public Snapshot snapshot(String appId) {
        return snapshot(appId, catalogs.of(appId));
    }

    /**
     * The snapshot under this catalog: the kept sum while it is younger than a second and this node has committed
     * no change of a counter since it was read, else a new sum (see {@link AppWideRead}: one read at a time).
     */
    private Snapshot snapshot(String appId, Catalog catalog) {
        return snapshots.get(appId, new AppWideRead.Basis(catalog, counters.localVersion(appId)), s -> true,
                () -> new Snapshot(catalog, db.read(c -> sumCounters(c, appId))));
    }

    private Stats sumCounters(java.sql.Connection c, String appId) {
        Map<String, Long> all = counters.all(c, appId);
        Map<String, Long> completions = new HashMap<>();
        String prefix = CounterStore.completions("");
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                completions.put(k.substring(prefix.length()), v);
            }
        });
        return new Stats(completions, all.getOrDefault(CounterStore.USERS, 0L));
    }

    /** GET /achievements: active achievements (those a user with {@code userAttributes} could earn, if given). */
    public List<Stat> all(Snapshot snapshot, Map<String, String> userAttributes) {
        Catalog catalog = snapshot.catalog();
        Stats stats = snapshot.stats();
        List<Stat> out = new ArrayList<>(catalog.achievements().size());
        for (Achievement a : catalog.achievements()) {
            if (!a.isActive()) {
                continue;
            }
            if (userAttributes != null && !AttributeFilter.allMatch(a.userAttributes(), userAttributes)) {
                continue;
            }
            out.add(new Stat(a, stats.completions(a.key()), stats.rarity(a.key()), null));
        }
        return out;
    }

    /**
     * GET /users/{id}/achievements: the user's completed achievements (locked ones included: the user has them);
     * with {@code includeIncomplete}, also the active ones the user can still earn, with no achievedAt.
     */
    public List<Stat> ofUser(String appId, String userId, boolean includeIncomplete) {
        Catalog catalog = catalogs.of(appId);
        requireUserId(userId);
        // The user with their completions from memory while no write of theirs has ended since (UserCache), else
        // from the database.
        ProgressStore.UserCompletions mine = completions.get(appId, userId,
                () -> db.read(c -> requireUserCompletions(c, appId, userId)));
        User user = mine.user();
        Stats stats = snapshot(appId, catalog).stats();
        List<Stat> out = new ArrayList<>();
        for (Achievement a : catalog.achievements()) {
            Long achievedAt = mine.completed().get(a.key());
            boolean completed = achievedAt != null;
            boolean show = a.status() != AchievementStatus.INACTIVE
                    && (completed || (includeIncomplete && a.isActive() && a.accessibleTo(user.attributes())));
            if (show) {
                out.add(new Stat(a, stats.completions(a.key()), stats.rarity(a.key()), achievedAt));
            }
        }
        return out;
    }

    /** A metric with the user's total and the user's progress on each of its achievements. */
    public record MetricProgress(Metric metric, double current, List<Stat> achievements) {
    }

    public List<MetricProgress> metricsOfUser(String appId, String userId) {
        Catalog catalog = catalogs.of(appId);
        requireUserId(userId);
        record Loaded(Map<String, Long> completed, Map<String, Double> totals) {
        }
        Loaded l = db.read(c -> new Loaded(requireUserCompletions(c, appId, userId).completed(),
                metrics.totals(c, appId, userId)));
        List<MetricProgress> out = new ArrayList<>();
        for (Metric m : catalog.metrics()) {
            if (!m.archived()) {
                out.add(metricProgress(catalog, m, l.totals().getOrDefault(m.key(), 0.0), l.completed()));
            }
        }
        return out;
    }

    public MetricProgress metricOfUser(String appId, String userId, String metricKey) {
        Catalog catalog = catalogs.of(appId);
        Metric m = catalog.metric(metricKey)
                .orElseThrow(() -> Rejection.metricNotFound(metricKey));
        requireUserId(userId);
        record Loaded(Map<String, Long> completed, double total) {
        }
        Loaded l = db.read(c -> new Loaded(requireUserCompletions(c, appId, userId).completed(),
                metrics.total(c, appId, userId, metricKey)));
        return metricProgress(catalog, m, l.total(), l.completed());
    }

    /** GET /users/{id}/metrics/{key}/event-summary: the metric per day, week or month of the user's zone. */
    public List<MetricSummary.Bucket> eventSummary(String appId, String userId, String metricKey, Frequency f,
                                                   java.time.LocalDate start, java.time.LocalDate end) {
        Catalog catalog = catalogs.of(appId);
        catalog.metric(metricKey).orElseThrow(() -> Rejection.metricNotFound(metricKey));
        var ws = catalog.streak().weekStart();
        return db.read(c -> {
            User user = requireUser(c, appId, userId);
            java.time.ZoneId zone = user.zone();
            long from = MetricSummary.firstInstant(f, ws, zone, start).toEpochMilli();
            long to = f.periodOf(end, ws).endInstant(zone).toEpochMilli();
            double before = metrics.sumBefore(c, appId, userId, metricKey, from);
            return MetricSummary.buckets(f, ws, zone, start, end, before,
                    metrics.eventsBetween(c, appId, userId, metricKey, from, to));
        });
    }

    private MetricProgress metricProgress(Catalog catalog, Metric m, double total, Map<String, Long> completed) {
        List<Stat> list = new ArrayList<>();
        for (Achievement a : catalog.achievementsOfMetric(m.key())) {
            Long achievedAt = completed.get(a.key());
            if (a.isActive() || (achievedAt != null && a.status() == AchievementStatus.LOCKED)) {
                list.add(new Stat(a, 0, 0, achievedAt));
            }
        }
        return new MetricProgress(m, total, list);
    }

    private static void requireUserId(String userId) {
        if (!Ids.isUserId(userId)) {
            throw Rejection.userNotFound(userId);
        }
    }

    private ProgressStore.UserCompletions requireUserCompletions(java.sql.Connection c, String appId, String userId) {
        return progress.completionsWithUser(c, appId, userId)
                .orElseThrow(() -> Rejection.userNotFound(userId));
    }

    private User requireUser(java.sql.Connection c, String appId, String userId) {
        return users.find(c, appId, userId)
                .orElseThrow(() -> Rejection.userNotFound(userId));
    }
}
