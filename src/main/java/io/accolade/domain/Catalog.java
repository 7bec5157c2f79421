package io.accolade.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import io.accolade.domain.streak.StreakSettings;

/**
 * One app's definitions, indexed the way the engine asks for them: achievements of a metric, streak achievements,
 * composites. Immutable; a change of definitions builds a new catalog. {@link #validate()} holds the rules a
 * definition set must satisfy (every metric trigger names a known metric, prerequisites exist and form no cycle).
 */
public final class Catalog {
    private final Map<String, Metric> metrics;
    private final Map<String, Achievement> achievements;
    /** The same in definition order, as a list: read by every list request, so built once. */
    private final List<Achievement> achievementList;
    private final Map<String, List<Achievement>> byMetric;
    private final List<Achievement> streakAchievements;
    private final List<Achievement> composites;
    private final StreakSettings streak;
    /** Views other layers derived from this catalog (see {@link #view}). */
    private final ConcurrentHashMap<View<?>, Object> views = new ConcurrentHashMap<>();

    public Catalog(List<Metric> metrics, List<Achievement> achievements) {
        this(metrics, achievements, StreakSettings.disabled());
    }

    public Catalog(List<Metric> metrics, List<Achievement> achievements, StreakSettings streak) {
        Map<String, Metric> m = new LinkedHashMap<>();
        metrics.stream().sorted(Comparator.comparingLong(Metric::createdAt).thenComparing(Metric::key))
                .forEach(x -> m.put(x.key(), x));
        Map<String, Achievement> a = new LinkedHashMap<>();
        achievements.stream().sorted(Comparator.comparingInt(Achievement::position).thenComparing(Achievement::key))
                .forEach(x -> a.put(x.key(), x));
        Map<String, List<Achievement>> bm = new HashMap<>();
        List<Achievement> streaks = new ArrayList<>();
        List<Achievement> comps = new ArrayList<>();
        for (Achievement x : a.values()) {
            switch (x.trigger()) {
                case Trigger.Metric t -> bm.computeIfAbsent(t.metricKey(), k -> new ArrayList<>()).add(x);
                case Trigger.Streak s -> streaks.add(x);
                case Trigger.Composite c -> comps.add(x);
                case Trigger.Api api -> { }
            }
        }
        this.metrics = Collections.unmodifiableMap(m);
        this.achievements = Collections.unmodifiableMap(a);
        this.achievementList = List.copyOf(a.values());
        this.byMetric = bm;
        this.streakAchievements = List.copyOf(streaks);
        this.composites = List.copyOf(comps);
        this.streak = streak;
    }

    /** The app's streak rules (disabled when never configured). */
    public StreakSettings streak() {
        return streak;
    }

    public Catalog withStreak(StreakSettings s) {
        return new Catalog(List.copyOf(metrics.values()), List.copyOf(achievements.values()), s);
    }

    public static Catalog empty() {
        return new Catalog(List.of(), List.of());
    }

    public Optional<Metric> metric(String key) {
        return Optional.ofNullable(metrics.get(key));
    }

    public Optional<Achievement> achievement(String key) {
        return Optional.ofNullable(achievements.get(key));
    }

    public Optional<Achievement> achievementById(String id) {
        return achievements.values().stream().filter(x -> x.id().equals(id)).findFirst();
    }

    public List<Metric> metrics() {
        return List.copyOf(metrics.values());
    }

    /** In definition order. */
    public List<Achievement> achievements() {
        return achievementList;
    }

    public List<Achievement> achievementsOfMetric(String metricKey) {
        return byMetric.getOrDefault(metricKey, List.of());
    }

    public List<Achievement> streakAchievements() {
        return streakAchievements;
    }

    public List<Achievement> composites() {
        return composites;
    }

    /**
     * A kind of view derived from a catalog by another layer, such as a dialect's serialised definitions or its
     * default order of keys. One constant per kind; views are told apart by identity.
     */
    public static final class View<T> {
        private final String name;
        private final Function<Catalog, T> build;

        public View(String name, Function<Catalog, T> build) {
            this.name = name;
            this.build = build;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * This catalog's view of that kind, built at the first call and kept with the catalog. A catalog is immutable
     * and a change of definitions makes a new one, so a view can never be stale, and it goes when its catalog goes.
     * {@code build} must not ask this catalog for another view (it runs inside the map's update).
     */
    @SuppressWarnings("unchecked")
    public <T> T view(View<T> kind) {
        Object v = views.get(kind);
        return (T) (v != null ? v : views.computeIfAbsent(kind, k -> kind.build.apply(this)));
    }

    /** The next position for a new achievement. */
    public int nextPosition() {
        return achievements.values().stream().mapToInt(Achievement::position).max().orElse(-1) + 1;
    }

    /** A copy with one achievement added or replaced. */
    public Catalog with(Achievement a) {
        Map<String, Achievement> copy = new LinkedHashMap<>(achievements);
        copy.put(a.key(), a);
        return new Catalog(List.copyOf(metrics.values()), List.copyOf(copy.values()), streak);
    }

    public Catalog with(Metric m) {
        Map<String, Metric> copy = new LinkedHashMap<>(metrics);
        copy.put(m.key(), m);
        return new Catalog(List.copyOf(copy.values()), List.copyOf(achievements.values()), streak);
    }

    public Catalog withoutAchievement(String key) {
        Map<String, Achievement> copy = new LinkedHashMap<>(achievements);
        copy.remove(key);
        return new Catalog(List.copyOf(metrics.values()), List.copyOf(copy.values()), streak);
    }

    public Catalog withoutMetric(String key) {
        Map<String, Metric> copy = new LinkedHashMap<>(metrics);
        copy.remove(key);
        return new Catalog(List.copyOf(copy.values()), List.copyOf(achievements.values()), streak);
    }

    /** Achievements that name {@code key} as a prerequisite. */
    public List<String> dependentsOf(String key) {
        return composites.stream()
                .filter(c -> ((Trigger.Composite) c.trigger()).prerequisites().contains(key))
                .map(Achievement::key)
                .toList();
    }

    /**
     * Checks the whole set. Throws {@link Rejection} (UNPROCESSABLE) naming the achievement and field at fault.
     */
    public Catalog validate() {
        for (Achievement a : achievements.values()) {
            String where = "achievements." + a.key();
            switch (a.trigger()) {
                case Trigger.Metric t -> {
                    if (!metrics.containsKey(t.metricKey())) {
                        throw Rejection.unprocessable("'" + where + ".metricKey': unknown metric '" + t.metricKey() + "'");
                    }
                }
                case Trigger.Composite c -> {
                    for (String p : c.prerequisites()) {
                        if (p.equals(a.key())) {
                            throw Rejection.unprocessable("'" + where + ".prerequisites': an achievement cannot require itself");
                        }
                        if (!achievements.containsKey(p)) {
                            throw Rejection.unprocessable("'" + where + ".prerequisites': unknown achievement '" + p + "'");
                        }
                    }
                }
                default -> { }
            }
        }
        for (String m : streak.metrics().keySet()) {
            if (!metrics.containsKey(m)) {
                throw Rejection.unprocessable("'streak.metrics': unknown metric '" + m + "'");
            }
        }
        // Prerequisite cycles: depth-first search with colours.
        Map<String, Integer> colour = new HashMap<>();
        for (String key : achievements.keySet()) {
            List<String> cycle = findCycle(key, colour, new ArrayList<>());
            if (cycle != null) {
                throw Rejection.unprocessable("'achievements." + cycle.getFirst()
                        + ".prerequisites': prerequisite cycle " + String.join(" -> ", cycle));
            }
        }
        return this;
    }

    private List<String> findCycle(String key, Map<String, Integer> colour, List<String> path) {
        Integer c = colour.get(key);
        if (c != null && c == 2) {
            return null;
        }
        if (c != null && c == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(key), path.size()));
            cycle.add(key);
            return cycle;
        }
        colour.put(key, 1);
        path.add(key);
        Achievement a = achievements.get(key);
        if (a != null && a.trigger() instanceof Trigger.Composite comp) {
            for (String p : comp.prerequisites()) {
                List<String> cycle = findCycle(p, colour, path);
                if (cycle != null) {
                    return cycle;
                }
            }
        }
        path.removeLast();
        colour.put(key, 2);
        return null;
    }

    /** Keys of achievements that are visible at all (not inactive). */
    public Set<String> visibleKeys() {
        Set<String> out = new HashSet<>();
        achievements.values().stream().filter(a -> a.status() != AchievementStatus.INACTIVE)
                .forEach(a -> out.add(a.key()));
        return out;
    }
}
