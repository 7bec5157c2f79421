package io.accolade.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** bench/run: see BENCHMARKS.md. Options are listed by {@code --help}. */
public final class Main {
    static final String ADMIN_TOKEN = "bench-admin-token-0123456789";

    static final class Options {
        List<String> stores = List.of("postgres", "sqlite");
        List<String> scenarios = null;
        double warmup = 20;
        double duration = 15;
        int connections = 64;
        int users = 10_000;
        boolean scale;
        boolean reseed;
        boolean keep;
        boolean loadOnly;
        String pgBase = "jdbc:postgresql://127.0.0.1:5432/";
        String pgUser = "postgres";
        String pgPassword = null;
        /** Extra JDBC URL parameters for the server and the anchors alike, e.g. "reWriteBatchedInserts=false". */
        String pgParams = "";
        int poolSize = 2 * Runtime.getRuntime().availableProcessors() + 1;   // the server's default
        int anchorConnections = -1;
        /** Where the anchors run their SQL: "server" (as the server does: PostgreSQL transactions on platform
         *  threads, everything else on the virtual workers), "platform" or "virtual" (always). */
        String anchorThreads = "server";
        /**
         * How the load generator drives its connections: "nio", a few selector loops as wrk does ({@link NioLoad});
         * "virtual", one virtual thread per connection (before the tenth round); "platform", one platform thread
         * per connection. The selector loops cost half the CPU per request of virtual threads, CPU the server and
         * the database share with the generator on this machine (BENCHMARKS.md, tenth round).
         */
        String generator = "nio";
        String javaOpts = "";
        double zipf = 0.8;
        Path repo = Path.of(".").toAbsolutePath().normalize();
        Path out = null;
        /** The table to compare with: null for the default (bench/baseline.md for a 10,000-user run). */
        String baseline = null;
        boolean saveBaseline;
        /** Instead of measuring: compare each anchor's statements with the server's (PostgreSQL's statement log). */
        boolean trace;
        int traceRequests = 100;
        String pgLog = null;
        String label = "";
    }

    static final String HELP = """
            bench/run [options]   builds the server and this benchmark, then measures (see BENCHMARKS.md)
              --stores postgres,sqlite   stores to run (default both)
              --scenarios a,b            scenarios (default all): event-no-unlock, event-chain, user-achievements,
                                         achievements, mobage-increment, mobage-collection, streak, mixed
              --warmup S --duration S    seconds of warm-up and of measurement per scenario (default 20 and 15)
              --connections N            concurrent connections / workers (default 64)
              --users N                  seeded users (default 10000)
              --scale N                  PostgreSQL only, N users in database accolade_bench_N, kept and reused
                                         by later runs (--reseed loads it again)
              --pool-size N              server's ACCOLADE_DB_POOL_SIZE (default the server's own, 2 x cores + 1);
                                         the JDBC anchors use as many connections unless --anchor-connections
                                         says otherwise
              --anchor-threads T         where the anchors run their SQL: server (default: as the server does,
                                         PostgreSQL transactions on one platform thread per connection, the rest
                                         on the virtual workers), platform or virtual (always)
              --generator G              how the HTTP load generator drives its connections: nio (default:
                                         one selector loop per core, as wrk), virtual or platform (one thread
                                         per connection)
              --java-opts "…"            ACCOLADE_JAVA_OPTS for the server (e.g. -Xmx512m)
              --zipf S                   skew of user choice (default 0.8)
              --pg-url URL --pg-user U --pg-password P   PostgreSQL server (default jdbc:postgresql://127.0.0.1:5432/, postgres)
              --pg-params "a=b&c=d"      JDBC URL parameters for the server and the anchors alike, over the
                                         defaults (e.g. reWriteBatchedInserts=false for an A/B of the server's)
              --label TEXT --out FILE    a label for the run; where to append the markdown table
              --baseline FILE|none       an earlier table to compare with (default bench/baseline.md for
                                         10,000-user runs): each scenario's ratio then and now, flagged when it
                                         fell beyond the noise
              --save-baseline            write this run's table to bench/baseline.md
              --trace                    measure nothing: check that each anchor runs the statements the server
                                         runs for one request, from PostgreSQL's statement log (PostgreSQL only;
                                         exits with 2 when one differs)
              --trace-requests N         requests (and anchor operations) per scenario for --trace (default 100)
              --pg-log FILE              PostgreSQL's log file for --trace (default: found from the server)
              --keep                     keep the benchmark databases / data directories
              --load-only                seed (or check) the data set and stop (with --scale: load it once)
            """;

    public static void main(String[] args) throws Exception {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--help", "-h" -> {
                    System.out.print(HELP);
                    return;
                }
                case "--stores" -> { o.stores = List.of(v.split(",")); i++; }
                case "--scenarios" -> { o.scenarios = List.of(v.split(",")); i++; }
                case "--warmup" -> { o.warmup = Double.parseDouble(v); i++; }
                case "--duration" -> { o.duration = Double.parseDouble(v); i++; }
                case "--connections" -> { o.connections = Integer.parseInt(v); i++; }
                case "--users" -> { o.users = Integer.parseInt(v); i++; }
                case "--scale" -> { o.users = Integer.parseInt(v); o.scale = true; o.stores = List.of("postgres"); i++; }
                case "--reseed" -> o.reseed = true;
                case "--keep" -> o.keep = true;
                case "--load-only" -> o.loadOnly = true;
                case "--pg-url" -> { o.pgBase = v.endsWith("/") ? v : v + "/"; i++; }
                case "--pg-user" -> { o.pgUser = v; i++; }
                case "--pg-password" -> { o.pgPassword = v; i++; }
                case "--pg-params" -> { o.pgParams = v; i++; }
                case "--pool-size" -> { o.poolSize = Integer.parseInt(v); i++; }
                case "--anchor-connections" -> { o.anchorConnections = Integer.parseInt(v); i++; }
                case "--anchor-threads" -> {
                    if (!List.of("server", "platform", "virtual").contains(v)) {
                        throw new IllegalArgumentException("--anchor-threads is server, platform or virtual");
                    }
                    o.anchorThreads = v;
                    i++;
                }
                case "--generator" -> {
                    if (!List.of("nio", "platform", "virtual").contains(v)) {
                        throw new IllegalArgumentException("--generator is nio, virtual or platform");
                    }
                    o.generator = v;
                    i++;
                }
                case "--java-opts" -> { o.javaOpts = v; i++; }
                case "--zipf" -> { o.zipf = Double.parseDouble(v); i++; }
                case "--repo" -> { o.repo = Path.of(v).toAbsolutePath().normalize(); i++; }
                case "--out" -> { o.out = Path.of(v); i++; }
                case "--label" -> { o.label = v; i++; }
                case "--baseline" -> { o.baseline = v; i++; }
                case "--save-baseline" -> o.saveBaseline = true;
                case "--trace" -> { o.trace = true; o.stores = List.of("postgres"); }
                case "--trace-requests" -> { o.traceRequests = Integer.parseInt(v); i++; }
                case "--pg-log" -> { o.pgLog = v; i++; }
                default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
            }
        }
        Main main = new Main(o);
        main.run();
        if (main.traceDiffers) {
            System.exit(2);
        }
    }

    private final Options o;
    private final List<Report.Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private boolean traceDiffers;

    Main(Options o) {
        this.o = o;
    }

    void run() throws Exception {
        if (o.baseline != null && !o.baseline.equals("none") && !Files.isRegularFile(o.repo.resolve(o.baseline))) {
            throw new IllegalArgumentException("--baseline: no file " + o.repo.resolve(o.baseline));
        }
        if (o.trace && !o.stores.equals(List.of("postgres"))) {
            throw new IllegalArgumentException("--trace reads PostgreSQL's statement log: it runs on postgres only");
        }
        String machine = Report.machine(o);
        System.out.println(machine);
        String startLoad = Report.loadAverage();
        for (String store : o.stores) {
            runStore(store);
        }
        if (rows.isEmpty()) {
            return;
        }
        String table = Report.table(o, machine, startLoad, Report.loadAverage(), rows, notes);
        String md = table + compareWithBaseline(table);
        System.out.println();
        System.out.println(md);
        Path out = o.out != null ? o.out : o.repo.resolve("bench/results/" + LocalDateTime.now().format(
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + (o.scale ? "-scale" : "") + ".md");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        System.out.println("(written to " + out + ")");
        if (o.saveBaseline) {
            Path b = o.repo.resolve(DEFAULT_BASELINE);
            Files.writeString(b, table + "\n");
            System.out.println("(baseline written to " + b + ")");
        }
    }

    static final String DEFAULT_BASELINE = "bench/baseline.md";

    /** The comparison with the baseline, as markdown to append (empty when there is none to compare with). */
    private String compareWithBaseline(String table) throws IOException {
        if ("none".equals(o.baseline)) {
            return "";
        }
        Path file = o.repo.resolve(o.baseline != null ? o.baseline : DEFAULT_BASELINE);
        // The default baseline is a 10,000-user run: a 1M run compared with it would flag what the data set does.
        boolean defaultApplies = !o.scale && o.users == 10_000;
        if ((o.baseline == null && !defaultApplies) || !Files.isRegularFile(file)) {
            return "";
        }
        return "\n\n" + Baseline.compare(Baseline.parse(Files.readString(file)), o.repo.relativize(file).toString(),
                Baseline.parse(table));
    }

    private void runStore(String store) throws Exception {
        boolean pg = store.equals("postgres");
        if (!pg && !store.equals("sqlite")) {
            throw new IllegalArgumentException("unknown store " + store);
        }
        String dbName = o.scale ? "accolade_bench_" + o.users : "accolade_bench";
        Path dataDir = pg ? null : Files.createTempDirectory("accolade-bench-");
        boolean reuse = false;
        String marker = "accolade-bench users=" + o.users + " defs=" + defsHash();
        if (pg) {
            try (Connection c = DriverManager.getConnection(o.pgBase + "postgres", o.pgUser, o.pgPassword);
                 Statement s = c.createStatement()) {
                String comment = null;
                try (ResultSet rs = s.executeQuery("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                        + "WHERE datname = '" + dbName + "'")) {
                    if (rs.next()) {
                        comment = rs.getString(1);
                    }
                }
                reuse = o.scale && !o.reseed && marker.equals(comment);
                if (!reuse) {
                    s.execute("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)");
                    s.execute("CREATE DATABASE " + dbName);
                }
                if (o.trace) {
                    // This database only, and for connections opened from now on: the server's and the anchor's.
                    s.execute("ALTER DATABASE " + dbName + " SET log_statement = 'all'");
                } else if (reuse) {
                    // A --trace on this kept database that was interrupted before its reset must not log a whole run.
                    s.execute("ALTER DATABASE " + dbName + " RESET log_statement");
                }
            }
        }
        // The anchors connect as the server does (store/Database#withPgDefaults: untyped strings, batched inserts
        // rewritten into multi-row INSERTs); --pg-params comes last, and pgjdbc takes a parameter's last value.
        String extra = o.pgParams.isEmpty() ? "" : "&" + o.pgParams;
        String jdbc = pg ? o.pgBase + dbName + "?stringtype=unspecified&ApplicationName=accolade-bench"
                        + "&reWriteBatchedInserts=true" + extra
                : "jdbc:sqlite:" + dataDir.resolve("accolade.db") + "?journal_mode=WAL&synchronous=FULL"
                        + "&busy_timeout=10000&foreign_keys=false";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ACCOLADE_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("ACCOLADE_DB_POOL_SIZE", String.valueOf(o.poolSize));
        env.put("ACCOLADE_JAVA_OPTS", o.javaOpts);
        if (pg) {
            env.put("ACCOLADE_DB_URL", o.pgBase + dbName + (o.pgParams.isEmpty() ? "" : "?" + o.pgParams));
            env.put("ACCOLADE_DB_USER", o.pgUser);
            if (o.pgPassword != null) {
                env.put("ACCOLADE_DB_PASSWORD", o.pgPassword);
            }
        } else {
            env.put("ACCOLADE_DATA_DIR", dataDir.toString());
        }
        Path log = Files.createTempFile("accolade-bench-server-" + store + "-", ".log");
        log("[" + store + "] starting the server (log " + log + ")");
        try (Server server = Server.start(o.repo, env, log)) {
            Api api = new Api(server.port);
            Supplier<Connection> connect = () -> {
                try {
                    return pg ? DriverManager.getConnection(jdbc, o.pgUser, o.pgPassword)
                            : DriverManager.getConnection(jdbc);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            };
            String apiKey;
            if (reuse) {
                log("[" + store + "] reusing the data set in " + dbName + " (" + marker + ")");
                apiKey = Dataset.newKey(api, ADMIN_TOKEN);
            } else {
                apiKey = seed(api, connect, pg, dbName, marker);
            }
            if (o.loadOnly) {
                log("[" + store + "] data set ready (--load-only)");
                return;
            }
            Scenarios.Ctx ctx = new Scenarios.Ctx();
            ctx.port = server.port;
            ctx.apiKey = apiKey;
            ctx.users = o.users;
            ctx.zipf = new Zipf(o.users, o.zipf);
            ctx.runId = Long.toString(System.currentTimeMillis(), 36);
            log(String.format(Locale.ROOT, "[%s] user choice: Zipf s=%.2f over %d users (hottest user gets %.1f%% of "
                    + "requests)", store, o.zipf, o.users, 100 * ctx.zipf.topShare()));
            boolean mobage = mobageTokens(api, ctx);
            if (o.trace) {
                trace(ctx, jdbc, dbName, mobage);
                return;
            }

            Measure.Result live = http(ctx, Scenarios.liveness(), server, null);
            log(String.format(Locale.ROOT, "[%s] HTTP limit (GET /health/live): %.0f req/s, p99 %.2f ms", store,
                    live.rps(), live.ms(99)));
            int anchorConns = o.anchorConnections > 0 ? o.anchorConnections : o.poolSize;
            for (Scenarios.Scenario sc : Scenarios.all()) {
                if (o.scenarios != null && !o.scenarios.contains(sc.name())) {
                    continue;
                }
                if (sc.mobage() && !mobage) {
                    String msg = "[" + store + "] SKIPPED " + sc.name() + ": the Mobage dialect is not in this build "
                            + "(POST /oauth2/token answers 404; it lands with the Mobage merge)";
                    log(msg);
                    notes.add(msg);
                    continue;
                }
                long[] rss = new long[1];
                CpuWindow httpCpu = new CpuWindow(this, server.process.pid(), pg ? dbName : null);
                Measure.Result r = http(ctx, sc, server, rss, httpCpu);
                log(String.format(Locale.ROOT, "[%s] %-18s %8.0f req/s  p50 %.2f  p99 %.2f  p99.9 %.2f ms  errors %d%s",
                        store, sc.name(), r.rps(), r.ms(50), r.ms(99), r.ms(99.9), r.errors(),
                        r.firstError() == null ? "" : " (first: " + r.firstError() + ")"));
                if (!r.slow().isEmpty()) {
                    log(String.format(Locale.ROOT, "[%s] %-18s %d requests took %d ms or more; they started at %s",
                            store, sc.name(), r.slow().size(), Measure.SLOW_MICROS / 1000, r.slowSummary()));
                }
                CpuWindow anchorCpu = new CpuWindow(this, -1, pg ? dbName : null);
                Measure.Result a = anchor(ctx, sc, jdbc, pg, anchorConns, anchorCpu);
                log(String.format(Locale.ROOT, "[%s] %-18s storage limit %8.0f ops/s  p99 %.2f ms  errors %d%s",
                        store, sc.name(), a.rps(), a.ms(99), a.errors(),
                        a.firstError() == null ? "" : " (first: " + a.firstError() + ")"));
                if (!sc.mix().isEmpty()) {
                    String parts = String.format(Locale.ROOT, "[%s] %s: server %s; storage limit %s", store,
                            sc.name(), r.byKind(), a.byKind());
                    log(parts);
                    notes.add(parts);
                }
                rows.add(new Report.Row(sc, store, r, live, a, rss[0], pg ? anchorConns : -1,
                        httpCpu.serverMs * 1000 / r.ops(), httpCpu.pgMs * 1000 / r.ops(),
                        anchorCpu.pgMs * 1000 / a.ops(), httpCpu.clientMs * 1000 / r.ops(),
                        anchorCpu.clientMs * 1000 / a.ops()));
            }
        } finally {
            if (o.trace && (o.keep || o.scale)) {
                try (Connection c = DriverManager.getConnection(o.pgBase + "postgres", o.pgUser, o.pgPassword);
                     Statement s = c.createStatement()) {
                    s.execute("ALTER DATABASE " + dbName + " RESET log_statement");
                }
            }
            if (!o.keep && !o.scale) {
                if (pg) {
                    try (Connection c = DriverManager.getConnection(o.pgBase + "postgres", o.pgUser, o.pgPassword);
                         Statement s = c.createStatement()) {
                        s.execute("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)");
                    }
                } else {
                    deleteTree(dataDir);
                }
            }
        }
    }

    /**
     * {@code --trace}: per scenario, {@code traceRequests} requests one at a time, then as many anchor operations on
     * one connection, each side's statements read back from PostgreSQL's log (see {@link Trace}).
     */
    private void trace(Scenarios.Ctx ctx, String jdbc, String dbName, boolean mobage) throws Exception {
        Path file;
        try (Connection admin = DriverManager.getConnection(o.pgBase + "postgres", o.pgUser, o.pgPassword)) {
            file = Trace.logFile(admin, o.pgLog);
        }
        Trace.Log pgLog = new Trace.Log(file);
        int n = o.traceRequests;
        StringBuilder md = new StringBuilder("### trace — " + LocalDateTime.now().withNano(0) + "\n\n");
        List<String> differing = new ArrayList<>();
        for (Scenarios.Scenario sc : Scenarios.all()) {
            if (o.scenarios != null && !o.scenarios.contains(sc.name()) || !sc.mix().isEmpty()
                    || sc.mobage() && !mobage) {
                continue;   // a mix is its parts, each traced on its own
            }
            SplittableRandom r = new SplittableRandom(sc.name().hashCode());
            Thread.sleep(300);
            pgLog.next();
            try (RawHttp conn = new RawHttp(ctx.host, ctx.port)) {
                for (int i = 0; i < n; i++) {
                    RawHttp.Response res = conn.exchange(sc.http().request(ctx, r, 0, i), true);
                    if (!sc.check().ok(res)) {
                        throw new IllegalStateException(sc.name() + ": unexpected answer " + res.status());
                    }
                }
            }
            Thread.sleep(300);
            // Nothing of the benchmark's own is connected to the database meanwhile: every statement is the server's.
            List<String> server = new ArrayList<>();
            Trace.statements(pgLog.next(), dbName).values().forEach(server::addAll);
            List<String> anchor;
            try (Connection c = DriverManager.getConnection(jdbc, o.pgUser, o.pgPassword)) {
                long pid;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    pid = rs.getLong(1);
                }
                BlockingQueue<Connection> one = new ArrayBlockingQueue<>(1);
                one.put(c);
                Thread.sleep(100);
                pgLog.next();
                for (int i = 0; i < n; i++) {
                    once(sc, ctx, one, r, 1, i);
                }
                Thread.sleep(300);
                anchor = Trace.statements(pgLog.next(), dbName).getOrDefault(pid, List.of());
            }
            if (sc.sqlPerRequest() && (server.isEmpty() || anchor.isEmpty())) {
                // Nothing logged would compare as a match: a wrong log file must fail, not pass.
                throw new IllegalStateException("--trace: no statements of " + (server.isEmpty() ? "the server" :
                        "the anchor") + " for " + sc.name() + " in " + file + " (is it this cluster's log?)");
            }
            List<Trace.Line> lines = Trace.compare(Trace.counts(server), n, Trace.counts(anchor), n);
            if (sc.sqlPerRequest() && !lines.stream().allMatch(Trace.Line::matches)) {
                differing.add(sc.name());
            }
            String part = Trace.report(sc.name(), sc.sqlPerRequest(), lines, n);
            System.out.println(part);
            md.append(part).append("\n");
        }
        traceDiffers = !differing.isEmpty();
        String verdict = differing.isEmpty() ? "Every anchor runs its scenario's statements."
                : "**Anchors that differ from the server: " + String.join(", ", differing) + ".**";
        md.append(verdict).append("\n");
        log(verdict);
        Path out = o.repo.resolve("bench/results/" + LocalDateTime.now().format(
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-trace.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        log("(written to " + out + ")");
    }

    /** CPU used in a measured window: the server process and the benchmark database's backends (ms). */
    static final class CpuWindow implements Measure.Probe {
        final long serverPid;
        final String db;
        final Main main;
        double serverStart;
        double serverMs = Double.NaN;
        java.util.Map<Long, Double> pgStart;
        double pgMs = Double.NaN;
        // The benchmark's own process: the load generator during an HTTP run, the JDBC loop during an anchor run.
        // Both share the two cores with the server and PostgreSQL, so their cost is part of every ratio.
        final long clientPid = ProcessHandle.current().pid();
        double clientStart;
        double clientMs = Double.NaN;

        CpuWindow(Main main, long serverPid, String db) {
            this.main = main;
            this.serverPid = serverPid;
            this.db = db;
        }

        @Override
        public void atStart() {
            serverStart = serverPid > 0 ? Cpu.processMs(serverPid) : 0;
            clientStart = Cpu.processMs(clientPid);
            pgStart = Cpu.backends(main.o.pgBase, main.o.pgUser, main.o.pgPassword, db);
        }

        @Override
        public void atEnd() {
            serverMs = serverPid > 0 ? Cpu.processMs(serverPid) - serverStart : Double.NaN;
            clientMs = Cpu.processMs(clientPid) - clientStart;
            if (db != null) {
                pgMs = Cpu.delta(pgStart, Cpu.backends(main.o.pgBase, main.o.pgUser, main.o.pgPassword, db));
            }
        }
    }

    private String seed(Api api, Supplier<Connection> connect, boolean pg, String dbName, String marker)
            throws Exception {
        long t0 = System.nanoTime();
        String apiKey = Dataset.createApp(api, ADMIN_TOKEN);
        Dataset.createTemplates(api, apiKey);
        Map<String, Dataset.Rows> rowsByTable;
        try (Connection c = connect.get()) {
            rowsByTable = Dataset.templates(c);
            Dataset.fillTemplates(c, pg, rowsByTable);
        }
        log(String.format(Locale.ROOT, "  definitions and %d template users through the API: %.1f s",
                Dataset.TEMPLATES, (System.nanoTime() - t0) / 1e9));
        long t1 = System.nanoTime();
        Dataset.copyUsers(connect, pg, rowsByTable, 0, o.users, 2);
        long progressRows = (long) o.users * 100;
        log(String.format(Locale.ROOT, "  %d users copied by %s (%d progress records): %.1f s", o.users,
                pg ? "COPY" : "batched INSERT", progressRows, (System.nanoTime() - t1) / 1e9));
        long t2 = System.nanoTime();
        try (Connection c = connect.get()) {
            Dataset.resetCounters(c, rowsByTable, o.users);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
                if (pg) {
                    s.execute("COMMENT ON DATABASE " + dbName + " IS '" + marker + "'");
                }
            }
        }
        log(String.format(Locale.ROOT, "  counters and ANALYZE: %.1f s; seeding took %.1f s in all",
                (System.nanoTime() - t2) / 1e9, (System.nanoTime() - t0) / 1e9));
        return apiKey;
    }

    /** Mobage tokens for the hottest users (the Zipf domain of the Mobage scenarios); false without the dialect. */
    private boolean mobageTokens(Api api, Scenarios.Ctx ctx) throws Exception {
        Api.Reply probe = api.call("POST", "/oauth2/token", new String[] {"X-API-KEY", ctx.apiKey}, form(
                Dataset.userId(0)));
        if (probe.status() == 404) {
            return false;
        }
        int n = Math.min(ctx.users, 2_000);
        ctx.tokens = new String[n];
        ctx.tokenHashes = new String[n];
        ctx.tokenZipf = new Zipf(n, o.zipf);
        List<Thread> threads = new ArrayList<>();
        AtomicLong next = new AtomicLong();
        Exception[] failure = new Exception[1];
        for (int t = 0; t < 16; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (long i; (i = next.getAndIncrement()) < n; ) {
                        Api.Reply r = api.call("POST", "/oauth2/token", new String[] {"X-API-KEY", ctx.apiKey},
                                form(Dataset.userId((int) i)));
                        if (r.status() != 200 || r.body() == null || !r.body().has("access_token")) {
                            throw new IOException("token exchange failed: " + r.status() + " " + r.raw());
                        }
                        ctx.tokens[(int) i] = r.body().get("access_token").asText();
                        ctx.tokenHashes[(int) i] = sha256(ctx.tokens[(int) i]);
                    }
                } catch (Exception e) {
                    failure[0] = e;
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        log("  " + n + " Mobage access tokens issued");
        return true;
    }

    private static String form(String userId) {
        return "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=" + userId
                + "&subject_token_type=urn%3Aaccolade%3Aparams%3Aoauth%3Atoken-type%3Auser-id";
    }

    /** Selector loops of the nio generator: one per core. */
    static final int NIO_LOOPS = Runtime.getRuntime().availableProcessors();

    private Measure.Result http(Scenarios.Ctx ctx, Scenarios.Scenario sc, Server server, long[] rss)
            throws InterruptedException {
        return http(ctx, sc, server, rss, null);
    }

    private Measure.Result http(Scenarios.Ctx ctx, Scenarios.Scenario sc, Server server, long[] rss, CpuWindow cpu)
            throws InterruptedException {
        Thread sampler = null;
        if (rss != null) {
            sampler = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    rss[0] = Math.max(rss[0], server.rssMiB());
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
        try {
            if ("nio".equals(o.generator)) {
                return NioLoad.run(ctx.host, ctx.port, o.connections, NIO_LOOPS, o.warmup, o.duration,
                        sc.name().hashCode(), (r, connection, seq) -> {
                            Scenarios.Scenario one = sc.pick(r);
                            return new NioLoad.Request(one.http().request(ctx, r, connection, seq),
                                    one.write() ? Measure.WRITE : Measure.READ, one.check());
                        }, cpu);
            }
            return Measure.run(o.connections, o.warmup, o.duration, sc.name().hashCode(), index ->
                    new Measure.Worker() {
                        final RawHttp conn = new RawHttp(ctx.host, ctx.port);
                        int kind;

                        @Override
                        public boolean op(SplittableRandom r, long seq) throws Exception {
                            Scenarios.Scenario one = sc.pick(r);
                            kind = one.write() ? Measure.WRITE : Measure.READ;
                            RawHttp.Response res = conn.exchange(one.http().request(ctx, r, index, seq), true);
                            return one.check().ok(res);
                        }

                        @Override
                        public int lastKind() {
                            return kind;
                        }

                        @Override
                        public void close() throws IOException {
                            conn.close();
                        }
                    }, cpu, "virtual".equals(o.generator));
        } finally {
            if (sampler != null) {
                sampler.interrupt();
                sampler.join();
            }
        }
    }

    /**
     * The storage limit: the scenario's SQL in a closed loop at the same concurrency, on as many connections as the
     * server's pool (PostgreSQL), or SQLite's single writer / reader pool as the server uses them. The 64 workers are
     * virtual threads, like the server's requests, and take connections from a fair queue (first come, first served,
     * like the server's turns). Where the server runs a unit of work on a platform thread (PostgreSQL transactions,
     * see its {@code Database}), the anchor hands the operation to one of as many platform threads as connections;
     * elsewhere the workers run the SQL themselves ({@code --anchor-threads} overrides both). SQLite's driver is
     * native code and pins a virtual thread to its carrier: only two workers then run SQL at a time, which is what
     * two cores can do with CPU-bound SQLite work anyway.
     */
    private Measure.Result anchor(Scenarios.Ctx ctx, Scenarios.Scenario sc, String jdbc, boolean pg,
                                  int pgConns, CpuWindow cpu) throws Exception {
        boolean writes = sc.write();
        boolean reads = !sc.write() || !sc.mix().isEmpty();
        // PostgreSQL: one pool for reads and writes, like the server's. SQLite: its single writer connection, and the
        // reader pool for reads (a mix has both).
        BlockingQueue<Connection> readPool = null;
        BlockingQueue<Connection> writePool = null;
        if (pg) {
            readPool = writePool = connections(pgConns, () -> DriverManager.getConnection(jdbc, o.pgUser,
                    o.pgPassword));
        } else {
            if (writes) {
                writePool = connections(1, () -> DriverManager.getConnection(jdbc + "&transaction_mode=IMMEDIATE"));
            }
            if (reads) {
                readPool = connections(Math.max(2, Math.min(o.poolSize, 8)), () -> DriverManager.getConnection(jdbc));
            }
        }
        boolean platform = switch (o.anchorThreads) {
            case "platform" -> true;
            case "virtual" -> false;
            default -> pg && writes;
        };
        int threadCount = pg ? pgConns : (writes ? 1 : 0) + (reads ? readPool.size() : 0);
        java.util.concurrent.ExecutorService threads = platform
                ? java.util.concurrent.Executors.newFixedThreadPool(threadCount) : null;
        BlockingQueue<Connection> rp = readPool;
        BlockingQueue<Connection> wp = writePool;
        try {
            return Measure.run(o.connections, o.warmup, o.duration, sc.name().hashCode() + 1, index ->
                    new Measure.Worker() {
                        int kind;

                        @Override
                        public boolean op(SplittableRandom r, long seq) throws Exception {
                            Scenarios.Scenario one = sc.pick(r);
                            kind = one.write() ? Measure.WRITE : Measure.READ;
                            BlockingQueue<Connection> pool = one.write() ? wp : rp;
                            // Transactions on the platform threads, as the server does; with "platform", all SQL.
                            if (threads == null || !one.write() && !"platform".equals(o.anchorThreads)) {
                                return once(one, ctx, pool, r, index, seq);
                            }
                            try {
                                return threads.submit(() -> once(one, ctx, pool, r, index, seq)).get();
                            } catch (java.util.concurrent.ExecutionException e) {
                                throw e.getCause() instanceof Exception x ? x : e;
                            }
                        }

                        @Override
                        public int lastKind() {
                            return kind;
                        }
                    }, cpu, true);
        } finally {
            if (threads != null) {
                threads.shutdown();
            }
            closeAll(readPool);
            if (writePool != readPool) {
                closeAll(writePool);
            }
        }
    }

    private interface Opener {
        Connection open() throws SQLException;
    }

    private static BlockingQueue<Connection> connections(int n, Opener opener) throws SQLException {
        BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(n, true); // fair: FIFO hand-off, no barging
        for (int i = 0; i < n; i++) {
            pool.add(opener.open());
        }
        return pool;
    }

    private static void closeAll(BlockingQueue<Connection> pool) throws SQLException {
        if (pool != null) {
            for (Connection c : pool) {
                c.close();
            }
        }
    }

    /** One request's SQL on a connection of {@code pool}, in the request's transaction if it writes. */
    private static boolean once(Scenarios.Scenario sc, Scenarios.Ctx ctx, BlockingQueue<Connection> pool,
                                java.util.SplittableRandom r, int index, long seq) throws Exception {
        Connection c = pool.take();
        try {
            if (sc.write()) {
                c.setAutoCommit(false);
            }
            sc.anchor().run(c, ctx, r, index, seq);
            if (sc.write()) {
                c.commit();
            }
            return true;
        } catch (SQLException e) {
            if (sc.write()) {
                c.rollback();
            }
            throw e;
        } finally {
            if (sc.write()) {
                c.setAutoCommit(true);
            }
            pool.put(c);
        }
    }

    private static String defsHash() {
        return sha256(Dataset.definitions().toString()).substring(0, 12);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }

    static void log(String s) {
        System.out.println(s);
        System.out.flush();
    }
}
