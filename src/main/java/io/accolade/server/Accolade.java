package io.accolade.server;

import io.accolade.api.Guard;
import io.accolade.api.HealthApi;
import io.accolade.api.LeasedRateLimiter;
import io.accolade.api.RateLimiter;
import io.accolade.api.admin.AppsApi;
import io.accolade.api.admin.DefinitionsApi;
import io.accolade.api.admin.FriendsApi;
import io.accolade.api.mobage.MobageApi;
import io.accolade.api.oauth.TokenApi;
import io.accolade.api.trophy.StreakApi;
import io.accolade.api.trophy.TrophyApi;
import io.accolade.domain.AchievementEngine;
import io.accolade.service.AchievementReads;
import io.accolade.service.BackfillService;
import io.accolade.service.Catalogs;
import io.accolade.service.DefinitionService;
import io.accolade.service.EventService;
import io.accolade.service.FriendService;
import io.accolade.service.GroupCommit;
import io.accolade.service.LockedRecords;
import io.accolade.service.MobageService;
import io.accolade.service.ProgressRecorder;
import io.accolade.service.StreakScheduler;
import io.accolade.service.StreakService;
import io.accolade.service.TokenService;
import io.accolade.service.UserService;
import io.accolade.store.CounterStore;
import io.accolade.store.DefinitionStore;
import io.accolade.store.FriendStore;
import io.accolade.store.MetricStore;
import io.accolade.store.ProgressStore;
import io.accolade.store.RateStore;
import io.accolade.store.StreakStore;
import io.accolade.store.TokenStore;
import io.accolade.store.UserStore;
import java.util.UUID;
import io.accolade.auth.Authenticator;
import io.accolade.http.ErrorHandling;
import io.accolade.http.Routes;
import io.accolade.service.AppService;
import io.accolade.store.AppStore;
import io.accolade.store.ConfigVersion;
import io.accolade.store.Database;
import io.accolade.store.UserCache;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * A running Accolade: the database, every service, and the HTTP server. All wiring of the application is here, in
 * plain constructor calls, so that {@link Main} and the tests start exactly the same thing.
 */
public final class Accolade implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("io.accolade");
    /**
     * Mobage's {@code @self} reads, and writes between one user's writes ({@link LockedRecords}), keep records, not
     * users: ACCOLADE_USER_CACHE users' worth at this many records each (20,000 x 10 = 200,000 records, about 2,000
     * users with 100 records each, 30-40 MB, for each of the two).
     */
    static final int RECORDS_PER_CACHED_USER = 10;
    /** Group commit of metric events and Mobage writes (service.GroupCommit); -Daccolade.groupCommit=false: off. */
    static final boolean GROUP_COMMIT = !"false".equals(System.getProperty("accolade.groupCommit"));
    /** Batches running at once on PostgreSQL (default: see {@link #groupCommit}); -Daccolade.groupCommitBatches=N. */
    static final int GROUP_COMMIT_BATCHES = Integer.getInteger("accolade.groupCommitBatches", 0);
    /** Units of work one batch takes at most (default: see {@link #groupCommit}); -Daccolade.groupCommitMaxBatch=N. */
    static final int GROUP_COMMIT_MAX_BATCH = Integer.getInteger("accolade.groupCommitMaxBatch", 0);

    private final Config config;
    private final Database db;
    private final WebServer server;
    private final List<AutoCloseable> background;

    /**
     * How writes share transactions. SQLite has one writer: one batch at a time, of up to 32 units, since every
     * commit is an fsync and larger batches share it more widely (`event-no-unlock` 2,586 events/s with 32 against
     * 2,234 with 8). PostgreSQL: batches on half the pool (the rest serves reads) of up to 8 units. Its commits
     * are cheaper, and a unit waits for the whole batch it is in: against 32, batches of 8 gave `mobage-increment`
     * 5,536–5,743 instead of 4,447–4,672 req/s with a p99 of 16–17 instead of 23–24 ms, the events within the
     * noise (BENCHMARKS.md, "Fourth round"). Three batches on a pool of 5 wrote 9-10% more in the fifth round's
     * write-only runs, but leave the reads two connections: in the sixth round's `mixed` scenario (half events, half
     * reads) they wrote no more and tripled the reads' p50 (3.5 to 10-11 ms) and doubled their p99 (15 to 31-37 ms),
     * so half the pool stays the default. Both can be overridden for measurements.
     */
    private static GroupCommit groupCommit(Database db, Config config) {
        boolean sqlite = db.engine() == Database.Engine.SQLITE;
        int batches = sqlite ? 1
                : GROUP_COMMIT_BATCHES > 0 ? GROUP_COMMIT_BATCHES : Math.max(1, config.dbPoolSize() / 2);
        int maxBatch = GROUP_COMMIT_MAX_BATCH > 0 ? GROUP_COMMIT_MAX_BATCH : sqlite ? 32 : 8;
        return new GroupCommit(db, batches, maxBatch);
    }

    private Accolade(Config config, Database db, WebServer server, List<AutoCloseable> background) {
        this.config = config;
        this.db = db;
        this.server = server;
        this.background = background;
    }

    /** Opens the store, migrates it, wires the services and starts listening. */
    public static Accolade start(Config config, Clock clock) {
        Database db = openDatabase(config);
        try {
            db.migrate();
            db.listen();
            HttpRouting.Builder routing = HttpRouting.builder();
            List<AutoCloseable> background = new ArrayList<>();
            routing(routing, db, config, clock, background);
            WebServer server = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .shutdownHook(false)
                    .shutdownGracePeriod(config.shutdownGrace())
                    // Helidon's own cap sits above ours so that ours (with the dialect's error body) answers first.
                    .maxPayloadSize(4L << 20)
                    // Nagle off: a response larger than one segment (e.g. 100 achievements) otherwise waits for
                    // the client's delayed ACK, ~40 ms on Linux (measured with bench/run, see BENCHMARKS.md).
                    .connectionOptions(o -> o.tcpNoDelay(true))
                    .directHandlers(ErrorHandling.directHandlers())
                    .routing(routing)
                    .build();
            try {
                checkPortFree(config);
                server.start();
                if (!server.isRunning()) {
                    throw new IllegalStateException("the listener did not start (see the log above)");
                }
            } catch (RuntimeException e) {
                closeAll(background);
                throw new ConfigException(Config.Setting.PORT, "cannot listen on " + config.host() + ":"
                        + config.port() + ": " + rootMessage(e));
            }
            return new Accolade(config, db, server, background);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** The whole HTTP surface; background tasks it starts are added to {@code background}. */
    static void routing(HttpRouting.Builder routing, Database db, Config config, Clock clock,
                        List<AutoCloseable> background) {
        AppStore appStore = new AppStore();
        ConfigVersion version = new ConfigVersion(db, appStore);
        Authenticator auth = Authenticator.create(db, appStore, version, clock, config.adminToken());
        RateLimiter limiter = config.rateLimitPerSecond() > 0
                ? new LeasedRateLimiter(db, new RateStore(), clock, config.rateLimitPerSecond(), config.rateLimitBurst())
                : RateLimiter.UNLIMITED;
        Guard guard = new Guard(auth, limiter);
        AppService apps = new AppService(db, appStore, version, auth, clock);

        DefinitionStore definitionStore = new DefinitionStore();
        UserStore userStore = new UserStore();
        ProgressStore progressStore = new ProgressStore();
        MetricStore metricStore = new MetricStore();
        CounterStore counterStore = new CounterStore();
        StreakStore streakStore = new StreakStore();
        Catalogs catalogs = new Catalogs(db, definitionStore, streakStore, version);
        AchievementEngine engine = new AchievementEngine(() -> UUID.randomUUID().toString());
        UserService users = new UserService(db, userStore, counterStore, clock);
        StreakService streaks = new StreakService(db, catalogs, streakStore, userStore, engine, clock,
                config.lateEventWindow(), config.userCacheSize());
        ProgressRecorder recorder = new ProgressRecorder(progressStore, counterStore);
        // Both dialects' writes start from the same kept records: a user's writes alternate between them freely.
        LockedRecords lockedRecords = new LockedRecords(progressStore,
                (long) config.userCacheSize() * RECORDS_PER_CACHED_USER);
        EventService events = new EventService(db, catalogs, users, metricStore, lockedRecords, recorder,
                streaks, engine, clock, config.lateEventWindow());
        GroupCommit groupCommit = GROUP_COMMIT ? groupCommit(db, config) : null;
        events.withGroupCommit(groupCommit);
        AchievementReads reads = new AchievementReads(db, catalogs, userStore, progressStore, metricStore,
                counterStore, new UserCache<>(db.userChanges(), config.userCacheSize()));
        BackfillService backfill = new BackfillService(db, catalogs, userStore, progressStore, metricStore,
                streakStore, recorder, engine, clock);
        background.add(backfill);
        DefinitionService definitions = new DefinitionService(db, appStore, definitionStore, streakStore, catalogs,
                backfill, clock);
        TokenService tokens = new TokenService(db, users, new TokenStore(), clock, config.tokenTtl(),
                version, config.userCacheSize());
        FriendService friends = new FriendService(db, users, userStore, new FriendStore(), clock);
        MobageService mobage = new MobageService(db, catalogs, users, progressStore, lockedRecords, recorder, engine,
                clock, (long) config.userCacheSize() * RECORDS_PER_CACHED_USER)
                .withGroupCommit(groupCommit);
        background.add(new StreakScheduler(db, streakStore, userStore, streaks, clock, 30_000).start());

        ErrorHandling.install(routing);
        Routes routes = new Routes(routing);
        new HealthApi(db).register(routes);
        new AppsApi(guard, apps).register(routes);
        new DefinitionsApi(guard, definitions).register(routes);
        new TrophyApi(guard, catalogs, users, events, reads).register(routes);
        new StreakApi(guard, streaks).register(routes);
        new FriendsApi(guard, friends).register(routes);
        new TokenApi(guard, tokens).register(routes);
        new MobageApi(guard, tokens, mobage).register(routes);
        routes.finish();
    }

    private static Database openDatabase(Config config) {
        if (config.dbUrl().isPresent()) {
            try {
                return Database.postgres(config.dbUrl().get(), config.dbUser(), config.dbPassword(),
                        config.dbPoolSize(), config.dbTimeout());
            } catch (RuntimeException e) {
                throw new ConfigException(Config.Setting.DB_URL, "cannot connect to " + Config.maskUrl(
                        config.dbUrl().get()) + ": " + rootMessage(e));
            }
        }
        try {
            return Database.sqlite(config.dataDir(), config.dbPoolSize(), config.dbTimeout());
        } catch (RuntimeException e) {
            throw new ConfigException(Config.Setting.DATA_DIR, "cannot open the embedded store in "
                    + config.dataDir().toAbsolutePath() + ": " + rootMessage(e));
        }
    }

    /**
     * Helidon logs a failed bind with a stack trace and carries on stopped; probing the port first turns the common
     * case (port in use) into the one-line message operators expect.
     */
    private static void checkPortFree(Config config) {
        if (config.port() == 0) {
            return;
        }
        try (var probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(config.host(), config.port()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static void closeAll(List<AutoCloseable> tasks) {
        for (AutoCloseable t : tasks) {
            try {
                t.close();
            } catch (Exception e) {
                LOG.warning("cannot stop " + t + ": " + e.getMessage());
            }
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    public int port() {
        return server.port();
    }

    public Database database() {
        return db;
    }

    public Config config() {
        return config;
    }

    /** Runs one pass of every background task now (operators' "catch up", and tests with a moved clock). */
    public void runBackgroundOnce() {
        for (AutoCloseable t : background) {
            if (t instanceof StreakScheduler s) {
                s.runOnce();
            }
            if (t instanceof BackfillService b) {
                b.awaitIdle(java.time.Duration.ofSeconds(30));
            }
        }
    }

    /** Stops accepting connections, lets in-flight requests finish (up to the grace period), then closes the pool. */
    @Override
    public void close() {
        try {
            closeAll(background);
            server.stop();
        } finally {
            db.close();
        }
    }
}
