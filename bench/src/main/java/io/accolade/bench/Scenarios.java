package io.accolade.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.sqlite.SQLiteConnection;

/**
 * The scenarios: for each, how to make one varied, valid HTTP request, how to check its answer, and the storage
 * anchor, i.e. exactly the SQL statements one such request runs in the server (same text, same transaction
 * boundaries, same number of rows), run by the JDBC loop without HTTP, JSON or engine.
 *
 * <p>The SQL strings are copies of the store layer's (src/main/java/io/accolade/store). When the store changes, the
 * anchors must follow; {@code bench/run --trace} compares them with the statements the server sends (see Trace).
 */
final class Scenarios {
    /** What every request of a run shares. */
    static final class Ctx {
        String host = "127.0.0.1";
        int port;
        String apiKey;
        int users;
        Zipf zipf;
        String runId;
        /** Mobage: a token per user index for the first {@code tokenUsers} users (Zipf over those). */
        String[] tokens;
        String[] tokenHashes;
        Zipf tokenZipf;

        /**
         * What the server keeps of a user after a write (service/LockedRecords), by user: the write sequence number
         * it committed under and what the next write needs of the records (and, after an event, of the streak). A
         * write whose lock returns one more starts from it instead of reading them, as the server's does.
         */
        final ConcurrentHashMap<String, Kept> kept = new ConcurrentHashMap<>();

        String user(SplittableRandom r) {
            return Dataset.userId(zipf.next(r));
        }
    }

    /** {@link Ctx#kept}: {@code records} is the part of the user's records the anchor's next write uses. */
    record Kept(long writeSeq, Object records) {
    }

    /**
     * The user's records kept by the previous write when it is the last committed one and kept them in the shape
     * this write uses, else null. Each write anchor keeps only the part it needs (an xp event its far records, a
     * Mobage increment its steps), where the server keeps all of them: a user whose last write was another
     * scenario's (e.g. a Mobage anchor's, then `mixed`'s xp event) is read again here, at most once.
     */
    static <T> T kept(Ctx ctx, String user, long writeSeq, Class<T> shape) {
        Kept k = ctx.kept.get(user);
        return k != null && k.writeSeq() == writeSeq - 1 && shape.isInstance(k.records())
                ? shape.cast(k.records()) : null;
    }

    /**
     * As the server after its commit (here just before it: the user's next write waits for that commit on the user's
     * lock either way): the next write may start from these.
     */
    static void keep(Ctx ctx, String user, long writeSeq, Object records) {
        ctx.kept.put(user, new Kept(writeSeq, records));
    }

    interface Http {
        byte[] request(Ctx ctx, SplittableRandom r, int worker, long seq);
    }

    interface Check {
        boolean ok(RawHttp.Response res);
    }

    interface Anchor {
        void run(Connection c, Ctx ctx, SplittableRandom r, int worker, long seq) throws SQLException;
    }

    /**
     * {@code sqlPerRequest} false: the server answers the request from memory (AchievementReads' per-node sum of the
     * counters, read again at most once a second); the anchor is then the SQL of a refresh, shown for reference, and
     * the target for reads that need not read the database applies (≥ 0.5 × the HTTP limit).
     */
    record Scenario(String name, String what, boolean write, boolean mobage, Http http, Check check, Anchor anchor,
                    boolean sqlPerRequest, List<Scenario> mix) {
        Scenario(String name, String what, boolean write, boolean mobage, Http http, Check check, Anchor anchor,
                 boolean sqlPerRequest) {
            this(name, what, write, mobage, http, check, anchor, sqlPerRequest, List.of());
        }

        Scenario(String name, String what, boolean write, boolean mobage, Http http, Check check, Anchor anchor) {
            this(name, what, write, mobage, http, check, anchor, true);
        }

        /**
         * A mix: each request (and each anchor operation) is one of {@code parts}, drawn with equal chances (list
         * a part twice to weigh it double). It writes when any part does.
         */
        static Scenario mix(String name, String what, List<Scenario> parts) {
            return new Scenario(name, what, parts.stream().anyMatch(Scenario::write),
                    parts.stream().anyMatch(Scenario::mobage), null, null, null, true, List.copyOf(parts));
        }

        /** The scenario this request runs: itself, or a part of a mix. */
        Scenario pick(SplittableRandom r) {
            return mix.isEmpty() ? this : mix.get(r.nextInt(mix.size()));
        }
    }

    static List<Scenario> all() {
        List<Scenario> out = new ArrayList<>();
        out.add(new Scenario("event-no-unlock", "POST /v1/metrics/xp/event (existing user, no threshold crossed)",
                true, false, Scenarios::xpEvent, res -> res.status() == 201 && !res.text().contains("\"achievedAt\""),
                Scenarios::xpEventSql));
        out.add(new Scenario("event-chain", "POST /v1/metrics/lessons/event (new user: unlocks lessons-1, streak-1, "
                + "chain-1..3)", true, false, Scenarios::chainEvent,
                res -> res.status() == 201 && res.text().contains("\"chain-3\""), Scenarios::chainEventSql));
        out.add(new Scenario("user-achievements", "GET /v1/users/{id}/achievements?includeIncomplete=true",
                false, false, Scenarios::userAchievements, res -> res.status() == 200, Scenarios::userAchievementsSql));
        out.add(new Scenario("achievements", "GET /v1/achievements (rarity of 100 definitions)", false, false,
                Scenarios::achievements, res -> res.status() == 200, Scenarios::achievementsSql, false));
        out.add(new Scenario("mobage-increment", "POST …/@me/@self/achievements/@app/{id}/increment {steps:1}", true,
                true, Scenarios::mobageIncrement, res -> res.status() == 200, Scenarios::mobageIncrementSql));
        out.add(new Scenario("mobage-collection", "GET …/@me/@self/achievements/@app?filterBy=state&sortBy=updated"
                + "&fields=…", false, true, Scenarios::mobageCollection, res -> res.status() == 200,
                Scenarios::mobageCollectionSql));
        out.add(new Scenario("streak", "GET /v1/users/{id}/streak", false, false, Scenarios::streak,
                res -> res.status() == 200, Scenarios::streakSql));
        // Reads and writes at once: whether writes may take more of the pool is only visible when reads want it too.
        Scenario event = named(out, "event-no-unlock");
        out.add(Scenario.mix("mixed", "half event-no-unlock, a quarter each user-achievements and streak",
                List.of(event, event, named(out, "user-achievements"), named(out, "streak"))));
        return out;
    }

    private static Scenario named(List<Scenario> all, String name) {
        return all.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    static Scenario liveness() {
        return new Scenario("health-live", "GET /health/live (HTTP limit: no I/O)", false, false,
                (ctx, r, w, s) -> get(ctx, "/health/live"), res -> res.status() == 200, null);
    }

    // ---- HTTP requests -------------------------------------------------------------------------------------------

    private static byte[] get(Ctx ctx, String target, String... headers) {
        return RawHttp.request("GET", target, ctx.host + ":" + ctx.port, headers, null);
    }

    private static byte[] post(Ctx ctx, String target, String body, String... headers) {
        return RawHttp.request("POST", target, ctx.host + ":" + ctx.port, headers,
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static String key(Ctx ctx) {
        return "X-API-KEY: " + ctx.apiKey;
    }

    static byte[] xpEvent(Ctx ctx, SplittableRandom r, int w, long seq) {
        return post(ctx, "/v1/metrics/xp/event", "{\"user\":{\"id\":\"" + ctx.user(r) + "\"},\"value\":"
                + (1 + r.nextInt(3)) + "}", key(ctx));
    }

    static String freshUser(Ctx ctx, String kind, int w, long seq) {
        return "new-" + ctx.runId + "-" + kind + "-" + w + "-" + seq;
    }

    static byte[] chainEvent(Ctx ctx, SplittableRandom r, int w, long seq) {
        return post(ctx, "/v1/metrics/lessons/event", "{\"user\":{\"id\":\"" + freshUser(ctx, "h", w, seq)
                + "\"},\"value\":1}", key(ctx));
    }

    static byte[] userAchievements(Ctx ctx, SplittableRandom r, int w, long seq) {
        return get(ctx, "/v1/users/" + ctx.user(r) + "/achievements?includeIncomplete=true", key(ctx));
    }

    private static final String[] ATTR_FILTERS = {"", "?userAttributes=plan:pro", "?userAttributes=plan:free",
        "?userAttributes=plan:pro,country:jp", ""};

    static byte[] achievements(Ctx ctx, SplittableRandom r, int w, long seq) {
        return get(ctx, "/v1/achievements" + ATTR_FILTERS[r.nextInt(ATTR_FILTERS.length)], key(ctx));
    }

    static byte[] streak(Ctx ctx, SplittableRandom r, int w, long seq) {
        int n = r.nextInt(4) == 0 ? 30 : 7;
        return get(ctx, "/v1/users/" + ctx.user(r) + "/streak" + (n == 7 ? "" : "?historyPeriods=" + n), key(ctx));
    }

    static byte[] mobageIncrement(Ctx ctx, SplittableRandom r, int w, long seq) {
        int u = ctx.tokenZipf.next(r);
        return post(ctx, "/social/api/restful/v2/people/@me/@self/achievements/@app/mb-" + (1 + r.nextInt(10))
                + "/increment", "{\"steps\":1}", "Authorization: Bearer " + ctx.tokens[u]);
    }

    static byte[] mobageCollection(Ctx ctx, SplittableRandom r, int w, long seq) {
        int u = ctx.tokenZipf.next(r);
        String state = r.nextInt(4) == 0 ? "REVEALED" : "UNLOCKED";
        return get(ctx, "/social/api/restful/v2/people/@me/@self/achievements/@app?filterBy=state&filterValue="
                + state + "&sortBy=updated&sortOrder=descending&fields=achievementId,numOfUnlocked,updated",
                "Authorization: Bearer " + ctx.tokens[u]);
    }

    // ---- storage anchors: the statements of store/*.java ----------------------------------------------------------

    /** {@code "a, b"} qualified by a table alias, as store/Sql#qualified writes it. */
    static String qualified(String alias, String columns) {
        return alias + "." + columns.replace(", ", ", " + alias + ".");
    }

    static final String USER_COLUMNS = "user_id, email, name, tz, device_tokens, subscribe_to_emails, attributes, "
            + "control, created_at, updated_at";
    static final String LOCK_USER = "UPDATE users SET write_seq = write_seq + 1 WHERE app_id = ? AND user_id = ? "
            + "RETURNING " + USER_COLUMNS + ", write_seq";
    static final String FIND_USER = "SELECT " + USER_COLUMNS + " FROM users WHERE app_id = ? AND user_id = ?";
    static final String INSERT_USER = "INSERT INTO users (app_id, user_id, email, name, tz, device_tokens, "
            + "subscribe_to_emails, attributes, control, write_seq, created_at, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (app_id, user_id) DO NOTHING";
    static final String ADD_TOTAL = "INSERT INTO metric_totals (app_id, user_id, metric_key, total, updated_at) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (app_id, user_id, metric_key) DO UPDATE SET "
            + "total = metric_totals.total + excluded.total, updated_at = excluded.updated_at "
            + "RETURNING total";
    static final String INSERT_EVENT = "INSERT INTO events (app_id, user_id, event_id, metric_key, value, attributes, "
            + "event_time, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    /** One user's records leave out user_id (ProgressStore#forUser); several users' include it. */
    static final String RECORD_COLUMNS = "ach_key, state, steps, metric_progress, unlock_count, "
            + "first_unlocked_at, last_unlocked_at, completion_id, created_at, updated_at";
    static final String PROGRESS_OF_USER = "SELECT " + RECORD_COLUMNS
            + " FROM progress WHERE app_id = ? AND user_id = ?";
    /**
     * Trophy's reads of a user (ProgressStore#completionsWithUser): the user, and when each completed achievement
     * was completed, in one join.
     */
    static final String USER_COMPLETIONS = "SELECT " + qualified("u", USER_COLUMNS) + ", p.ach_key, "
            + "p.first_unlocked_at FROM users u LEFT JOIN progress p ON p.app_id = u.app_id "
            + "AND p.user_id = u.user_id AND p.first_unlocked_at IS NOT NULL WHERE u.app_id = ? AND u.user_id = ?";
    static final String SAVE_PROGRESS = "INSERT INTO progress (app_id, user_id, ach_key, state, steps, "
            + "metric_progress, unlock_count, "
            + "first_unlocked_at, last_unlocked_at, completion_id, created_at, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (app_id, user_id, ach_key) DO UPDATE SET "
            + "state = excluded.state, steps = excluded.steps, metric_progress = excluded.metric_progress, "
            + "unlock_count = excluded.unlock_count, first_unlocked_at = excluded.first_unlocked_at, "
            + "last_unlocked_at = excluded.last_unlocked_at, completion_id = excluded.completion_id, "
            + "updated_at = excluded.updated_at";
    static final String ADD_COUNTER = "INSERT INTO counters (app_id, counter, slot, value) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (app_id, counter, slot) DO UPDATE SET value = counters.value + excluded.value";
    static final String ADD_LENGTH = "INSERT INTO streak_lengths (app_id, length, slot, users) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (app_id, length, slot) DO UPDATE SET users = streak_lengths.users + excluded.users";
    static final String ALL_COUNTERS = "SELECT counter, SUM(value) AS total FROM counters WHERE app_id = ? "
            + "GROUP BY counter";
    // The streak joins of StreakStore: a stored row (alias s) and period records (alias p) in one statement.
    private static final String STREAK_ROW_COLUMNS = "s.state, s.length, s.longest, s.alive_until, s.next_check_at, "
            + "s.last_extended_at";
    private static final String PERIOD_COLUMNS = "p.period_start, p.period_end, p.sums, p.met, p.met_at, "
            + "p.used_freeze, p.length AS period_length";
    /** The row's settled period when it is of the frequency bound here, else null. */
    private static final String SETTLED_IN = "CASE WHEN s.state ->> 'frequency' = ? "
            + "THEN s.state ->> 'settledThrough' END";
    /** An event's streak row and the period records after its settled period (StreakStore#findWithPeriods). */
    static final String STREAK_WITH_PERIODS = "SELECT s.user_id, " + STREAK_ROW_COLUMNS + ", " + PERIOD_COLUMNS
            + " FROM (SELECT 1 AS one) o LEFT JOIN streaks s ON s.app_id = ? AND s.user_id = ? "
            + "LEFT JOIN streak_periods p ON p.app_id = ? AND p.user_id = ? AND p.frequency = ? "
            + "AND p.period_start > COALESCE(" + SETTLED_IN + ", '')";
    /** A streak read's user, streak row and period records in one statement (StreakStore#findWithUser). */
    static final String USER_WITH_STREAK = "SELECT " + qualified("u", USER_COLUMNS) + ", " + STREAK_ROW_COLUMNS
            + ", " + PERIOD_COLUMNS + " FROM users u "
            + "LEFT JOIN streaks s ON s.app_id = u.app_id AND s.user_id = u.user_id "
            + "LEFT JOIN streak_periods p ON p.app_id = u.app_id AND p.user_id = u.user_id "
            + "AND p.frequency = ? AND p.period_start > CASE WHEN " + SETTLED_IN + " IS NULL THEN '' "
            + "WHEN " + SETTLED_IN + " < ? THEN " + SETTLED_IN + " ELSE ? END "
            + "WHERE u.app_id = ? AND u.user_id = ?";
    static final String SAVE_PERIODS = "INSERT INTO streak_periods (app_id, user_id, frequency, period_start, "
            + "period_end, sums, met, "
            + "met_at, used_freeze, length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (app_id, user_id, frequency, period_start) DO UPDATE SET period_end = excluded.period_end, "
            + "sums = excluded.sums, met = excluded.met, met_at = excluded.met_at, "
            + "used_freeze = excluded.used_freeze, length = excluded.length";
    static final String SAVE_STREAK = "INSERT INTO streaks (app_id, user_id, frequency, state, length, longest, "
            + "alive_until, "
            + "next_check_at, last_extended_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (app_id, user_id) DO UPDATE SET frequency = excluded.frequency, "
            + "state = excluded.state, length = excluded.length, longest = excluded.longest, "
            + "alive_until = excluded.alive_until, next_check_at = excluded.next_check_at, "
            + "last_extended_at = excluded.last_extended_at, updated_at = excluded.updated_at";
    static final String NOTIFY = "SELECT pg_notify('accolade_changes', ?)";
    static final String FIND_TOKEN = "SELECT t.app_id, t.user_id, t.key_id, t.created_at, t.expires_at, "
            + "t.revoked_at FROM access_tokens t JOIN api_keys k ON k.app_id = t.app_id AND k.key_id = t.key_id "
            + "WHERE t.token_hash = ?";
    /**
     * All of one user's records with the user's existence, in one join (ProgressStore#forUserIfKnown): what a
     * collection read that misses the server's memory reads, whatever it filters by (MobageService#recordsOf).
     */
    static final String PROGRESS_OF_KNOWN_USER = "SELECT u.user_id, " + qualified("p", RECORD_COLUMNS)
            + " FROM users u LEFT JOIN progress p ON p.app_id = u.app_id AND p.user_id = u.user_id"
            + " WHERE u.app_id = ? AND u.user_id = ?";

    static void xpEventSql(Connection c, Ctx ctx, SplittableRandom r, int w, long seq) throws SQLException {
        String user = ctx.user(r);
        long now = System.currentTimeMillis();
        int value = 1 + r.nextInt(3);
        long writeSeq = lockUser(c, user);
        double total = scalarDouble(c, ADD_TOTAL, Dataset.APP, user, "xp", (double) value, now);
        update(c, INSERT_EVENT, Dataset.APP, user, UUID.randomUUID().toString(), "xp", (double) value, null, now, now);
        // The previous event kept the records and the streak it stored (an xp event stores no streak row: "xp" does
        // not count for the streak, so the streak it keeps is the one it read).
        @SuppressWarnings("unchecked")
        List<String[]> far = kept(ctx, user, writeSeq, List.class);
        if (far == null) {
            far = new ArrayList<>();
            try (Stmt ps = prepare(c, PROGRESS_OF_USER, Dataset.APP, user);
                 ResultSet rs = ps.statement().executeQuery()) {
                while (rs.next()) {
                    if (rs.getString("ach_key").startsWith("xp-far-") && rs.getString("state").equals("REVEALED")) {
                        far.add(new String[] {rs.getString("ach_key"), rs.getString("created_at")});
                    }
                }
            }
            streakLoad(c, user);
        }
        List<Object[]> rows = new ArrayList<>();
        for (String[] f : far) {
            rows.add(new Object[] {Dataset.APP, user, f[0], "REVEALED", (long) Math.floor(total), 0.0, 0, null, null,
                null, Long.parseLong(f[1]), now});
        }
        batch(c, SAVE_PROGRESS, rows);
        announce(c, user);
        keep(ctx, user, writeSeq, far);
    }

    /**
     * The streak part of an event: the user's streak row and the period records after its settled date, in one
     * statement (StreakStore#findWithPeriods).
     */
    private static int streakLoad(Connection c, String user) throws SQLException {
        int length = 0;
        try (Stmt ps = prepare(c, STREAK_WITH_PERIODS, Dataset.APP, user, Dataset.APP, user, "daily",
                "daily"); ResultSet rs = ps.statement().executeQuery()) {
            int cols = rs.getMetaData().getColumnCount();
            for (boolean first = true; rs.next(); first = false) {
                if (first) {
                    length = rs.getInt("length");
                }
                for (int i = first ? 1 : cols - 6; i <= cols; i++) {   // the row once, the 7 period columns always
                    rs.getString(i);
                }
            }
        }
        return length;
    }

    /** Progress records a new user's first lessons event writes (see Scenario "event-chain"). */
    static final List<String> CHAIN_WRITES = List.of("lessons-1", "lessons-3", "lessons-5", "lessons-10",
            "lessons-25", "lessons-50", "lessons-100", "lessons-250", "lessons-500", "lessons-1000", "streak-1",
            "streak-2", "streak-3", "streak-5", "streak-7", "streak-10", "streak-14", "streak-30", "streak-60",
            "streak-100", "chain-1", "chain-2", "chain-3");
    static final List<String> CHAIN_UNLOCKS = List.of("lessons-1", "streak-1", "chain-1", "chain-2", "chain-3");

    static void chainEventSql(Connection c, Ctx ctx, SplittableRandom r, int w, long seq) throws SQLException {
        String user = freshUser(ctx, "s", w, seq);
        long now = System.currentTimeMillis();
        drain(c, LOCK_USER, Dataset.APP, user);
        update(c, INSERT_USER, Dataset.APP, user, null, null, null, null, false, "{}", false, now, now);
        update(c, ADD_COUNTER, Dataset.APP, "users", ThreadLocalRandom.current().nextInt(16), 1L);
        scalarDouble(c, ADD_TOTAL, Dataset.APP, user, "lessons", 1.0, now);
        update(c, INSERT_EVENT, Dataset.APP, user, UUID.randomUUID().toString(), "lessons", 1.0, null, now, now);
        drain(c, PROGRESS_OF_USER, Dataset.APP, user);
        streakLoad(c, user);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        update(c, SAVE_PERIODS, Dataset.APP, user, "daily", today, today, "{\"lessons\":1.0}", true, now, false, 1);
        update(c, SAVE_STREAK, Dataset.APP, user, "daily", "{\"frequency\":\"daily\",\"settledThrough\":null,"
                + "\"length\":0,\"started\":null,\"lastCounted\":null,\"longest\":0,\"freezes\":1,\"nextEarn\":\""
                + today + "\",\"grants\":[]}", 1, 1, now + 172_800_000L, now + 172_800_000L, now, now);
        List<Object[]> rows = new ArrayList<>();
        for (String k : CHAIN_WRITES) {
            boolean unlocked = CHAIN_UNLOCKS.contains(k);
            rows.add(new Object[] {Dataset.APP, user, k, unlocked ? "UNLOCKED" : "REVEALED", 1L, 0.0,
                unlocked ? 1 : 0, unlocked ? now : null, unlocked ? now : null,
                unlocked ? UUID.randomUUID().toString() : null, now, now});
        }
        batch(c, SAVE_PROGRESS, rows);
        int slot = ThreadLocalRandom.current().nextInt(16);
        List<Object[]> counters = new ArrayList<>();
        CHAIN_UNLOCKS.stream().sorted().forEach(k -> counters.add(new Object[] {Dataset.APP, "completions:" + k, slot,
            1L}));
        counters.sort((a, b) -> ((String) a[1]).compareTo((String) b[1]));
        batch(c, ADD_COUNTER, counters);
        // The new streak of length 1 in the per-length counts (StreakStore#save; deferred to the end of the batch,
        // like the counters, when the event runs in a group commit).
        update(c, ADD_LENGTH, Dataset.APP, 1, ThreadLocalRandom.current().nextInt(16), 1L);
        announce(c, user);
    }

    static void userAchievementsSql(Connection c, Ctx ctx, SplittableRandom r, int w, long seq) throws SQLException {
        String user = ctx.user(r);
        try (Stmt ps = prepare(c, USER_COMPLETIONS, Dataset.APP, user);
             ResultSet rs = ps.statement().executeQuery()) {
            // As the server reads it: the user's columns from the first row, the completion from every row.
            int userColumns = rs.getMetaData().getColumnCount() - 2;
            for (boolean first = true; rs.next(); first = false) {
                for (int i = first ? 1 : userColumns + 1; i <= userColumns + 2; i++) {
                    rs.getString(i);
                }
            }
        }
        // No ALL_COUNTERS: the server sums the counters at most once a second (see achievementsSql).
    }

    /** What a refresh of the server's per-node sum of the counters runs; a request itself runs no SQL. */
    static void achievementsSql(Connection c, Ctx ctx, SplittableRandom r, int w, long seq) throws SQLException {
        drain(c, ALL_COUNTERS, Dataset.APP);
    }

    /**
     * A streak read that misses the server's memory: the user with their streak row and period records. The rank
     * runs no statement per request: the server ranks from its read of the app's lengths, taken at most once a
     * second (StreakService#countLonger), like the counters' sums of {@code achievements}.
     */
    static void streakSql(Connection c, Ctx ctx, SplittableRandom r, int w, long seq) throws SQLException {
        String user = ctx.user(r);
        // The records from the earlier of the settled date and the floor below every zone's first shown period:
        // the first of n + 1 daily periods counted in UTC, less a day (StreakService#ofUser).
        int n = r.nextInt(4) == 0 ? 30 : 7;
        String floor = LocalDate.now(ZoneOffset.UTC).minusDays(n + 1L).toString();
        try (Stmt ps = prepare(c, USER_WITH_STREAK, "daily", "daily", "daily", floor, "daily", floor,
                Dataset.APP, user); ResultSet rs = ps.statement().executeQuery()) {
            int cols = rs.getMetaData().getColumnCount();
            int periodFrom = cols - 6;   // the 7 period columns come last
            for (boolean first = true; rs.next(); first = false) {
                for (int i = first ? 1 : periodFrom; i <= cols; i++) {   // user and row once, periods every row
                    rs.getString(i);
                }
            }
        }
    }

    static void mobageIncrementSql(Connection c, Ctx ctx, SplittableRandom r, int w, long seq) throws SQLException {
        String user;
        String key = "mb-" + (1 + r.nextInt(10));
        long now = System.currentTimeMillis();
        int u = ctx.tokenZipf.next(r);
        user = Dataset.userId(u);
        drain(c, FIND_TOKEN, ctx.tokenHashes[u]);
        long writeSeq = lockUser(c, user);
        // Per achievement key: {steps, created_at}.
        @SuppressWarnings("unchecked")
        Map<String, long[]> records = kept(ctx, user, writeSeq, Map.class);
        if (records == null) {
            records = new HashMap<>();
            try (Stmt ps = prepare(c, PROGRESS_OF_USER, Dataset.APP, user);
                 ResultSet rs = ps.statement().executeQuery()) {
                while (rs.next()) {
                    records.put(rs.getString("ach_key"), new long[] {rs.getLong("steps"), rs.getLong("created_at")});
                }
            }
        }
        long[] record = records.computeIfAbsent(key, k -> new long[] {0, now});
        record[0]++;
        batch(c, SAVE_PROGRESS, List.<Object[]>of(new Object[] {Dataset.APP, user, key, "REVEALED", record[0], 0.0, 0,
            null, null, null, record[1], now}));
        announce(c, user);
        keep(ctx, user, writeSeq, records);
    }

    /**
     * PostgreSQL: a write transaction ends by telling the other nodes which user it wrote, so that none serves a
     * cached read of the user's old rows (store/ChangeListener#announce); SQLite has no other nodes.
     */
    private static void announce(Connection c, String user) throws SQLException {
        if (!c.isWrapperFor(SQLiteConnection.class)) {
            drain(c, NOTIFY, "@bench\n" + Dataset.APP + "\t" + user + "\n");
        }
    }

    static void mobageCollectionSql(Connection c, Ctx ctx, SplittableRandom r, int w, long seq) throws SQLException {
        int u = ctx.tokenZipf.next(r);
        String user = Dataset.userId(u);
        drain(c, FIND_TOKEN, ctx.tokenHashes[u]);
        drain(c, PROGRESS_OF_KNOWN_USER, Dataset.APP, user);   // the state filter runs in memory, as the server's
    }

    // ---- JDBC helpers (bind like store/Sql.java) -----------------------------------------------------------------

    /**
     * One use of a prepared statement. On SQLite a worker's statements are kept on its connection from one use to
     * the next, as the server's StatementCache keeps them; on PostgreSQL each use prepares anew, as the server does
     * (pgjdbc keeps the server-prepared statement by its SQL either way).
     */
    record Stmt(PreparedStatement statement, boolean kept) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            if (kept) {
                statement.clearParameters();
                statement.clearBatch();
            } else {
                statement.close();
            }
        }
    }

    /** Each SQLite anchor connection's statements by SQL; a connection serves one worker at a time (Main#anchor). */
    private static final Map<Connection, Map<String, PreparedStatement>> KEPT = new ConcurrentHashMap<>();

    static Stmt prepare(Connection c, String sql, Object... params) throws SQLException {
        Stmt stmt;
        if (c.isWrapperFor(SQLiteConnection.class)) {
            Map<String, PreparedStatement> kept = KEPT.get(c);
            if (kept == null) {
                KEPT.keySet().removeIf(Scenarios::closed);   // the anchors of earlier scenarios are done
                kept = new HashMap<>();
                KEPT.put(c, kept);
            }
            PreparedStatement ps = kept.get(sql);
            if (ps == null) {
                ps = c.prepareStatement(sql);
                kept.put(sql, ps);
            }
            stmt = new Stmt(ps, true);
        } else {
            stmt = new Stmt(c.prepareStatement(sql), false);
        }
        bind(stmt.statement(), params);
        return stmt;
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            int idx = i + 1;
            switch (p) {
                case null -> ps.setNull(idx, Types.VARCHAR);
                case String s -> ps.setString(idx, s);
                case Long l -> ps.setLong(idx, l);
                case Integer n -> ps.setInt(idx, n);
                case Double d -> ps.setDouble(idx, d);
                case Boolean b -> ps.setBoolean(idx, b);
                default -> throw new IllegalArgumentException("unsupported parameter " + p.getClass());
            }
        }
    }

    /** Locks the user as store/UserStore#lockWithSeq does; the write sequence number it returns. */
    static long lockUser(Connection c, String user) throws SQLException {
        try (Stmt ps = prepare(c, LOCK_USER, Dataset.APP, user); ResultSet rs = ps.statement().executeQuery()) {
            rs.next();
            int cols = rs.getMetaData().getColumnCount();
            for (int i = 1; i < cols; i++) {
                rs.getString(i);
            }
            return rs.getLong(cols);
        }
    }

    /** Runs a query and reads every column of every row (the server maps them all). */
    static int drain(Connection c, String sql, Object... params) throws SQLException {
        try (Stmt ps = prepare(c, sql, params); ResultSet rs = ps.statement().executeQuery()) {
            int n = 0;
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= cols; i++) {
                    rs.getString(i);
                }
                n++;
            }
            return n;
        }
    }

    static double scalarDouble(Connection c, String sql, Object... params) throws SQLException {
        try (Stmt ps = prepare(c, sql, params); ResultSet rs = ps.statement().executeQuery()) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (Stmt ps = prepare(c, sql, params)) {
            return ps.statement().executeUpdate();
        }
    }

    /** Like store/Sql.batch: one row runs as a plain update, several as a JDBC batch. */
    static void batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        if (rows.size() == 1) {
            update(c, sql, rows.getFirst());
            return;
        }
        try (Stmt stmt = prepare(c, sql)) {
            PreparedStatement ps = stmt.statement();
            for (Object[] row : rows) {
                bind(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

}
