package io.accolade.service;

import io.accolade.domain.Achievement;
import io.accolade.domain.Catalog;
import io.accolade.domain.Ids;
import io.accolade.domain.Metric;
import io.accolade.domain.Rejection;
import io.accolade.domain.Trigger;
import io.accolade.store.AppStore;
import io.accolade.store.Database;
import io.accolade.store.DefinitionStore;
import io.accolade.store.StreakStore;
import io.accolade.domain.streak.StreakSettings;
import java.util.Optional;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Definitions of metrics and achievements, one at a time or as a whole document. Every change is validated against
 * the complete resulting set ({@link Catalog#validate()}) inside the transaction that writes it, and bumps the
 * configuration version so every node reloads its cached catalog.
 */
public final class DefinitionService {
    private final Database db;
    private final AppStore apps;
    private final DefinitionStore defs;
    private final StreakStore streaks;
    private final Catalogs catalogs;
    private final BackfillService backfill;
    private final Clock clock;

    public DefinitionService(Database db, AppStore apps, DefinitionStore defs, StreakStore streaks, Catalogs catalogs,
                             BackfillService backfill, Clock clock) {
        this.db = db;
        this.apps = apps;
        this.defs = defs;
        this.streaks = streaks;
        this.catalogs = catalogs;
        this.backfill = backfill;
        this.clock = clock;
    }

    /** A stored definition and whether this call created it. */
    public record Saved<T>(T value, boolean created) {
    }

    public Catalog catalog(String appId) {
        requireApp(appId);
        return catalogs.of(appId);
    }

    public Saved<Metric> putMetric(String appId, Metric draft) {
        Ids.key(draft.key(), "key");
        long now = clock.millis();
        Saved<Metric> saved = inAppTransaction(appId, c -> {
            Catalog current = catalogs.load(c, appId);
            var existing = current.metric(draft.key());
            Metric m = existing
                    .map(e -> new Metric(e.id(), e.key(), draft.name(), draft.units(), draft.archived(), e.createdAt(),
                            sameMetric(e, draft) ? e.updatedAt() : now))
                    .orElseGet(() -> new Metric(UUID.randomUUID().toString(), draft.key(), draft.name(),
                            draft.units(), draft.archived(), now, now));
            defs.upsertMetric(c, appId, m);
            return new Saved<>(m, existing.isEmpty());
        });
        catalogs.changed(appId);
        return saved;
    }

    public void deleteMetric(String appId, String key) {
        inAppTransaction(appId, c -> {
            Catalog current = catalogs.load(c, appId);
            if (current.metric(key).isEmpty()) {
                throw Rejection.notFound("metric '" + Ids.abbreviate(key) + "' not found");
            }
            if (current.streak().metrics().containsKey(key)) {
                throw Rejection.conflict("metric '" + key + "' counts for streaks; remove it from the streak settings first");
            }
            List<String> users = current.achievementsOfMetric(key).stream().map(Achievement::key).toList();
            if (!users.isEmpty()) {
                throw Rejection.conflict("metric '" + key + "' is the trigger of achievements " + users
                        + "; change or delete them first");
            }
            defs.deleteMetric(c, appId, key);
            return null;
        });
        catalogs.changed(appId);
    }

    public Saved<Achievement> putAchievement(String appId, Achievement draft) {
        Ids.key(draft.key(), "key");
        long now = clock.millis();
        Saved<Achievement> saved = inAppTransaction(appId, c -> {
            Catalog current = catalogs.load(c, appId);
            Achievement a = merge(current, draft, now);
            current.with(a).validate();
            storeAchievement(c, appId, current.achievement(a.key()), a, now);
            return new Saved<>(a, current.achievement(draft.key()).isEmpty());
        });
        catalogs.changed(appId);
        if (saved.value().isActive() && saved.value().updatedAt() == now) {
            backfill.schedule(appId, List.of(saved.value().key()));
        }
        return saved;
    }

    /**
     * Stores a created or changed achievement ({@code before}: as it was, empty when new) with what that means for
     * the users' records: a new one starts with none (a write that read the catalog before an earlier achievement of
     * this key was deleted may have left some), and one that counts other events restarts their progress.
     */
    private void storeAchievement(Connection c, String appId, Optional<Achievement> before, Achievement a,
                                  long now) {
        if (before.isEmpty()) {
            defs.deleteRecordsOf(c, appId, a.key());
        }
        defs.upsertAchievement(c, appId, a);
        if (before.filter(b -> countsDifferently(b, a)).isPresent()) {
            defs.restartProgress(c, appId, a.key(), now);
        }
    }

    /**
     * Whether a changed metric achievement counts other events than before (another metric, other event filters,
     * or it was not a metric achievement): then the users' progress on it measures the old events, not the new.
     * A new threshold alone keeps it: the same events count.
     */
    static boolean countsDifferently(Achievement before, Achievement after) {
        return after.trigger() instanceof Trigger.Metric m
                && !(before.trigger() instanceof Trigger.Metric b && b.metricKey().equals(m.metricKey())
                && before.eventAttributes().equals(after.eventAttributes()));
    }

    public void deleteAchievement(String appId, String key) {
        inAppTransaction(appId, c -> {
            Catalog current = catalogs.load(c, appId);
            if (current.achievement(key).isEmpty()) {
                throw Rejection.notFound("achievement '" + Ids.abbreviate(key) + "' not found");
            }
            List<String> dependents = current.dependentsOf(key);
            if (!dependents.isEmpty()) {
                throw Rejection.conflict("achievement '" + key + "' is a prerequisite of " + dependents
                        + "; change or delete them first");
            }
            defs.deleteAchievement(c, appId, key);
            return null;
        });
        catalogs.changed(appId);
    }

    /** Replaces the app's streak rules (validated against its metrics). */
    public StreakSettings putStreak(String appId, StreakSettings settings) {
        long now = clock.millis();
        inAppTransaction(appId, c -> {
            catalogs.load(c, appId).withStreak(settings).validate();
            streaks.putSettings(c, appId, settings, now);
            return null;
        });
        catalogs.changed(appId);
        return settings;
    }

    /** What an import changed, per kind. */
    public record ImportSummary(List<String> created, List<String> updated, List<String> unchanged,
                                List<String> deleted) {
    }

    public record ImportResult(ImportSummary metrics, ImportSummary achievements) {
    }

    /**
     * Applies a whole definition document in one transaction: listed definitions are created or updated (in the
     * document's order when it lists them all; a partial document leaves the others' order as it is and adds new
     * ones at the end); with {@code prune}, definitions missing from the document are deleted with their progress.
     * Nothing is written unless the resulting set is valid.
     */
    public ImportResult importAll(String appId, List<Metric> metricDrafts, List<Achievement> achievementDrafts,
                                  Optional<StreakSettings> streak, boolean prune) {
        long now = clock.millis();
        checkUnique(metricDrafts.stream().map(Metric::key).toList(), "metrics");
        checkUnique(achievementDrafts.stream().map(Achievement::key).toList(), "achievements");
        ImportResult result = inAppTransaction(appId, c -> {
            Catalog current = catalogs.load(c, appId);
            Catalog next = current;
            var mSum = new Summary();
            for (Metric d : metricDrafts) {
                var existing = current.metric(d.key());
                if (existing.isPresent() && sameMetric(existing.get(), d)) {
                    mSum.unchanged.add(d.key());
                    continue;
                }
                Metric m = existing.map(e -> new Metric(e.id(), e.key(), d.name(), d.units(), d.archived(),
                                e.createdAt(), now))
                        .orElseGet(() -> new Metric(UUID.randomUUID().toString(), d.key(), d.name(), d.units(),
                                d.archived(), now, now));
                (existing.isPresent() ? mSum.updated : mSum.created).add(d.key());
                next = next.with(m);
            }
            var aSum = new Summary();
            // A document that lists every achievement (or prunes the others) sets their order; a partial one leaves
            // the order of what it does not list as it is: listed achievements keep their places, new ones follow.
            Set<String> listed = new LinkedHashSet<>(achievementDrafts.stream().map(Achievement::key).toList());
            boolean ordersAll = prune || current.achievements().stream().allMatch(a -> listed.contains(a.key()));
            int position = 0;
            for (Achievement d : achievementDrafts) {
                var existing = current.achievement(d.key());
                Achievement a = merge(next, d.withPosition(ordersAll ? position++ : -1), now);
                if (existing.isPresent() && a.equals(existing.get())) {
                    aSum.unchanged.add(d.key());
                    continue;
                }
                (existing.isPresent() ? aSum.updated : aSum.created).add(d.key());
                next = next.with(a);
            }
            if (prune) {
                Set<String> keepA = new LinkedHashSet<>(achievementDrafts.stream().map(Achievement::key).toList());
                for (Achievement a : current.achievements()) {
                    if (!keepA.contains(a.key())) {
                        next = next.withoutAchievement(a.key());
                        aSum.deleted.add(a.key());
                    }
                }
                Set<String> keepM = new LinkedHashSet<>(metricDrafts.stream().map(Metric::key).toList());
                for (Metric m : current.metrics()) {
                    if (!keepM.contains(m.key())) {
                        next = next.withoutMetric(m.key());
                        mSum.deleted.add(m.key());
                    }
                }
            }
            if (streak.isPresent()) {
                next = next.withStreak(streak.get());
            }
            next.validate();
            if (streak.isPresent()) {
                streaks.putSettings(c, appId, streak.get(), now);
            }
            for (String k : aSum.deleted) {
                defs.deleteAchievement(c, appId, k);
            }
            for (String k : mSum.deleted) {
                defs.deleteMetric(c, appId, k);
            }
            for (String k : concat(mSum.created, mSum.updated)) {
                defs.upsertMetric(c, appId, next.metric(k).orElseThrow());
            }
            for (String k : concat(aSum.created, aSum.updated)) {
                storeAchievement(c, appId, current.achievement(k), next.achievement(k).orElseThrow(), now);
            }
            return new ImportResult(mSum.done(), aSum.done());
        });
        catalogs.changed(appId);
        backfill.schedule(appId, concat(result.achievements().created(), result.achievements().updated()));
        return result;
    }

    private static final class Summary {
        final List<String> created = new ArrayList<>();
        final List<String> updated = new ArrayList<>();
        final List<String> unchanged = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();

        ImportSummary done() {
            return new ImportSummary(created, updated, unchanged, deleted);
        }
    }

    /** A draft with the identity, position and times of the stored definition it replaces (or new ones). */
    private static Achievement merge(Catalog current, Achievement draft, long now) {
        return current.achievement(draft.key())
                .map(e -> {
                    Achievement positioned = draft.withPosition(draft.position() >= 0 ? draft.position() : e.position());
                    Achievement same = positioned.withTimes(e.id(), e.createdAt(), e.updatedAt());
                    return same.equals(e) ? e : positioned.withTimes(e.id(), e.createdAt(), now);
                })
                .orElseGet(() -> draft.withPosition(draft.position() >= 0 ? draft.position() : current.nextPosition())
                        .withTimes(UUID.randomUUID().toString(), now, now));
    }

    private static boolean sameMetric(Metric a, Metric b) {
        return java.util.Objects.equals(a.name(), b.name()) && java.util.Objects.equals(a.units(), b.units())
                && a.archived() == b.archived();
    }

    private static void checkUnique(List<String> keys, String what) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (String k : keys) {
            if (seen.merge(k, 1, Integer::sum) > 1) {
                throw Rejection.invalid("'" + what + "': key '" + k + "' appears more than once");
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private void requireApp(String appId) {
        if (db.read(c -> apps.findApp(c, appId)).isEmpty()) {
            throw Rejection.notFound("app '" + Ids.abbreviate(appId) + "' not found");
        }
    }

    /**
     * A definition write: the app must exist; bumping the version first also serialises concurrent definition
     * writes (on PostgreSQL they queue on the version row).
     */
    private <T> T inAppTransaction(String appId, Database.Work<T> work) {
        return db.transaction(c -> {
            apps.bumpConfigVersion(c);
            if (apps.findApp(c, appId).isEmpty()) {
                throw Rejection.notFound("app '" + Ids.abbreviate(appId) + "' not found");
            }
            return work.run(c);
        });
    }
}
