package io.accolade.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.domain.User;
import io.accolade.domain.streak.Frequency;
import io.accolade.domain.streak.Period;
import io.accolade.domain.streak.PeriodRecord;
import io.accolade.domain.streak.StreakRanks;
import io.accolade.domain.streak.StreakSettings;
import io.accolade.domain.streak.StreakState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Streak settings per app, streak state per user, and per-period records. */
public final class StreakStore {
    static final int LENGTH_SLOTS = 16;

    /** Per app: this node's committed changes of streak lengths or ends (see {@link #rankVersion}). */
    private final ConcurrentHashMap<String, AtomicLong> rankVersions = new ConcurrentHashMap<>();

    // ---- settings -----------------------------------------------------------------------------------------------

    public Optional<StreakSettings> settings(Connection c, String appId) {
        return Sql.one(c, "SELECT spec FROM streak_settings WHERE app_id = ?",
                rs -> settings(JsonColumns.tree(rs.getString(1))), appId);
    }

    public void putSettings(Connection c, String appId, StreakSettings s, long now) {
        Sql.update(c, "INSERT INTO streak_settings (app_id, spec, updated_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (app_id) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at",
                appId, JsonColumns.write(spec(s)), now);
    }

    static ObjectNode spec(StreakSettings s) {
        ObjectNode n = JsonColumns.MAPPER.createObjectNode();
        n.put("enabled", s.enabled());
        n.put("frequency", s.frequency().wire());
        ArrayNode metrics = n.putArray("metrics");
        s.metrics().forEach((k, v) -> metrics.addObject().put("key", k).put("threshold", v));
        n.put("mode", s.mode().name());
        n.put("weekStart", s.weekStart().name());
        var f = s.freezes();
        n.putObject("freezes").put("enabled", f.enabled()).put("initial", f.initial())
                .put("autoEarnAmount", f.autoEarnAmount()).put("autoEarnIntervalDays", f.autoEarnIntervalDays())
                .put("max", f.max());
        return n;
    }

    static StreakSettings settings(JsonNode n) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        n.path("metrics").forEach(m -> metrics.put(m.get("key").asText(), m.get("threshold").asDouble()));
        JsonNode f = n.path("freezes");
        return new StreakSettings(n.path("enabled").asBoolean(), Frequency.parse(n.path("frequency").asText(), "frequency"),
                Map.copyOf(metrics), StreakSettings.Mode.valueOf(n.path("mode").asText("ALL")),
                DayOfWeek.valueOf(n.path("weekStart").asText("MONDAY")),
                new StreakSettings.FreezePolicy(f.path("enabled").asBoolean(false), f.path("initial").asInt(0),
                        f.path("autoEarnAmount").asInt(0), f.path("autoEarnIntervalDays").asInt(0),
                        f.path("max").asInt(0)));
    }

    // ---- per-user state -------------------------------------------------------------------------------------------

    /** The stored streak row of a user: settled state plus the columns rankings and the scheduler read. */
    public record Row(String userId, StreakState state, int length, int longest, Long aliveUntil, Long nextCheckAt,
                      Long lastExtendedAt) {
    }

    /** A user, their stored streak row (if any) and period records, by period start. */
    public record UserRow(User user, Optional<Row> row, TreeMap<LocalDate, PeriodRecord> periods) {
    }

    /** A user's stored streak row, if any, and period records, by period start. */
    public record RowAndPeriods(Optional<Row> row, TreeMap<LocalDate, PeriodRecord> periods) {
    }

    // The two joins below read a streak row (alias s) and period records (alias p) in one statement. Each returns at
    // least the records a walk from the row reads: those after the row's settled period when the row is of the asked
    // frequency, all of them otherwise (no row, or one settled under another frequency, which a walk starts over).
    // Where the walk starts is decided by the service (StreakService#stateOf), not here.

    /** A stored row's columns, joined as s (its user_id comes from the side the join starts from). */
    private static final String ROW_COLUMNS = "s.state, s.length, s.longest, s.alive_until, s.next_check_at, "
            + "s.last_extended_at";
    /** A period record's columns, joined as p; its length is renamed, since the row has one too. */
    private static final String PERIOD_COLUMNS = "p.period_start, p.period_end, p.sums, p.met, p.met_at, "
            + "p.used_freeze, p.length AS period_length";
    /** The row's settled period when the row is of the frequency bound here, else null. */
    private static final String SETTLED = "CASE WHEN s.state ->> 'frequency' = ? THEN s.state ->> 'settledThrough' END";

    /**
     * A streak read's data in one statement (one round trip instead of three): the user, their streak row, and the
     * period records of {@code frequency} from the earlier of the row's settled period and {@code floor} (what the
     * history shows). Empty when there is no such user.
     */
    public Optional<UserRow> findWithUser(Connection c, String appId, String userId, Frequency frequency,
                                          LocalDate floor) {
        User[] user = new User[1];
        Row[] row = new Row[1];
        TreeMap<LocalDate, PeriodRecord> periods = new TreeMap<>();
        String f = frequency.wire();
        Sql.each(c, "SELECT " + UserStore.columns("u") + ", " + ROW_COLUMNS + ", " + PERIOD_COLUMNS + " FROM users u "
                        + "LEFT JOIN streaks s ON s.app_id = u.app_id AND s.user_id = u.user_id "
                        + "LEFT JOIN streak_periods p ON p.app_id = u.app_id AND p.user_id = u.user_id "
                        + "AND p.frequency = ? AND p.period_start > CASE WHEN " + SETTLED + " IS NULL THEN '' "
                        + "WHEN " + SETTLED + " < ? THEN " + SETTLED + " ELSE ? END "
                        + "WHERE u.app_id = ? AND u.user_id = ?",
                rs -> {
                    if (user[0] == null) {
                        user[0] = UserStore.user(rs);
                        row[0] = joinedRow(rs);
                    }
                    addPeriod(rs, periods);
                }, f, f, f, floor.toString(), f, floor.toString(), appId, userId);
        return user[0] == null ? Optional.empty()
                : Optional.of(new UserRow(user[0], Optional.ofNullable(row[0]), periods));
    }

    /**
     * The user's streak row and the period records of {@code frequency} after its settled period, in one statement:
     * a walk needs both, and every event walks (one round trip fewer per event).
     */
    public RowAndPeriods findWithPeriods(Connection c, String appId, String userId, Frequency frequency) {
        Row[] row = new Row[1];
        TreeMap<LocalDate, PeriodRecord> periods = new TreeMap<>();
        String f = frequency.wire();
        // (SELECT 1) holds the one row the two outer joins hang on, so a user with no streak row still gets periods.
        Sql.each(c, "SELECT s.user_id, " + ROW_COLUMNS + ", " + PERIOD_COLUMNS + " FROM (SELECT 1 AS one) o "
                        + "LEFT JOIN streaks s ON s.app_id = ? AND s.user_id = ? "
                        + "LEFT JOIN streak_periods p ON p.app_id = ? AND p.user_id = ? AND p.frequency = ? "
                        + "AND p.period_start > COALESCE(" + SETTLED + ", '')",
                rs -> {
                    if (row[0] == null) {
                        row[0] = joinedRow(rs);
                    }
                    addPeriod(rs, periods);
                }, appId, userId, appId, userId, f, f);
        return new RowAndPeriods(Optional.ofNullable(row[0]), periods);
    }

    /** The joined streak row, or null where the join found none (state is NOT NULL in a stored row). */
    private static Row joinedRow(ResultSet rs) throws SQLException {
        return rs.getString("state") == null ? null : row(rs);
    }

    /** Adds the joined period record, if the row has one. */
    private static void addPeriod(ResultSet rs, TreeMap<LocalDate, PeriodRecord> periods) throws SQLException {
        if (rs.getString("period_start") != null) {
            PeriodRecord p = period(rs, "period_length");
            periods.put(p.period().start(), p);
        }
    }

    public List<Row> findAll(Connection c, String appId, List<String> userIds) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>();
        params.add(appId);
        params.addAll(userIds);
        return Sql.list(c, "SELECT user_id, state, length, longest, alive_until, next_check_at, last_extended_at "
                + "FROM streaks WHERE app_id = ? AND user_id IN (" + Sql.placeholders(userIds.size()) + ")",
                StreakStore::row, params.toArray());
    }

    /**
     * Stores a user's streak row; {@code previous} is the stored row before (null when there was none), read under
     * the user's lock, so that the per-length counts stay exact.
     */
    public void save(Connection c, String appId, Row r, Row previous, long now) {
        Database.touched(appId, r.userId());
        if (previous == null || previous.length() != r.length()
                || !Objects.equals(previous.aliveUntil(), r.aliveUntil())) {
            Database.afterCommit(() -> rankVersions.computeIfAbsent(appId, k -> new AtomicLong()).incrementAndGet());
        }
        int before = previous == null ? 0 : previous.length();
        if (before != r.length()) {
            int slot = ThreadLocalRandom.current().nextInt(LENGTH_SLOTS);
            List<Object[]> rows = new ArrayList<>(2);
            DeferredWrites deferred = DeferredWrites.current();
            // Ascending length order, as every writer does: two transactions never lock two rows in opposite orders.
            for (int len : new int[] {Math.min(before, r.length()), Math.max(before, r.length())}) {
                if (len > 0) {
                    if (deferred != null) {
                        deferred.length(appId, len, len == r.length() ? 1L : -1L);
                    } else {
                        rows.add(new Object[] {appId, len, slot, len == r.length() ? 1L : -1L});
                    }
                }
            }
            writeLengths(c, rows);
        }
        Sql.update(c, "INSERT INTO streaks (app_id, user_id, frequency, state, length, longest, alive_until, "
                        + "next_check_at, last_extended_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (app_id, user_id) DO UPDATE SET frequency = excluded.frequency, "
                        + "state = excluded.state, length = excluded.length, longest = excluded.longest, "
                        + "alive_until = excluded.alive_until, next_check_at = excluded.next_check_at, "
                        + "last_extended_at = excluded.last_extended_at, updated_at = excluded.updated_at",
                appId, r.userId(), r.state().frequency().wire(), JsonColumns.write(state(r.state())), r.length(),
                r.longest(), r.aliveUntil(), r.nextCheckAt(), r.lastExtendedAt(), now);
    }

    /** Rows of (app, length, slot, delta), in the order given. */
    static void writeLengths(Connection c, List<Object[]> rows) {
        Sql.batch(c, "INSERT INTO streak_lengths (app_id, length, slot, users) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (app_id, length, slot) DO UPDATE SET users = streak_lengths.users + excluded.users",
                rows);
    }

    /** Users whose streak has a decision due (loss or freeze use), across apps: the scheduler's index scan. */
    public List<String[]> due(Connection c, long now, int limit) {
        return Sql.list(c, "SELECT app_id, user_id FROM streaks WHERE next_check_at <= ? ORDER BY next_check_at "
                + "LIMIT " + limit, rs -> new String[] {rs.getString(1), rs.getString(2)}, now);
    }

    /** Users whose streak is alive and at least {@code length} long, with their lengths (backdating). */
    public Map<String, Integer> aliveAtLeast(Connection c, String appId, int length, long now) {
        Map<String, Integer> out = new HashMap<>();
        Sql.list(c, "SELECT user_id, length FROM streaks WHERE app_id = ? AND length >= ? AND alive_until > ?",
                rs -> out.put(rs.getString(1), rs.getInt(2)), appId, length, now);
        return out;
    }

    /** Nothing is due for this user any more (streaks were disabled). */
    public void clearDue(Connection c, String appId, String userId) {
        Database.touched(appId, userId);
        Sql.update(c, "UPDATE streaks SET next_check_at = NULL WHERE app_id = ? AND user_id = ?", appId, userId);
    }

    /**
     * A number that grows whenever a transaction of this node that changed a streak's length or end has committed:
     * a {@link StreakRanks} read under an older number may miss this node's own changes (other nodes' it cannot see).
     */
    public long rankVersion(String appId) {
        AtomicLong v = rankVersions.get(appId);
        return v == null ? 0 : v.get();
    }

    /**
     * The app's stored lengths and the streaks that end by {@code coversUntil}, in one statement (one snapshot: with
     * two, an expired streak stored as lost between them would stay in the first's lengths and be missing from the
     * second's ending ones, and count as active). Empty when more than
     * {@code maxEnding} streaks end by then (a scheduler far behind): ranks are then counted per read instead.
     */
    public Optional<StreakRanks> ranks(Connection c, String appId, long coversUntil, int maxEnding) {
        Map<Integer, Long> lengths = new HashMap<>();
        List<StreakRanks.Ending> ending = new ArrayList<>();
        Sql.each(c, RANKS, rs -> {
            if (rs.getInt(1) == 0) {
                lengths.merge(rs.getInt(2), rs.getLong(3), Long::sum);
            } else {
                ending.add(new StreakRanks.Ending(rs.getInt(2), rs.getLong(3)));
            }
        }, appId, appId, coversUntil, maxEnding + 1);
        return ending.size() > maxEnding ? Optional.empty() : Optional.of(StreakRanks.of(lengths, ending, coversUntil));
    }

    /** {@link #ranks}' statement: kind 0 rows are (length, users), kind 1 rows (length, alive_until). */
    static final String RANKS = "SELECT 0 AS kind, length, SUM(users) AS n FROM streak_lengths WHERE app_id = ? "
            + "GROUP BY length UNION ALL SELECT 1, length, alive_until FROM (SELECT length, alive_until FROM streaks "
            + "WHERE app_id = ? AND alive_until <= ? LIMIT ?) e";

    /** Top of the app by current length among streaks still alive at {@code now}; ties by user id. */
    public List<Row> topActive(Connection c, String appId, long now, int limit) {
        return Sql.list(c, "SELECT user_id, state, length, longest, alive_until, next_check_at, last_extended_at "
                + "FROM streaks WHERE app_id = ? AND length > 0 AND alive_until > ? "
                + "ORDER BY length DESC, user_id LIMIT " + limit, StreakStore::row, appId, now);
    }

    public List<Row> topLongest(Connection c, String appId, int limit) {
        return Sql.list(c, "SELECT user_id, state, length, longest, alive_until, next_check_at, last_extended_at "
                + "FROM streaks WHERE app_id = ? AND longest > 0 ORDER BY longest DESC, user_id LIMIT " + limit,
                StreakStore::row, appId);
    }

    /**
     * How many active streaks are longer than {@code length} (rank = that + 1, ties share a rank): the stored
     * streaks longer than it, from the per-length counts (O(distinct lengths), never a count of users), less those
     * among them that have expired by {@code now} but are not stored as lost yet (the scheduler's backlog, found
     * through {@code streaks_expiring}). Stored rows have {@code alive_until} exactly when their length is > 0.
     * Both parts are one statement, so a streak read pays one round trip for its rank, not two.
     */
    public long countLonger(Connection c, String appId, int length, long now) {
        return Sql.one(c, COUNT_LONGER, rs -> rs.getLong(1), appId, length, appId, now, length).orElse(0L);
    }

    /**
     * {@link #countLonger}'s statement. The backlog is found through {@code streaks_expiring} whatever the length:
     * it is the scheduler's few expired rows. The unary {@code +} keeps {@code length} out of the index choice, which
     * otherwise SQLite makes per bound value (its STAT4 samples): for a length near the longest it took
     * {@code streaks_by_length} and read every streak that long, 1.3 ms instead of 15 µs on the benchmark's data
     * (BENCHMARKS.md, "Ninth round"). PostgreSQL reads {@code +length} the same way and plans as before.
     */
    static final String COUNT_LONGER = "SELECT COALESCE((SELECT SUM(users) FROM streak_lengths WHERE app_id = ? "
            + "AND length > ?), 0) - (SELECT COUNT(*) FROM streaks WHERE app_id = ? AND alive_until <= ? "
            + "AND +length > ?)";

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("user_id"), state(JsonColumns.tree(rs.getString("state"))), rs.getInt("length"),
                rs.getInt("longest"), Sql.nullableLong(rs, "alive_until"), Sql.nullableLong(rs, "next_check_at"),
                Sql.nullableLong(rs, "last_extended_at"));
    }

    static ObjectNode state(StreakState s) {
        ObjectNode n = JsonColumns.MAPPER.createObjectNode();
        n.put("frequency", s.frequency().wire());
        n.put("settledThrough", str(s.settledThrough()));
        n.put("length", s.length());
        n.put("started", str(s.started()));
        n.put("lastCounted", str(s.lastCounted()));
        n.put("longest", s.longest());
        n.put("freezes", s.freezes());
        n.put("nextEarn", str(s.nextEarn()));
        if (s.lastExtendedAt() != null) {
            n.put("lastExtendedAt", s.lastExtendedAt());
        }
        ArrayNode grants = n.putArray("grants");
        s.grants().forEach(g -> grants.addObject().put("on", g.on().toString()).put("count", g.count()));
        return n;
    }

    static StreakState state(JsonNode n) {
        List<StreakState.Grant> grants = new ArrayList<>();
        n.path("grants").forEach(g -> grants.add(new StreakState.Grant(LocalDate.parse(g.get("on").asText()),
                g.get("count").asInt())));
        return new StreakState(Frequency.parse(n.get("frequency").asText(), "frequency"), date(n, "settledThrough"),
                n.path("length").asInt(), date(n, "started"), date(n, "lastCounted"), n.path("longest").asInt(),
                n.path("freezes").asInt(), date(n, "nextEarn"),
                n.hasNonNull("lastExtendedAt") ? n.get("lastExtendedAt").asLong() : null, List.copyOf(grants));
    }

    // ---- periods --------------------------------------------------------------------------------------------------

    public Optional<PeriodRecord> period(Connection c, String appId, String userId, Frequency frequency,
                                         LocalDate start) {
        return Sql.one(c, "SELECT period_start, period_end, sums, met, met_at, used_freeze, length FROM streak_periods "
                        + "WHERE app_id = ? AND user_id = ? AND frequency = ? AND period_start = ?",
                StreakStore::period, appId, userId, frequency.wire(), start.toString());
    }

    /** The longest length recorded in a period starting on or after {@code since}. */
    public int maxLengthSince(Connection c, String appId, String userId, Frequency frequency, LocalDate since) {
        return Sql.one(c, "SELECT MAX(length) FROM streak_periods WHERE app_id = ? AND user_id = ? AND frequency = ? "
                + "AND period_start >= ?", rs -> rs.getInt(1), appId, userId, frequency.wire(), since.toString())
                .orElse(0);
    }

    public void savePeriods(Connection c, String appId, String userId, Frequency frequency, List<PeriodRecord> records) {
        Database.touched(appId, userId);
        List<Object[]> rows = new ArrayList<>();
        for (PeriodRecord r : records) {
            rows.add(new Object[] {appId, userId, frequency.wire(), r.period().start().toString(),
                r.period().end().toString(), JsonColumns.write(r.sums()), r.met(), r.metAt(), r.usedFreeze(),
                r.length()});
        }
        Sql.batch(c, "INSERT INTO streak_periods (app_id, user_id, frequency, period_start, period_end, sums, met, "
                + "met_at, used_freeze, length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (app_id, user_id, frequency, period_start) DO UPDATE SET period_end = excluded.period_end, "
                + "sums = excluded.sums, met = excluded.met, met_at = excluded.met_at, "
                + "used_freeze = excluded.used_freeze, length = excluded.length", rows);
    }

    private static PeriodRecord period(ResultSet rs) throws SQLException {
        return period(rs, "length");
    }

    private static PeriodRecord period(ResultSet rs, String lengthColumn) throws SQLException {
        Map<String, Double> sums = new HashMap<>();
        JsonColumns.tree(rs.getString("sums")).properties().forEach(e -> sums.put(e.getKey(), e.getValue().asDouble()));
        return new PeriodRecord(new Period(LocalDate.parse(rs.getString("period_start")),
                LocalDate.parse(rs.getString("period_end"))), Map.copyOf(sums), rs.getBoolean("met"),
                Sql.nullableLong(rs, "met_at"), rs.getBoolean("used_freeze"), rs.getInt(lengthColumn));
    }

    private static String str(LocalDate d) {
        return d == null ? null : d.toString();
    }

    private static LocalDate date(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : LocalDate.parse(v.asText());
    }
}
