package io.accolade.support;

import io.accolade.server.Accolade;
import io.accolade.server.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The real server on a random port over a store of its own: a fresh SQLite file in a temporary directory, or a
 * fresh PostgreSQL schema that is dropped afterwards. Nothing is shared between test classes.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    public final StoreKind kind;
    public final Accolade app;
    public final Http http;
    public final Http admin;
    private final Path dir;
    private final String schema;

    private TestServer(StoreKind kind, Accolade app, Path dir, String schema) {
        this.kind = kind;
        this.app = app;
        this.dir = dir;
        this.schema = schema;
        this.http = new Http("http://127.0.0.1:" + app.port());
        this.admin = http.withBearer(ADMIN_TOKEN);
    }

    public static TestServer start(StoreKind kind) {
        return start(kind, Clock.systemUTC(), c -> c);
    }

    public static TestServer start(StoreKind kind, Clock clock, UnaryOperator<Config> tweak) {
        StoreConfig store = StoreConfig.fresh(kind);
        // A generous database timeout: on PostgreSQL it also bounds each round trip, and a loaded CI machine
        // (50-thread contention tests next to other builds) must not turn slow answers into 503s.
        Config config = tweak.apply(store.apply(Config.defaults().withPort(0).withAdminToken(ADMIN_TOKEN)
                .withDbTimeout(java.time.Duration.ofSeconds(10))));
        try {
            return new TestServer(kind, Accolade.start(config, clock), store.dir(), store.schema());
        } catch (RuntimeException e) {
            store.cleanUp();
            throw e;
        }
    }

    /** A store of its own: where it lives, and how to point a {@link Config} at it. */
    public record StoreConfig(StoreKind kind, Path dir, String schema) {
        public static StoreConfig fresh(StoreKind kind) {
            try {
                Path dir = Files.createTempDirectory("accolade-test-");
                String schema = kind == StoreKind.POSTGRES ? Stores.createSchema() : null;
                return new StoreConfig(kind, dir, schema);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        public Config apply(Config c) {
            return kind == StoreKind.POSTGRES
                    ? c.withDatabase(Optional.of(Stores.schemaUrl(schema)), Optional.of(Stores.PG_USER),
                    Optional.ofNullable(Stores.PG_PASSWORD), dir)
                    : c.withDatabase(Optional.empty(), Optional.empty(), Optional.empty(), dir);
        }

        public void cleanUp() {
            if (schema != null) {
                Stores.dropSchema(schema);
            }
            deleteTree(dir);
        }
    }

    /** Creates an app through the admin API and returns it with a client that sends its key. */
    public TestApp newApp(String id) {
        var r = admin.post("/admin/v1/apps", java.util.Map.of("id", id, "name", "App " + id));
        if (r.status() != 201) {
            throw new AssertionError("cannot create app " + id + ": " + r);
        }
        String key = r.json().get("apiKey").asText();
        return new TestApp(id, key, http.withKey(key));
    }

    public record TestApp(String id, String apiKey, Http http) {
    }

    /** Waits until the server may serve from memory (PostgreSQL: its change listener has confirmed its connection). */
    public void awaitCacheTrusted() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!app.database().userChanges().trusted()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server does not trust its cache within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Runs SQL on the server's store behind its back: no write path, so nothing is announced or ended in memory. */
    public void behindTheServersBack(String... statements) {
        try (var c = app.database().writerDataSource().getConnection(); var s = c.createStatement()) {
            for (String sql : statements) {
                s.executeUpdate(sql);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            new StoreConfig(kind, dir, schema).cleanUp();
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
