package io.accolade.service;

import io.accolade.domain.Achievement;
import io.accolade.domain.AchievementEngine;
import io.accolade.domain.AchievementStatus;
import io.accolade.domain.Catalog;
import io.accolade.domain.Ids;
import io.accolade.domain.Metric;
import io.accolade.domain.Progress;
import io.accolade.domain.Rejection;
import io.accolade.domain.StreakView;
import io.accolade.domain.User;
import io.accolade.domain.UserProgress;
import io.accolade.service.ProgressRecorder.Unlocked;
import io.accolade.store.Database;
import io.accolade.store.MetricStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The write paths of Trophy's dialect: metric events and completions. Each runs in one transaction that starts by
 * locking the user (see {@link UserService#lockOrCreate}), so concurrent events for one user are applied one after
 * the other and none is lost; an unlock is decided under that lock, so it happens exactly once.
 */
public final class EventService {
    /** How far an event's timestamp may lie ahead of the server clock (client clock skew). */
    static final Duration FUTURE_SKEW = Duration.ofMinutes(5);

    private final Database db;
    private final Catalogs catalogs;
    private final UserService users;
    private final MetricStore metrics;
    private final LockedRecords records;
    private final ProgressRecorder recorder;
    private final StreakService streaks;
    private final AchievementEngine engine;
    private final Clock clock;
    private final Duration lateWindow;
    private volatile GroupCommit groupCommit;

    /** Metric events without an idempotency key then share transactions with concurrent ones (null: off). */
    public EventService withGroupCommit(GroupCommit g) {
        this.groupCommit = g;
        return this;
    }

    public EventService(Database db, Catalogs catalogs, UserService users, MetricStore metrics,
                        LockedRecords records, ProgressRecorder recorder, StreakService streaks,
                        AchievementEngine engine, Clock clock, Duration lateWindow) {
        this.db = db;
        this.catalogs = catalogs;
        this.users = users;
        this.metrics = metrics;
        this.records = records;
        this.recorder = recorder;
        this.streaks = streaks;
        this.engine = engine;
        this.clock = clock;
        this.lateWindow = lateWindow;
    }

    public record EventResult(String eventId, Metric metric, double total, List<Unlocked> completed,
                              StreakView streak, String idempotencyKey, boolean replayed) {
    }

    /** A metric event as received. */
    public record MetricEvent(String metricKey, String userId, User.Patch user, double value,
                              Map<String, String> attributes, Optional<Instant> timestamp,
                              Optional<String> idempotencyKey) {
    }

    /** Thrown inside the transaction to roll back everything when the idempotency key was seen before. */
    private static final class Replay extends RuntimeException {
        final String eventId;

        Replay(String eventId) {
            super(null, null, false, false);
            this.eventId = eventId;
        }
    }

    public EventResult record(String appId, MetricEvent e) {
        Ids.userId(e.userId(), "user.id");
        e.user().validate("user.");
        User.validateAttributes(e.attributes(), "attributes");
        Catalog catalog = catalogs.of(appId);
        Metric metric = catalog.metric(e.metricKey())
                .orElseThrow(() -> Rejection.metricNotFound(e.metricKey()));
        e.idempotencyKey().ifPresent(k -> {
            if (k.isEmpty() || k.length() > 255) {
                throw Rejection.invalid("'Idempotency-Key' must be 1-255 characters");
            }
        });
        long now = clock.millis();
        long eventTime;
        try {
            if (metric.archived()) {
                throw Rejection.unprocessable("metric '" + metric.key() + "' is archived and takes no events");
            }
            eventTime = eventTime(e.timestamp(), now);
        } catch (Rejection refused) {
            // A retry of an event that was accepted is a replay, even once its timestamp has left the late-event
            // window or its metric was archived since: the client must learn that it counted, not that it failed.
            if (e.idempotencyKey().isPresent()) {
                Optional<String> earlier = db.read(c -> metrics.idempotentEvent(c, appId, e.userId(), metric.key(),
                        e.idempotencyKey().get()));
                if (earlier.isPresent()) {
                    return replay(appId, e, metric, catalog, earlier.get());
                }
            }
            throw refused;
        }
        String eventId = UUID.randomUUID().toString();
        try {
            Database.Work<EventResult> work = c -> {
                var identified = users.lockOrCreate(c, appId, e.userId(), e.user(), now);
                if (e.idempotencyKey().isPresent()) {
                    Optional<String> earlier = metrics.claimIdempotencyKey(c, appId, e.userId(), metric.key(),
                            e.idempotencyKey().get(), eventId, now);
                    if (earlier.isPresent()) {
                        throw new Replay(earlier.get());
                    }
                }
                double total = metrics.addToTotal(c, appId, e.userId(), metric.key(), e.value(), now);
                metrics.insertEvent(c, appId, e.userId(), eventId, metric.key(), e.value(), e.attributes(),
                        eventTime, now);
                LockedRecords.Write write = records.start(c, appId, e.userId(), identified.writeSeq(), catalog);
                Map<String, String> attrs = identified.user().attributes();
                engine.onMetricEvent(catalog, write.book(), attrs, metric.key(), e.value(), total, e.attributes(),
                        now);
                StreakView streak = streaks.onEvent(c, appId, identified.user(), catalog, write, metric.key(),
                        e.value(), eventTime, now);
                List<Unlocked> completed = recorder.persist(c, appId, e.userId(), write.book());
                write.keepAfterCommit();
                return new EventResult(eventId, metric, total, completed, streak, e.idempotencyKey().orElse(null),
                        false);
            };
            // Events with an idempotency key may turn out to be replays, which roll back: they run alone.
            return groupCommit != null && e.idempotencyKey().isEmpty()
                    ? groupCommit.run(appId, e.userId(), work)
                    : db.transaction(work);
        } catch (Replay replay) {
            return replay(appId, e, metric, catalog, replay.eventId);
        }
    }

    /** A replay: nothing of this request is written; the answer is the current state, as Trophy's. */
    private EventResult replay(String appId, MetricEvent e, Metric metric, Catalog catalog, String eventId) {
        return db.read(c -> {
            double total = metrics.total(c, appId, e.userId(), metric.key());
            StreakView streak = streaks.current(c, appId, e.userId(), catalog.streak()).asExtended(false);
            return new EventResult(eventId, metric, total, List.of(), streak, e.idempotencyKey().orElse(null), true);
        });
    }

    /** A completion: the result for the requested achievement, plus every achievement this call completed. */
    public record CompletionResult(Unlocked achievement, List<Unlocked> completed, boolean created) {
    }

    public CompletionResult complete(String appId, String achievementKey, String userId, User.Patch patch) {
        Ids.userId(userId, "user.id");
        patch.validate("user.");
        Catalog catalog = catalogs.of(appId);
        Achievement a = catalog.achievement(achievementKey)
                .filter(x -> x.status() != AchievementStatus.INACTIVE)
                .orElseThrow(() -> Rejection.achievementNotFound(achievementKey));
        long now = clock.millis();
        return db.transaction(c -> {
            var identified = users.lockOrCreate(c, appId, userId, patch, now);
            LockedRecords.Write write = records.start(c, appId, userId, identified.writeSeq(), catalog);
            UserProgress book = write.book();
            boolean created = engine.complete(catalog, book, identified.user().attributes(), a, now);
            List<Unlocked> completed = recorder.persist(c, appId, userId, book);
            write.keepAfterCommit(); // the streak stays as it was
            Progress mine = book.get(a.key()).orElseThrow();
            return new CompletionResult(new Unlocked(a, mine), completed, created);
        });
    }

    /** The event's time: now, or a client timestamp inside [now - late window, now + skew]. */
    long eventTime(Optional<Instant> timestamp, long now) {
        if (timestamp.isEmpty()) {
            return now;
        }
        // Compared as instants: a year like -999999999 has no epoch milliseconds (toEpochMilli overflows).
        Instant t = timestamp.get();
        if (t.isAfter(Instant.ofEpochMilli(now).plus(FUTURE_SKEW))) {
            throw Rejection.unprocessable("'timestamp' lies in the future (more than " + FUTURE_SKEW.toMinutes()
                    + " minutes ahead of the server clock)");
        }
        if (t.isBefore(Instant.ofEpochMilli(now).minus(lateWindow))) {
            throw Rejection.unprocessable("'timestamp' is older than the late-event window of "
                    + lateWindow.toDays() + " days (ACCOLADE_LATE_EVENT_WINDOW)");
        }
        return t.toEpochMilli();
    }
}
