package io.accolade.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.domain.Progress;
import io.accolade.domain.ProgressState;
import io.accolade.domain.User;
import io.accolade.domain.streak.Frequency;
import io.accolade.domain.streak.Period;
import io.accolade.domain.streak.PeriodRecord;
import io.accolade.domain.streak.StreakState;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 7, point 4: every hot query of the store layer takes an index path on PostgreSQL. The store methods run for
 * real (in a transaction that is rolled back) on a migrated schema with representative rows (several apps, thousands
 * of users, tens of progress records each, ANALYZEd); a recording connection captures each statement with its
 * parameters, and EXPLAIN of each must show no sequential scan of a per-user or counter table. Because the
 * statements are captured from the store code itself, a new query or a changed one is checked without editing
 * this test.
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

    private String schema;
    private Database db;

    @BeforeAll
    void seed() throws Exception {
        Assumptions.assumeTrue(Stores.isCi() || Stores.pgReachable(), "PostgreSQL not reachable (CI=true requires it)");
        schema = Stores.createSchema();
        db = Database.postgres(Stores.schemaUrl(schema), Optional.of(Stores.PG_USER),
                Optional.ofNullable(Stores.PG_PASSWORD), 2, Duration.ofSeconds(10));
        db.migrate();
        try (Connection c = db.writerDataSource().getConnection(); Statement s = c.createStatement()) {
            String apps = "generate_series(1, " + APPS + ") a";
            String users = "generate_series(1, " + USERS + ") u";
            s.execute("INSERT INTO apps SELECT 'app' || a, 'App', 0, 0 FROM " + apps);
            s.execute("INSERT INTO api_keys SELECT 'app' || a, 'key' || a, 'pfx' || a, repeat('0', 64), 0, NULL FROM "
                    + apps);
            s.execute("INSERT INTO users SELECT 'app' || a, 'user' || u, NULL, NULL, 'UTC', NULL, false, '{}', false, 0, "
                    + "0, 0 FROM " + apps + ", " + users);
            s.execute("INSERT INTO metric_totals SELECT 'app' || a, 'user' || u, 'm' || m, u * m, 0 FROM " + apps
                    + ", " + users + ", generate_series(1, 4) m");
            s.execute("INSERT INTO events SELECT 'app' || a, 'user' || u, 'ev' || e, 'm' || (e % 4 + 1), 1, NULL, "
                    + "1000 * e, 1000 * e FROM " + apps + ", " + users + ", generate_series(1, 5) e");
            s.execute("INSERT INTO idempotency_keys SELECT 'app' || a, 'user' || u, 'm1', 'k' || u, 'ev1', 0 FROM "
                    + apps + ", " + users);
            s.execute("INSERT INTO progress SELECT 'app' || a, 'user' || u, 'ach' || k, "
                    + "CASE WHEN k % 3 = 0 THEN 'UNLOCKED' ELSE 'REVEALED' END, k, 0, "
                    + "CASE WHEN k % 3 = 0 THEN 1 ELSE 0 END, NULL, NULL, NULL, u + k, u * k FROM " + apps + ", "
                    + users + ", generate_series(1, " + ACHIEVEMENTS + ") k");
            String counterApps = "generate_series(1, " + COUNTER_APPS + ") a";
            s.execute("INSERT INTO counters SELECT 'app' || a, 'completions:ach' || k, sl, 1 FROM " + counterApps
                    + ", generate_series(1, " + ACHIEVEMENTS + ") k, generate_series(0, 15) sl");
            s.execute("INSERT INTO counters SELECT 'app' || a, 'users', sl, 1 FROM " + counterApps
                    + ", generate_series(0, 15) sl");
            s.execute("INSERT INTO streak_lengths SELECT 'app' || a, len, sl, 3 FROM " + counterApps
                    + ", generate_series(1, 60) len, generate_series(0, 15) sl");
            s.execute("INSERT INTO streaks SELECT 'app' || a, 'user' || u, 'daily', "
                    + "'{\"frequency\": \"daily\", \"length\": 1, \"longest\": 1, \"freezes\": 0, \"grants\": []}', "
                    + "u % 30, u % 45, "
                    + "CASE WHEN u % 30 = 0 THEN NULL ELSE 2000000000000 + u END, "
                    + "CASE WHEN u % 30 = 0 THEN NULL ELSE 2000000000000 + u END, NULL, 0 FROM " + apps + ", "
                    + users);
            s.execute("INSERT INTO streak_periods SELECT 'app' || a, 'user' || u, 'daily', "
                    + "to_char(DATE '2026-01-01' + d, 'YYYY-MM-DD'), to_char(DATE '2026-01-01' + d, 'YYYY-MM-DD'), "
                    + "'{}', true, NULL, false, d FROM " + apps + ", " + users + ", generate_series(1, 5) d");
            s.execute("INSERT INTO access_tokens SELECT md5('t' || a || '-' || u) || md5('x' || u), 'app' || a, "
                    + "'user' || u, 'key' || a, 0, 9000000000000, NULL FROM " + apps + ", " + users);
            if (tableExists(c, "friends")) {
                s.execute("INSERT INTO friends SELECT 'app' || a, 'user' || u, 'user' || (u % " + USERS + " + 1), 0 "
                        + "FROM " + apps + ", " + users);
            }
            s.execute("ANALYZE");
        }
    }

    @AfterAll
    void drop() {
        if (db != null) {
            db.close();
        }
        if (schema != null) {
            Stores.dropSchema(schema);
        }
    }

    /** One statement as the store sent it: the SQL and its first parameter set. */
    record Captured(String sql, Object[] params) {
    }

    @Test
    void everyHotQueryOfTheStoreLayerUsesAnIndex() throws Exception {
        List<Captured> captured = new ArrayList<>();
        try (Connection real = db.writerDataSource().getConnection()) {
            real.setAutoCommit(false);
            try {
                Connection c = recording(real, captured);
                runHotPaths(c);
            } finally {
                real.rollback();
                real.setAutoCommit(true);
            }
            Map<String, String> plans = new LinkedHashMap<>();
            for (Captured q : captured) {
                if (plans.containsKey(q.sql())) {
                    continue;
                }
                plans.put(q.sql(), explain(real, q));
            }
            assertThat(plans).hasSizeGreaterThan(25);
            List<String> offenders = new ArrayList<>();
            plans.forEach((sql, plan) -> {
                for (String table : GUARDED) {
                    if (plan.contains("Seq Scan on " + table + " ")) {
                        offenders.add(sql + "\n" + plan);
                    }
                }
            });
            assertThat(offenders).as("queries that scan a whole table").isEmpty();
        }
    }

    /** The per-request queries of every dialect and of the scheduler, as the store layer issues them. */
    private void runHotPaths(Connection c) throws Exception {
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
        streaks.topActive(c, app, now, 10);
        streaks.topLongest(c, app, 10);
        streaks.due(c, now, 500);
        streaks.period(c, app, user, Frequency.DAILY, d);
        streaks.maxLengthSince(c, app, user, Frequency.DAILY, d.minusDays(90));
        streaks.savePeriods(c, app, user, Frequency.DAILY, List.of(PeriodRecord.empty(new Period(d, d)),
                PeriodRecord.empty(new Period(d.plusDays(1), d.plusDays(1)))));
        StreakState state = new StreakState(Frequency.DAILY, null, 1, d, d, 1, 0, null, null, List.of());
        streaks.save(c, app, new StreakStore.Row(user, state, 1, 1, now, now, now), 3, now);
        streaks.clearDue(c, app, "user77");
        assertThat(withPeriods.row()).isPresent();
        assertThat(withUser).map(StreakStore.UserRow::row).contains(withPeriods.row());
        StoreHooks.extra(c, app, user, now);
    }

    private static String explain(Connection c, Captured q) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + q.sql())) {
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
                while (rs.next()) {
                    sb.append(rs.getString(1)).append('\n');
                }
            }
            return sb.toString();
        }
    }

    private static boolean tableExists(Connection c, String table) throws Exception {
        try (ResultSet rs = c.getMetaData().getTables(null, null, table, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    /** A connection that records every prepared statement's SQL and first parameter set, then delegates. */
    private static Connection recording(Connection real, List<Captured> out) {
        return (Connection) Proxy.newProxyInstance(ExplainTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, m, args) -> {
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
