package io.accolade.server;

import java.time.Clock;
import java.util.logging.Logger;

/** {@code ./accolade [--flag value]...}: starts the server; settings in {@link Config}. */
public final class Main {
    private static final Logger LOG = Logger.getLogger("io.accolade");

    private Main() {
    }

    static final String CARRIERS = "jdk.virtualThreadScheduler.parallelism";

    /**
     * On the embedded SQLite store, twice as many carrier threads as cores, unless the JVM was given its own number.
     *
     * <p>Why: SQLite's driver runs every statement in native code, and a virtual thread inside a native call cannot
     * leave its carrier. With the JDK's default of one carrier per core, both carriers of a two-core machine are often
     * inside SQLite at once, and some requests then waited over two seconds for a carrier while the rest were served:
     * `./bench/run --stores sqlite --scenarios mobage-collection,streak` showed requests of 1–2.4 s every few seconds
     * with two carriers and none over 130 ms with four; in a full run the database reads also gained 13–30% in
     * throughput and the writes stayed the same (BENCHMARKS.md, "Fourth round").
     * PostgreSQL's driver waits in socket reads, where a virtual thread does unmount, and showed no such requests.
     * The property is read when the first virtual thread starts, so this must run before the server does.
     */
    static void moreCarriersForSqlite() {
        if (System.getProperty(CARRIERS) == null) {
            System.setProperty(CARRIERS, Integer.toString(2 * Runtime.getRuntime().availableProcessors()));
        }
    }

    public static void main(String[] args) {
        Logging.configure();
        long t0 = System.nanoTime();
        Config config;
        Accolade app;
        try {
            config = Config.load(System.getenv(), args);
            if (config.dbUrl().isEmpty()) {
                moreCarriersForSqlite();
            }
            app = Accolade.start(config, Clock.systemUTC());
        } catch (ConfigException e) {
            System.err.println("accolade: " + e.oneLine());
            System.exit(e.setting() == null && e.getMessage().startsWith("Usage") ? 0 : 2);
            return;
        }
        // JUL resets its handlers in its own shutdown hook, so the shutdown report goes straight to stderr.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long s = System.nanoTime();
            System.err.println("accolade: stopping (draining in-flight requests)");
            app.close();
            System.err.println("accolade: stopped after " + (System.nanoTime() - s) / 1_000_000 + " ms");
        }, "accolade-shutdown"));
        StringBuilder banner = new StringBuilder("Accolade started in ")
                .append((System.nanoTime() - t0) / 1_000_000).append(" ms on http://")
                .append(config.host()).append(':').append(app.port())
                .append(" (store: ").append(app.database().description()).append(")\n");
        config.describe().forEach(l -> banner.append(l).append('\n'));
        banner.append(String.format("  %-28s %d%n", "virtual-thread carriers", java.lang.management.ManagementFactory
                .getPlatformMXBean(jdk.management.VirtualThreadSchedulerMXBean.class).getParallelism()));
        LOG.info(banner.toString().stripTrailing());
    }
}
