package io.accolade.support;

import io.accolade.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Which stores a test run uses: SQLite always; PostgreSQL in CI ({@code CI=true}) and whenever it is reachable.
 * In CI an unreachable PostgreSQL fails the run (the tests fail to start their server) instead of skipping it.
 */
public final class Stores {
    private Stores() {
    }

    public static final String PG_URL = env("ACCOLADE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = env("ACCOLADE_TEST_PG_USER", "postgres");
    public static final String PG_PASSWORD = System.getenv("ACCOLADE_TEST_PG_PASSWORD");

    private static volatile Boolean reachable;

    /** The argument source of every parameterized server test. */
    public static List<StoreKind> available() {
        if (isCi() || pgReachable()) {
            return List.of(StoreKind.SQLITE, StoreKind.POSTGRES);
        }
        System.err.println("[accolade-tests] PostgreSQL at " + PG_URL + " is not reachable: running on SQLite only"
                + " (CI=true makes this a failure)");
        return List.of(StoreKind.SQLITE);
    }

    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static boolean pgReachable() {
        if (reachable == null) {
            try (Connection c = DriverManager.getConnection(PG_URL + "?connectTimeout=2", PG_USER, PG_PASSWORD)) {
                reachable = c.isValid(2);
            } catch (SQLException e) {
                reachable = false;
            }
        }
        return reachable;
    }

    /** A fresh schema in the test database; the returned URL makes it the connection's schema. */
    public static String createSchema() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute("CREATE SCHEMA " + schema);
        return schema;
    }

    public static String schemaUrl(String schema) {
        return PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A migrated database of a store test's own; closing it drops its PostgreSQL schema. */
    public record Fresh(Database db, String schema) implements AutoCloseable {
        @Override
        public void close() {
            try {
                db.close();
            } finally {
                if (schema != null) {
                    dropSchema(schema);
                }
            }
        }
    }

    /** A fresh schema on PostgreSQL, a temporary directory on SQLite, with the migrations applied. */
    public static Fresh fresh(StoreKind kind, int poolSize, Duration timeout) throws IOException {
        if (kind == StoreKind.SQLITE) {
            Database db = Database.sqlite(Files.createTempDirectory("accolade-store"), poolSize, timeout);
            return migrated(new Fresh(db, null));
        }
        String schema = createSchema();
        try {
            Database db = Database.postgres(schemaUrl(schema), Optional.of(PG_USER), Optional.ofNullable(PG_PASSWORD),
                    poolSize, timeout);
            return migrated(new Fresh(db, schema));
        } catch (RuntimeException e) {
            dropSchema(schema);
            throw e;
        }
    }

    private static Fresh migrated(Fresh f) {
        try {
            f.db().migrate();
            return f;
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public static void dropSchema(String schema) {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + PG_URL + " failed: " + e.getMessage(), e);
        }
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }
}
