package io.accolade.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.domain.Progress;
import io.accolade.domain.ProgressState;
import io.accolade.domain.User;
import io.accolade.domain.streak.Frequency;
import io.accolade.domain.streak.Period;
import io.accolade.domain.streak.PeriodRecord;
import io.accolade.domain.streak.StreakState;
import io.accolade.support.StoreKind;
import io.accolade.support.Stores;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7, point 4: every hot query of the store layer takes an index path, on PostgreSQL and on SQLite. The store
 * methods run for real (in a transaction that is rolled back) on a migrated database with representative rows
 * (several apps, thousands of users, tens of progress records each); a recording connection captures each
 * statement with its parameters, and the plan of each must read no per-user or counter table whole: no sequential
 * scan on PostgreSQL (ANALYZEd), no SCAN step on SQLite (before and after ANALYZE). Because the statements are
 * captured from the store code itself, a new query or a changed one is checked without editing this test.
 * {@link SqlitePlanTest} checks, for the statements where it mattered, SQLite's plan for several bound values.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplainTest {
    /** Tables that grow with users (or, for counters, with definitions × apps): never read by a sequential scan. */
    static final List<String> GUARDED = List.of("users", "progress", "metric_totals", "events", "idempotency_keys",
            "streaks", "streak_periods", "streak_lengths", "counters", "access_tokens", "friends");

    static final int APPS = 4;
    /** Apps with definitions and counters but (here) no users: counters and per-length counts are per app. */
    static final int COUNTER_APPS = 50;
    static final int USERS = 4_000;
    static final int ACHIEVEMENTS = 40;

    /** Each store's seeded database, made on first use by a test of that store and kept for the class. */
    private final Map<StoreKind, Stores.Fresh> seeded = new EnumMap<>(StoreKind.class);

    static List<StoreKind> stores() {
        return Stores.available();
    }

    @AfterAll
    void close() {
        seeded.values().forEach(Stores.Fresh::close);
    }

    private Database seeded(StoreKind kind) throws Exception {
        Stores.Fresh fresh = seeded.get(kind);
        if (fresh == null) {
            fresh = Stores.fresh(kind, 2, Duration.ofSeconds(30));
            seeded.put(kind, fresh);
            seed(fresh.db(), kind);
        }
        return fresh.db();
    }

    /**
     * {@code FROM} item of the integers {@code from..to} as column {@code name}: PostgreSQL's generate_series,
     * SQLite's recursive CTE (the bundled SQLite need not have the series extension).
     */
    private static String series(StoreKind kind, String name, int from, int to) {
        return kind == StoreKind.POSTGRES
                ? "generate_series(" + from + ", " + to + ") AS s_" + name + "(" + name + ")"
                : "(WITH RECURSIVE s(" + name + ") AS (SELECT " + from + " UNION ALL SELECT " + name + " + 1 FROM s "
                        + "WHERE " + name + " < " + to + ") SELECT " + name + " FROM s) AS s_" + name;
    }

    /** The same rows on both stores (SQL both accept); no ANALYZE yet, see the test. */
    private static void seed(Database db, StoreKind kind) throws Exception {
        String apps = series(kind, "a", 1, APPS);
        String users = series(kind, "u", 1, USERS);
        String counterApps = series(kind, "a", 1, COUNTER_APPS);
        String slots = series(kind, "sl", 0, 15);
        String achievements = series(kind, "k", 1, ACHIEVEMENTS);
        String zeros = "'" + "0".repeat(64) + "'";
        try (Connection c = db.writerDataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO apps SELECT 'app' || a, 'App', 0, 0 FROM " + apps);
            s.execute("INSERT INTO api_keys SELECT 'app' || a, 'key' || a, 'pfx' || a, " + zeros + ", 0, NULL FROM "
                    + apps);
            s.execute("INSERT INTO users (app_id, user_id, email, name, tz, device_tokens, subscribe_to_emails, "
                    + "attributes, control, write_seq, created_at, updated_at) "
                    + "SELECT 'app' || a, 'user' || u, NULL, NULL, 'UTC', NULL, false, '{}', false, 0, 0, 0 FROM "
                    + apps + ", " + users);
            s.execute("INSERT INTO metric_totals SELECT 'app' || a, 'user' || u, 'm' || m, u * m, 0 FROM " + apps
                    + ", " + users + ", " + series(kind, "m", 1, 4));
            s.execute("INSERT INTO events SELECT 'app' || a, 'user' || u, 'ev' || e, 'm' || (e % 4 + 1), 1, NULL, "
                    + "1000 * e, 1000 * e FROM " + apps + ", " + users + ", " + series(kind, "e", 1, 5));
            s.execute("INSERT INTO idempotency_keys SELECT 'app' || a, 'user' || u, 'm1', 'k' || u, 'ev1', 0 FROM "
                    + apps + ", " + users);
            s.execute("INSERT INTO progress SELECT 'app' || a, 'user' || u, 'ach' || k, "
                    + "CASE WHEN k % 3 = 0 THEN 'UNLOCKED' ELSE 'REVEALED' END, k, 0, "
                    + "CASE WHEN k % 3 = 0 THEN 1 ELSE 0 END, NULL, NULL, NULL, u + k, u * k FROM " + apps + ", "
                    + users + ", " + achievements);
            s.execute("INSERT INTO counters SELECT 'app' || a, 'completions:ach' || k, sl, 1 FROM " + counterApps
                    + ", " + achievements + ", " + slots);
            s.execute("INSERT INTO counters SELECT 'app' || a, 'users', sl, 1 FROM " + counterApps + ", " + slots);
            s.execute("INSERT INTO streak_lengths SELECT 'app' || a, len, sl, 3 FROM " + counterApps + ", "
                    + series(kind, "len", 1, 60) + ", " + slots);
            s.execute("INSERT INTO streaks SELECT 'app' || a, 'user' || u, 'daily', "
                    + "'{\"frequency\": \"daily\", \"length\": 1, \"longest\": 1, \"freezes\": 0, \"grants\": []}', "
                    + "u % 30, u % 45, "
                    + "CASE WHEN u % 30 = 0 THEN NULL ELSE 2000000000000 + u END, "
                    + "CASE WHEN u % 30 = 0 THEN NULL ELSE 2000000000000 + u END, NULL, 0 FROM " + apps + ", "
                    + users);
            // Periods 2026-01-01 to 2026-01-05: the keys are ISO dates, as the store writes them.
            s.execute("INSERT INTO streak_periods SELECT 'app' || a, 'user' || u, 'daily', '2026-01-0' || d, "
                    + "'2026-01-0' || d, '{}', true, NULL, false, d FROM " + apps + ", " + users + ", "
                    + series(kind, "d", 1, 5));
            s.execute("INSERT INTO access_tokens SELECT 'tok-' || a || '-' || u, 'app' || a, 'user' || u, "
                    + "'key' || a, 0, 9000000000000, NULL FROM " + apps + ", " + users);
            s.execute("INSERT INTO friends SELECT 'app' || a, 'user' || u, 'user' || (u % " + USERS + " + 1), 0 "
                    + "FROM " + apps + ", " + users);
            c.commit();
            c.setAutoCommit(true);
        }
    }

    private static void analyze(Database db) throws Exception {
        try (Connection c = db.writerDataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("ANALYZE");
        }
    }

    /** One statement as the store sent it: the SQL and its first parameter set. */
    record Captured(String sql, Object[] params) {
    }

    @ParameterizedTest
    @MethodSource("stores")
    void everyHotQueryOfTheStoreLayerUsesAnIndex(StoreKind kind) throws Exception {
        Database db = seeded(kind);
        List<Captured> captured = capture(db);
        if (kind == StoreKind.SQLITE) {
            // The embedded store never runs ANALYZE itself, so a server's SQLite plans by its built-in guesses;
            // after an ANALYZE (by an operator, or by a later version) it plans by the samples it took, per bound
            // value. Both must find the index.
            assertNoFullScans(kind, plans(db, kind, captured), "without statistics");
        }
        analyze(db);
        assertNoFullScans(kind, plans(db, kind, captured), "after ANALYZE");
    }

    /** Runs the hot paths in a transaction that is rolled back, recording each statement the store prepares. */
    private static List<Captured> capture(Database db) throws Exception {
        List<Captured> captured = new ArrayList<>();
        try (Connection real = db.writerDataSource().getConnection()) {
            real.setAutoCommit(false);
            try {
                Connection recording = recording(real, captured);
                Database.untracked(() -> {
                    try {
                        runHotPaths(recording);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            } finally {
                real.rollback();
                real.setAutoCommit(true);
            }
        }
        return captured;
    }

    /** Each distinct statement's plan, for its first recorded parameters. */
    private static Map<String, String> plans(Database db, StoreKind kind, List<Captured> captured) throws Exception {
        Map<String, String> plans = new LinkedHashMap<>();
        try (Connection c = db.writerDataSource().getConnection()) {
            for (Captured q : captured) {
                if (!plans.containsKey(q.sql())) {
                    plans.put(q.sql(), explain(c, kind, q));
                }
            }
        }
        assertThat(plans).hasSizeGreaterThan(25);
        return plans;
    }

    private static void assertNoFullScans(StoreKind kind, Map<String, String> plans, String when) {
        List<String> offenders = new ArrayList<>();
        plans.forEach((sql, plan) -> {
            if (!fullScans(kind, sql, plan).isEmpty()) {
                offenders.add(sql + "\n" + plan);
            }
        });
        assertThat(offenders).as("queries that read a whole table on %s, %s", kind, when).isEmpty();
    }

    private static final Pattern SQLITE_SCAN = Pattern.compile("^SCAN (\\w+)");
    private static final Pattern TABLE_ALIAS = Pattern.compile("(?i)\\b(?:FROM|JOIN)\\s+(\\w+)\\s+(?:AS\\s+)?(\\w+)");

    /**
     * The steps of {@code plan} that read a guarded table whole. PostgreSQL: a sequential scan. SQLite: a SCAN
     * step (of the table, or of all of one of its indexes), named by the table or by its alias in {@code sql};
     * an index lookup is a SEARCH step.
     */
    static List<String> fullScans(StoreKind kind, String sql, String plan) {
        List<String> steps = new ArrayList<>();
        if (kind == StoreKind.POSTGRES) {
            for (String line : plan.split("\n")) {
                if (GUARDED.stream().anyMatch(t -> line.contains("Seq Scan on " + t + " "))) {
                    steps.add(line);
                }
            }
            return steps;
        }
        java.util.Set<String> names = new java.util.HashSet<>(GUARDED);
        Matcher alias = TABLE_ALIAS.matcher(sql);
        while (alias.find()) {
            if (GUARDED.contains(alias.group(1))) {
                names.add(alias.group(2));
            }
        }
        for (String line : plan.split("\n")) {
            Matcher scan = SQLITE_SCAN.matcher(line.strip());
            if (scan.find() && names.contains(scan.group(1))) {
                steps.add(line);
            }
        }
        return steps;
    }

    @Test
    void aFullScanIsRecognisedOnBothStores() {
        // The rule itself, on plans as each store prints them, so a change of wording cannot make it pass vacuously.
        String sql = "SELECT p.ach_key FROM progress p JOIN users u ON u.user_id = p.user_id WHERE u.app_id = ?";
        assertThat(fullScans(StoreKind.SQLITE, sql, "SEARCH u USING INDEX sqlite_autoindex_users_1 (app_id=?)\n"
                + "SCAN p")).containsExactly("SCAN p");
        assertThat(fullScans(StoreKind.SQLITE, sql, "SCAN u USING COVERING INDEX sqlite_autoindex_users_1\n"
                + "SEARCH p USING INDEX progress_pkey (app_id=? AND user_id=?)")).hasSize(1);
        assertThat(fullScans(StoreKind.SQLITE, sql, "SEARCH u USING INDEX sqlite_autoindex_users_1 (app_id=?)\n"
                + "SEARCH p USING INDEX progress_pkey (app_id=? AND user_id=?)\nSCAN CONSTANT ROW")).isEmpty();
        assertThat(fullScans(StoreKind.POSTGRES, sql, "Hash Join\n  ->  Seq Scan on progress p  (cost=0.00..1.00)"))
                .hasSize(1);
        assertThat(fullScans(StoreKind.POSTGRES, sql, "Index Scan using progress_pkey on progress p")).isEmpty();
    }

    /** The per-request queries of every dialect and of the scheduler, as the store layer issues them. */
    private static void runHotPaths(Connection c) throws Exception {
        String app = "app2";
        String user = "user1234";
        long now = 1_900_000_000_000L;
        UserStore users = new UserStore();
        MetricStore metrics = new MetricStore();
        ProgressStore progress = new ProgressStore();
        CounterStore counters = new CounterStore();
        StreakStore streaks = new StreakStore();
        AppStore apps = new AppStore();

        apps.findKeyByPrefix(c, "pfx2");
        apps.touchKey(c, app, "key2", now);
        users.find(c, app, user);
        users.findAll(c, app, List.of(user, "user77", "user3000"));
        User u = users.lock(c, app, user).orElseThrow();
        users.update(c, app, u);
        users.insertIfAbsent(c, app, User.create("fresh-user", User.Patch.none(), now));
        metrics.total(c, app, user, "m1");
        metrics.totals(c, app, user);
        metrics.addToTotal(c, app, user, "m1", 1, now);
        metrics.insertEvent(c, app, user, "ev-new", "m1", 1, Map.of(), now, now);
        metrics.claimIdempotencyKey(c, app, user, "m1", "k1234", "ev-new", now);
        metrics.idempotentEvent(c, app, user, "m1", "k1234");
        List<Progress> mine = progress.forUser(c, app, user);
        assertThat(progress.completionsWithUser(c, app, user)).isPresent();
        progress.forUsers(c, app, List.of(user, "user99"), null, null);
        progress.forUsers(c, app, List.of(user), null, ProgressState.UNLOCKED);
        progress.forUsers(c, app, List.of(user), List.of("ach1", "ach2"), null);
        assertThat(progress.forUserIfKnown(c, app, user, null, ProgressState.UNLOCKED)).isPresent();
        assertThat(progress.forUserIfKnown(c, app, user, List.of("ach1", "ach2"), null)).isPresent();
        Progress p = mine.getFirst();
        progress.save(c, app, user, List.of(p.withSteps(p.steps() + 1, now),
                new Progress("ach-new", ProgressState.REVEALED, 0, 0, 0, null, null, null, now, now)));
        counters.add(c, app, Map.of(CounterStore.completions("ach3"), 1L, CounterStore.USERS, 1L));
        counters.all(c, app);
        LocalDate d = LocalDate.parse("2026-01-03");
        StreakStore.RowAndPeriods withPeriods = streaks.findWithPeriods(c, app, user, Frequency.DAILY);
        streaks.findWithPeriods(c, app, user, Frequency.WEEKLY);
        Optional<StreakStore.UserRow> withUser = streaks.findWithUser(c, app, user, Frequency.DAILY, d);
        streaks.findAll(c, app, List.of(user, "user5"));
        streaks.countLonger(c, app, 3, now);
        streaks.ranks(c, app, now + 1000, 10_000);
        streaks.topActive(c, app, now, 10);
        streaks.topLongest(c, app, 10);
        streaks.due(c, now, 500);
        streaks.period(c, app, user, Frequency.DAILY, d);
        streaks.maxLengthSince(c, app, user, Frequency.DAILY, d.minusDays(90));
        streaks.savePeriods(c, app, user, Frequency.DAILY, List.of(PeriodRecord.empty(new Period(d, d)),
                PeriodRecord.empty(new Period(d.plusDays(1), d.plusDays(1)))));
        StreakState state = new StreakState(Frequency.DAILY, null, 1, d, d, 1, 0, null, null, List.of());
        streaks.save(c, app, new StreakStore.Row(user, state, 1, 1, now, now, now),
                new StreakStore.Row(user, state, 3, 3, now, now, now), now);
        streaks.clearDue(c, app, "user77");
        assertThat(withPeriods.row()).isPresent();
        assertThat(withUser).map(StreakStore.UserRow::row).contains(withPeriods.row());
        StoreHooks.extra(c, app, user, now);
    }

    private static String explain(Connection c, StoreKind kind, Captured q) throws Exception {
        String prefix = kind == StoreKind.POSTGRES ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
        try (PreparedStatement ps = c.prepareStatement(prefix + q.sql())) {
            for (int i = 0; i < q.params().length; i++) {
                Object v = q.params()[i];
                if (v == null) {
                    ps.setNull(i + 1, java.sql.Types.VARCHAR);
                } else {
                    ps.setObject(i + 1, v);
                }
            }
            StringBuilder sb = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                // PostgreSQL: one text column. SQLite: id, parent, notused, detail.
                int column = kind == StoreKind.POSTGRES ? 1 : rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    sb.append(rs.getString(column)).append('\n');
                }
            }
            return sb.toString();
        }
    }

    /** A connection that records every prepared statement's SQL and first parameter set, then delegates. */
    private static Connection recording(Connection real, List<Captured> out) {
        return (Connection) Proxy.newProxyInstance(ExplainTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("isWrapperFor")) {
                        // Not SQLite's connection, as far as StatementCache can tell: it then prepares through
                        // this proxy, where the statement is recorded, instead of on the driver's connection.
                        return false;
                    }
                    Object r = invoke(real, m, args);
                    if (m.getName().equals("prepareStatement") && r instanceof PreparedStatement ps) {
                        String sql = (String) args[0];
                        return statement(ps, sql, out);
                    }
                    return r;
                });
    }

    private static PreparedStatement statement(PreparedStatement real, String sql, List<Captured> out) {
        Map<Integer, Object> params = new TreeMap<>();
        boolean[] recorded = {false};
        InvocationHandler h = (proxy, m, args) -> {
            String name = m.getName();
            if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer idx) {
                params.put(idx, name.equals("setNull") ? null : args[1]);
            }
            if ((name.startsWith("execute") || name.equals("addBatch")) && !recorded[0]) {
                recorded[0] = true;
                Object[] p = new Object[params.size()];
                params.forEach((i, v) -> p[i - 1] = v);
                out.add(new Captured(sql, p));
            }
            return invoke(real, m, args);
        };
        return (PreparedStatement) Proxy.newProxyInstance(ExplainTest.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, h);
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Hot paths of the Mobage dialect's stores: tokens on every request, friends' records. */
    static final class StoreHooks {
        static void extra(Connection c, String app, String user, long now) {
            TokenStore tokens = new TokenStore();
            FriendStore friends = new FriendStore();
            ProgressStore progress = new ProgressStore();
            tokens.find(c, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
            tokens.purgeDead(c, app, user, now);
            tokens.insert(c, "f".repeat(64), new TokenStore.TokenRow(app, user, "key2", now, now + 1000, null));
            tokens.revoke(c, app, "f".repeat(64), now);
            friends.friendsOf(c, app, user);
            friends.add(c, app, user, "user99", now);
            progress.forFriendsOf(c, app, List.of(user), List.of("ach1", "ach2"), null);
            progress.forFriendsOf(c, app, List.of(user), List.of("ach1", "ach2"), ProgressState.REVEALED);
        }
    }
}
