package io.accolade.service;

import io.accolade.domain.AchievementEngine;
import io.accolade.domain.Catalog;
import io.accolade.domain.Ids;
import io.accolade.domain.Rejection;
import io.accolade.domain.StreakView;
import io.accolade.domain.User;
import io.accolade.domain.UserProgress;
import io.accolade.domain.streak.Frequency;
import io.accolade.domain.streak.Period;
import io.accolade.domain.streak.PeriodRecord;
import io.accolade.domain.streak.StreakRanks;
import io.accolade.domain.streak.StreakSettings;
import io.accolade.domain.streak.StreakState;
import io.accolade.domain.streak.StreakWalk;
import io.accolade.store.Database;
import io.accolade.store.StreakStore;
import io.accolade.store.UserCache;
import io.accolade.store.UserStore;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Streaks: keeps each user's period records and settled state, runs {@link StreakWalk} whenever a streak is written
 * or read, and stores what the walk decided. Loss and freeze use need no request: a read computes them "as of now",
 * and {@link StreakScheduler} stores them for users who do nothing, found through the index on the next decision's
 * instant (never a scan of all users).
 */
public final class StreakService {
    private final Database db;
    private final Catalogs catalogs;
    private final StreakStore store;
    private final UserStore users;
    private final AchievementEngine engine;
    private final Clock clock;
    private final Duration lateWindow;
    /**
     * Each user's streak rows as {@link #ofUser} reads them (the walk still runs per read, at that read's now):
     * served only while no write of the user has ended on any node since (see {@link UserCache}).
     */
    private final UserCache<CachedRow> rows;
    /** Per app: the last read of its lengths, for ranks (see {@link #countLonger}), one read at a time. */
    private final AppWideRead<CachedRanks> ranks = new AppWideRead<>(RANKS_MAX_AGE_NANOS);

    /** How long a node may rank from its last read of an app's lengths. */
    static final long RANKS_MAX_AGE_NANOS = 1_000_000_000L;
    /** Beyond this many streaks ending within a read's window, each request counts its rank in the store instead. */
    static final int MAX_ENDING = 10_000;

    /** A user's rows read with period records from {@code floor} on. */
    private record CachedRow(Frequency frequency, LocalDate floor, StreakStore.UserRow found) {
    }

    /** A read of an app's lengths (empty: too many streaks ending to hold) and what it is valid under. */
    private record CachedRanks(Optional<StreakRanks> ranks, long coversUntil) {
    }

    public StreakService(Database db, Catalogs catalogs, StreakStore store, UserStore users, AchievementEngine engine,
                         Clock clock, Duration lateWindow, int cachedUsers) {
        this.db = db;
        this.catalogs = catalogs;
        this.store = store;
        this.users = users;
        this.engine = engine;
        this.clock = clock;
        this.lateWindow = lateWindow;
        this.rows = new UserCache<>(db.userChanges(), cachedUsers);
    }

    /**
     * A user's loaded streak: the stored row (if any), the state to walk from, the period records to walk (which an
     * event adds to) and those records as stored, which tell what a write has to store.
     */
    private record Loaded(Optional<StreakStore.Row> row, StreakState state,
                          TreeMap<LocalDate, PeriodRecord> records, Map<LocalDate, PeriodRecord> stored) {
        Loaded with(StreakState newState, TreeMap<LocalDate, PeriodRecord> newRecords) {
            return new Loaded(row, newState, newRecords, stored);
        }
    }

    /** A walk, its view, and the streak as the store holds it after the walk's write (null: nothing was stored). */
    private record Walked(StreakWalk.Result result, StreakView view, LockedRecords.Streak stored) {
    }

    // ---- writes ---------------------------------------------------------------------------------------------------

    /**
     * Inside an event's transaction (the user is locked): adds the event to its period if the metric counts, walks,
     * stores, and unlocks streak achievements the new length reaches.
     */
    public StreakView onEvent(Connection c, String appId, User user, Catalog catalog, LockedRecords.Write write,
                              String metricKey, double value, long eventTime, long now) {
        StreakSettings settings = catalog.streak();
        if (!settings.enabled()) {
            return StreakView.none(settings.frequency().wire());
        }
        ZoneId zone = user.zone();
        Loaded loaded = loadedFrom(c, appId, write.streak().map(LockedRecords.Streak::asRead)
                .orElseGet(() -> store.findWithPeriods(c, appId, user.id(), settings.frequency())), user, settings,
                now);
        boolean extended = false;
        if (settings.counts(metricKey)) {
            Period p = settings.frequency().periodOf(LocalDate.ofInstant(Instant.ofEpochMilli(eventTime), zone),
                    settings.weekStart());
            LocalDate settled = loaded.state().settledThrough();
            if (settled == null || p.start().isAfter(settled)) {
                PeriodRecord before = loaded.records().getOrDefault(p.start(), PeriodRecord.empty(p));
                PeriodRecord after = before.plus(metricKey, value, settings, now);
                extended = !before.met() && after.met();
                loaded.records().put(p.start(), after);
            }
        }
        Walked w = walkAndStore(c, appId, user.id(), settings, zone, loaded, now);
        write.streakStored(w.stored());
        engine.onStreakLength(catalog, write.book(), user.attributes(), w.view().length(), now);
        return w.view().asExtended(extended);
    }

    /** The app's streak settings (from its cached definitions). */
    public StreakSettings settings(String appId) {
        return catalogs.of(appId).streak();
    }

    /**
     * The scheduler's unit of work: brings a user's stored streak up to now (the user is locked by the caller). The
     * caller reads the settings before it takes a connection: {@link Catalogs#of} may itself need one.
     */
    public void refresh(Connection c, String appId, User user, StreakSettings settings, long now) {
        if (!settings.enabled()) {
            store.clearDue(c, appId, user.id());
            return;
        }
        walkAndStore(c, appId, user.id(), settings, user.zone(), load(c, appId, user, settings, now), now);
    }

    private Walked walkAndStore(Connection c, String appId, String userId, StreakSettings settings, ZoneId zone,
                                Loaded loaded, long now) {
        StreakWalk.Result r = StreakWalk.walk(settings, zone, loaded.state(), loaded.records(),
                Instant.ofEpochMilli(now), lateWindow);
        // What the store holds after this write: the records as the event left them, with the walk's decisions. Each
        // that differs from its stored self is written, also one the walk did not decide (an event's sums in a period
        // not yet met, or in a period after the current one, within the clock skew allowed).
        TreeMap<LocalDate, PeriodRecord> after = new TreeMap<>(loaded.records());
        r.decided().forEach(d -> after.put(d.period().start(), d));
        List<PeriodRecord> changed = after.values().stream()
                .filter(d -> !d.equals(loaded.stored().get(d.period().start())))
                .toList();
        store.savePeriods(c, appId, userId, settings.frequency(), changed);
        StreakStore.Row row = new StreakStore.Row(userId, r.settled(), r.current().length(), r.current().longest(),
                r.aliveUntil() == null ? null : r.aliveUntil().toEpochMilli(),
                r.nextCheckAt() == null ? null : r.nextCheckAt().toEpochMilli(),
                r.current().active() ? r.current().lastExtendedAt() : null);
        if (loaded.row().isEmpty() || !loaded.row().get().equals(row)) {
            store.save(c, appId, row, loaded.row().orElse(null), now);
        }
        // The store now holds this row, and these records after its settled period (what a load would read).
        if (r.settled().settledThrough() != null) {
            after.headMap(r.settled().settledThrough(), true).clear();
        }
        return new Walked(r, view(settings, r.current()), new LockedRecords.Streak(row, after));
    }

    private Loaded load(Connection c, String appId, User user, StreakSettings settings, long now) {
        return loadedFrom(c, appId, store.findWithPeriods(c, appId, user.id(), settings.frequency()), user, settings,
                now);
    }

    /** The streak to walk from, given the user's row and period records as read (or kept), on {@code c}. */
    private Loaded loadedFrom(Connection c, String appId, StreakStore.RowAndPeriods found, User user,
                              StreakSettings settings, long now) {
        StreakState state = stateOf(found.row(), user, settings, now,
                f -> store.findWithPeriods(c, appId, user.id(), f).periods());
        TreeMap<LocalDate, PeriodRecord> records = found.periods();
        if (state.settledThrough() != null) {
            // The store returns at least the records after the settled period; the walk takes exactly those.
            records.headMap(state.settledThrough(), true).clear();
        }
        return new Loaded(found.row(), state, records, Map.copyOf(records));
    }

    /**
     * The settled state a walk at {@code now} starts from: the stored one, or a new user's first. {@code periodsOf}
     * reads the user's period records of another frequency; it is called only when the app switched frequency.
     */
    private StreakState stateOf(Optional<StreakStore.Row> row, User user, StreakSettings settings, long now,
                                Function<Frequency, TreeMap<LocalDate, PeriodRecord>> periodsOf) {
        LocalDate created = LocalDate.ofInstant(Instant.ofEpochMilli(user.created()), user.zone());
        StreakState state = row.map(StreakStore.Row::state).orElseGet(() -> StreakState.initial(settings, created));
        if (state.frequency() != settings.frequency()) {
            // The app switched frequency: a new run under the new frequency, from the current period on; freezes
            // and the record stay. Records of this frequency from an earlier time under it (daily, weekly, daily
            // again) are history, not part of the new run: the run counts as settled up to the current period. The
            // record is the row's longest: the settled state's only counts periods past the late-event window.
            // The freezes are those held now under the old frequency: the settled state's lag that window, and
            // freezes spent in it stay spent (the old run is walked up to now to count them).
            int longest = Math.max(state.longest(), row.map(StreakStore.Row::longest).orElse(0));
            Instant at = Instant.ofEpochMilli(now);
            StreakSettings old = settings.withFrequency(state.frequency());
            TreeMap<LocalDate, PeriodRecord> oldPeriods = periodsOf.apply(state.frequency());
            if (state.settledThrough() != null) {
                oldPeriods.headMap(state.settledThrough(), true).clear();
            }
            int held = StreakWalk.walk(old, user.zone(), state, oldPeriods, at, lateWindow).current().freezes();
            StreakState heldNow = state.withFreezesHeld(held, LocalDate.ofInstant(at, user.zone()),
                    settings.freezes().autoEarnIntervalDays());
            Period current = StreakWalk.currentPeriod(settings, user.zone(), at);
            LocalDate floor = settings.frequency().previous(current, settings.weekStart()).start();
            state = new StreakState(settings.frequency(), floor, 0, null, null, longest, heldNow.freezes(),
                    heldNow.nextEarn(), null, heldNow.grants());
        }
        var freezes = settings.freezes();
        if (freezes.autoEarn() && state.nextEarn() == null) {
            // Auto-earn was turned on after the user's streak was first stored: the user earns on the dates counted
            // from their creation, from the first one after the settled date on (earlier ones are not granted).
            LocalDate from = state.settledThrough() == null ? created : state.settledThrough();
            long interval = freezes.autoEarnIntervalDays();
            long due = Math.max(1, ChronoUnit.DAYS.between(created, from) / interval + 1);
            state = state.withNextEarn(created.plusDays(due * interval));
        }
        return state;
    }

    static StreakView view(StreakSettings s, StreakWalk.Current cur) {
        var f = s.freezes();
        boolean active = cur.active();
        return new StreakView(cur.length(), s.frequency().wire(), active ? cur.started() : null,
                active ? cur.period().start() : null, active ? cur.period().end() : null,
                active ? cur.expires() : null, false,
                f.enabled() ? cur.freezes() : null, f.enabled() ? f.max() : null,
                f.autoEarn() ? f.autoEarnIntervalDays() : null, f.autoEarn() ? f.autoEarnAmount() : null,
                cur.longest(), active ? cur.lastExtendedAt() : null);
    }

    // ---- reads ----------------------------------------------------------------------------------------------------

    /**
     * The current streak of a user, computed as of now without storing (e.g. for an idempotent replay). The settings
     * come from the caller, read before it took {@code c}: {@link Catalogs#of} may need a connection of its own, and
     * a request that waits for a second connection while holding one can wait for itself.
     */
    public StreakView current(Connection c, String appId, String userId, StreakSettings settings) {
        if (!settings.enabled()) {
            return StreakView.none(settings.frequency().wire());
        }
        Optional<User> user = users.find(c, appId, userId);
        if (user.isEmpty()) {
            return StreakView.none(settings.frequency().wire());
        }
        return walkOnly(c, appId, user.get(), settings, clock.millis()).view();
    }

    private Walked walkOnly(Connection c, String appId, User user, StreakSettings settings, long now) {
        Loaded loaded = load(c, appId, user, settings, now);
        StreakWalk.Result r = StreakWalk.walk(settings, user.zone(), loaded.state(), loaded.records(),
                Instant.ofEpochMilli(now), lateWindow);
        return new Walked(r, view(settings, r.current()), null);
    }

    /** One period of a user's streak history. */
    public record HistoryItem(LocalDate periodStart, LocalDate periodEnd, int length, boolean usedFreeze) {
    }

    /** GET /users/{id}/streak. */
    public record UserStreak(StreakView view, Long rank, List<HistoryItem> history, boolean freezesEnabled) {
    }

    public UserStreak ofUser(String appId, String userId, int historyPeriods) {
        StreakSettings settings = catalogs.of(appId).streak();
        long now = clock.millis();
        // A user's first shown period depends on their zone, which comes with the same statement: the read starts
        // below it in every zone. "Today" is within a day of UTC's anywhere (UTC-12 to UTC+14), so a user's first
        // shown period is at the earliest the first of n + 1 periods counted in UTC.
        LocalDate floor = shownPeriods(settings, ZoneOffset.UTC, now, historyPeriods + 1).getFirst().start()
                .minusDays(1);
        StreakStore.UserRow found = userRow(appId, userId, settings.frequency(), floor);
        User user = found.user();
        if (!settings.enabled()) {
            return new UserStreak(StreakView.none(settings.frequency().wire()), null, List.of(), false);
        }
        StreakState state = stateOf(found.row(), user, settings, now,
                f -> db.read(c -> store.findWithPeriods(c, appId, userId, f)).periods());
        List<Period> shown = shownPeriods(settings, user.zone(), now, historyPeriods);
        // The records start at the earlier of the settled period and the floor: the walk takes those after the
        // settled period (exactly what it would read alone), the history looks up the shown ones.
        LocalDate settled = state.settledThrough();
        TreeMap<LocalDate, PeriodRecord> records = found.periods();
        StreakWalk.Result r = StreakWalk.walk(settings, user.zone(), state,
                settled == null ? records : records.tailMap(settled, false), Instant.ofEpochMilli(now), lateWindow);
        StreakView view = view(settings, r.current());
        Long rank = view.length() > 0 ? countLonger(appId, view.length(), now) + 1 : null;
        return new UserStreak(view, rank, history(shown, records, r, view), settings.freezes().enabled());
    }

    /**
     * The user with their streak row and period records of {@code frequency} from {@code floor} on (404 when
     * unknown): from memory when a read of them from an earlier floor is current, else from the store.
     */
    private StreakStore.UserRow userRow(String appId, String userId, Frequency frequency, LocalDate floor) {
        // Records from an earlier floor serve: more than this read needs, never fewer.
        return rows.get(appId, userId, kept -> kept.frequency() == frequency && !kept.floor().isAfter(floor),
                () -> new CachedRow(frequency, floor, db.read(c -> store.findWithUser(c, appId,
                                Ids.isUserId(userId) ? userId : "", frequency, floor))
                        .orElseThrow(() -> Rejection.userNotFound(userId)))).found();
    }

    /**
     * Active streaks longer than {@code length} at {@code now}: from the app's last {@link StreakRanks} while it is
     * younger than {@link #RANKS_MAX_AGE_NANOS}, reaches {@code now}, and this node has committed no change of a
     * length or an end since it was read; else read again. Another node's changes show within that second, as with
     * rarity ({@link AchievementReads}).
     */
    private long countLonger(String appId, int length, long now) {
        // The version is taken before the read (AppWideRead): a change that commits meanwhile makes the read stale
        // rather than hidden. A read covers up to two seconds past the instant of the request that made it: it serves
        // for one, and requests that took their instant earlier but waited for a connection still find it usable.
        CachedRanks c = ranks.get(appId, new AppWideRead.Basis(null, store.rankVersion(appId)),
                r -> now <= r.coversUntil(), () -> {
                    long until = now + 2 * RANKS_MAX_AGE_NANOS / 1_000_000;
                    return new CachedRanks(db.read(conn -> store.ranks(conn, appId, until, MAX_ENDING)), until);
                });
        if (c.ranks().isPresent()) {
            return c.ranks().get().countLonger(length, now);
        }
        return db.read(conn -> store.countLonger(conn, appId, length, now));   // a backlog too long to hold
    }

    /** The last {@code n} periods up to the current one, oldest first. */
    private static List<Period> shownPeriods(StreakSettings settings, ZoneId zone, long now, int n) {
        List<Period> periods = new ArrayList<>();
        Period p = StreakWalk.currentPeriod(settings, zone, Instant.ofEpochMilli(now));
        for (int i = 0; i < n; i++) {
            periods.addFirst(p);
            p = settings.frequency().previous(p, settings.weekStart());
        }
        return periods;
    }

    /** The shown periods' lengths and freezes: as the walk decided them, else as stored. */
    private static List<HistoryItem> history(List<Period> shown, Map<LocalDate, PeriodRecord> records,
                                             StreakWalk.Result r, StreakView view) {
        Map<LocalDate, PeriodRecord> known = new HashMap<>();
        for (Period q : shown) {
            PeriodRecord stored = records.get(q.start());
            if (stored != null) {
                known.put(q.start(), stored);
            }
        }
        r.decided().forEach(d -> known.put(d.period().start(), d));
        Period current = r.current().period();
        List<HistoryItem> out = new ArrayList<>();
        for (Period q : shown) {
            PeriodRecord rec = known.get(q.start());
            int length = rec == null ? 0 : rec.length();
            if (q.equals(current) && (rec == null || !rec.met())) {
                length = view.length();
            }
            out.add(new HistoryItem(q.start(), q.end(), length, rec != null && rec.usedFreeze()));
        }
        return out;
    }

    /** One user in GET /streaks. */
    public record BulkItem(String userId, int length, Long extendedAt) {
    }

    /** GET /streaks?userIds=…: existing users' current streaks, longest first. */
    public List<BulkItem> ofUsers(String appId, List<String> userIds) {
        StreakSettings settings = catalogs.of(appId).streak();
        long now = clock.millis();
        List<String> valid = userIds.stream().filter(Ids::isUserId).distinct().toList();
        return db.read(c -> {
            List<BulkItem> out = new ArrayList<>();
            for (User u : users.findAll(c, appId, valid)) {
                if (!settings.enabled()) {
                    out.add(new BulkItem(u.id(), 0, null));
                    continue;
                }
                StreakView v = walkOnly(c, appId, u, settings, now).view();
                out.add(new BulkItem(u.id(), v.length(), v.lastExtendedAt()));
            }
            out.sort(Comparator.comparingInt(BulkItem::length).reversed().thenComparing(BulkItem::userId));
            return out;
        });
    }

    /** One entry of GET /streaks/rankings. */
    public record Ranked(String userId, String name, int length) {
    }

    public List<Ranked> rankings(String appId, boolean longest, int limit) {
        long now = clock.millis();
        return db.read(c -> {
            List<StreakStore.Row> rows = longest ? store.topLongest(c, appId, limit)
                    : store.topActive(c, appId, now, limit);
            Map<String, String> names = new HashMap<>();
            users.findAll(c, appId, rows.stream().map(StreakStore.Row::userId).toList())
                    .forEach(u -> names.put(u.id(), u.name()));
            return rows.stream().map(r -> new Ranked(r.userId(), names.get(r.userId()),
                    longest ? r.longest() : r.length())).toList();
        });
    }

    // ---- operator actions -----------------------------------------------------------------------------------------

    /** A problem with one user of a bulk operation (Trophy's BulkInsertIssue). */
    public record Issue(String userId, String level, String reason) {
    }

    /** Grants one freeze per entry (an id may repeat); users at their maximum get a warning and no freeze. */
    public List<Issue> grantFreezes(String appId, List<String> userIds) {
        StreakSettings settings = catalogs.of(appId).streak();
        Map<String, Integer> counts = new LinkedHashMap<>();
        userIds.forEach(id -> counts.merge(id, 1, Integer::sum));
        List<Issue> issues = new ArrayList<>();
        if (!settings.enabled() || !settings.freezes().enabled()) {
            counts.keySet().forEach(id -> issues.add(new Issue(id, "error", "streak freezes are not enabled")));
            return issues;
        }
        long now = clock.millis();
        for (var e : counts.entrySet()) {
            String id = e.getKey();
            Optional<Issue> issue = db.transaction(c -> {
                Optional<User> user = Ids.isUserId(id) ? users.lock(c, appId, id) : Optional.empty();
                if (user.isEmpty()) {
                    return Optional.of(new Issue(id, "error", "user not found"));
                }
                ZoneId zone = user.get().zone();
                Loaded loaded = load(c, appId, user.get(), settings, now);
                StreakWalk.Result r = StreakWalk.walk(settings, zone, loaded.state(), loaded.records(),
                        Instant.ofEpochMilli(now), lateWindow);
                int held = r.current().freezes();
                int room = settings.freezes().max() - held;
                int granted = Math.min(room, e.getValue());
                if (granted > 0) {
                    StreakState withGrant = loaded.state().withGrant(new StreakState.Grant(
                            LocalDate.ofInstant(Instant.ofEpochMilli(now), zone), granted));
                    walkAndStore(c, appId, id, settings, zone, loaded.with(withGrant, loaded.records()),
                            now);
                }
                if (granted < e.getValue()) {
                    return Optional.of(new Issue(id, "warning", "user holds the maximum of "
                            + settings.freezes().max() + " freezes; " + (e.getValue() - granted) + " not granted"));
                }
                return Optional.<Issue>empty();
            });
            issue.ifPresent(issues::add);
        }
        return issues;
    }

    /** The outcome of a restore: users restored, and issues for the others. */
    public record Restored(List<String> restored, List<Issue> issues) {
    }

    /**
     * Restores each user's streak to the longest length it had in the last 90 days (daily), one year (weekly) or
     * two years (monthly), continuing from the previous period so that the current one can extend it.
     */
    public Restored restore(String appId, List<String> userIds) {
        Catalog catalog = catalogs.of(appId);
        StreakSettings settings = catalog.streak();
        List<String> restored = new ArrayList<>();
        List<Issue> issues = new ArrayList<>();
        if (!settings.enabled()) {
            userIds.forEach(id -> issues.add(new Issue(id, "error", "streaks are not enabled")));
            return new Restored(restored, issues);
        }
        long now = clock.millis();
        for (String id : userIds.stream().distinct().toList()) {
            Optional<Issue> issue = db.transaction(c -> {
                Optional<User> user = Ids.isUserId(id) ? users.lock(c, appId, id) : Optional.empty();
                if (user.isEmpty()) {
                    return Optional.of(new Issue(id, "error", "user not found"));
                }
                ZoneId zone = user.get().zone();
                Frequency f = settings.frequency();
                var ws = settings.weekStart();
                LocalDate today = LocalDate.ofInstant(Instant.ofEpochMilli(now), zone);
                LocalDate since = switch (f) {
                    case DAILY -> today.minusDays(90);
                    case WEEKLY -> today.minusYears(1);
                    case MONTHLY -> today.minusYears(2);
                };
                Loaded loaded = load(c, appId, user.get(), settings, now);
                StreakWalk.Result r = StreakWalk.walk(settings, zone, loaded.state(), loaded.records(),
                        Instant.ofEpochMilli(now), lateWindow);
                int best = Math.max(store.maxLengthSince(c, appId, id, f, since),
                        r.decided().stream().mapToInt(PeriodRecord::length).max().orElse(0));
                if (best <= r.current().length()) {
                    return Optional.of(new Issue(id, "warning", best == 0 ? "no streak to restore"
                            : "the current streak is already the longest of the restore window"));
                }
                Period previous = f.previous(f.periodOf(today, ws), ws);
                Period first = previous;
                for (int i = 1; i < best; i++) {
                    first = f.previous(first, ws);
                }
                // The freezes are those held now: the ones spent while the streak was lost stay spent.
                StreakState back = loaded.state().restored(best, previous, first.start())
                        .withFreezesHeld(r.current().freezes(), today, settings.freezes().autoEarnIntervalDays());
                TreeMap<LocalDate, PeriodRecord> after = new TreeMap<>(loaded.records().tailMap(previous.start(),
                        false));
                walkAndStore(c, appId, id, settings, zone, loaded.with(back, after), now);
                restored.add(id);
                return Optional.<Issue>empty();
            });
            issue.ifPresent(issues::add);
        }
        return new Restored(restored, issues);
    }
}
