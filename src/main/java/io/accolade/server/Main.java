package io.accolade.server;

import java.time.Clock;
import java.util.logging.Logger;

/** {@code ./accolade [--flag value]...}: starts the server; settings in {@link Config}. */
public final class Main {
    private static final Logger LOG = Logger.getLogger("io.accolade");

    private Main() {
    }

    public static void main(String[] args) {
        Logging.configure();
        long t0 = System.nanoTime();
        Config config;
        Accolade app;
        try {
            config = Config.load(System.getenv(), args);
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
        LOG.info(banner.toString().stripTrailing());
    }
}
