package io.accolade.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.Http;
import io.accolade.support.StoreKind;
import io.accolade.support.Stores;
import io.accolade.support.TcpProxy;
import io.accolade.support.TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 2 point 5 and issue 6 point 7: when PostgreSQL goes away, /health says 503, requests fail fast with 503 and
 * Retry-After, the server stays up, and it recovers by itself when the database is back.
 */
class DatabaseOutageTest {

    @Test
    void failsFastWhileTheDatabaseIsDownAndRecoversByItself() throws Exception {
        Assumptions.assumeTrue(Stores.isCi() || Stores.pgReachable(), "PostgreSQL not reachable (CI=true requires it)");
        URI pg = URI.create(Stores.PG_URL.substring("jdbc:".length()));
        String schema = Stores.createSchema();
        try (TcpProxy proxy = new TcpProxy(pg.getHost(), pg.getPort() < 0 ? 5432 : pg.getPort())) {
            String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + pg.getPath() + "?currentSchema=" + schema;
            var store = new TestServer.StoreConfig(StoreKind.POSTGRES, java.nio.file.Files.createTempDirectory("o"),
                    schema);
            Config config = Config.defaults().withPort(0).withAdminToken(TestServer.ADMIN_TOKEN)
                    .withDatabase(Optional.of(url), Optional.of(Stores.PG_USER), Optional.ofNullable(Stores.PG_PASSWORD),
                            store.dir())
                    .withDbTimeout(Duration.ofSeconds(1));
            try (Accolade app = Accolade.start(config, java.time.Clock.systemUTC())) {
                Http http = new Http("http://127.0.0.1:" + app.port());
                Http admin = http.withBearer(TestServer.ADMIN_TOKEN);
                String key = admin.post("/admin/v1/apps", Map.of("id", "outage")).json().get("apiKey").asText();
                admin.put("/admin/v1/apps/outage/metrics/m", Map.of("name", "M"));
                Http client = http.withKey(key);
                assertThat(http.get("/health").status()).isEqualTo(200);

                proxy.cut();
                long t0 = System.nanoTime();
                var health = http.get("/health");
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.json().get("store").get("status").asText()).isEqualTo("DOWN");
                var event = client.post("/v1/metrics/m/event", Map.of("user", Map.of("id", "u"), "value", 1));
                long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(event.status()).isEqualTo(503);
                assertThat(event.header("Retry-After")).isNotBlank();
                assertThat(event.json().get("error").asText()).contains("retry");
                assertThat(event.header("X-Request-Id")).isEqualTo(event.json().get("requestId").asText());
                assertThat(elapsedMs).as("fails fast").isLessThan(10_000);
                assertThat(http.get("/health/live").status()).isEqualTo(200);

                proxy.restore();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                int status = 0;
                while (System.nanoTime() < deadline) {
                    status = client.post("/v1/metrics/m/event", Map.of("user", Map.of("id", "u"), "value", 1)).status();
                    if (status == 201) {
                        break;
                    }
                    Thread.sleep(200);
                }
                assertThat(status).as("recovers by itself").isEqualTo(201);
                assertThat(http.get("/health").status()).isEqualTo(200);
                assertThat(client.get("/v1/users/u/metrics/m").json().get("current").asDouble()).isEqualTo(1.0);
            }
        } finally {
            Stores.dropSchema(schema);
        }
    }

    /**
     * A database that hangs instead of refusing (a TCP relay that accepts and forwards nothing): requests still fail
     * fast with 503 and Retry-After, liveness stays up, and everything recovers when the database answers again.
     */
    @Test
    void failsFastWhileTheDatabaseHangsAndRecoversByItself() throws Exception {
        Assumptions.assumeTrue(Stores.isCi() || Stores.pgReachable(), "PostgreSQL not reachable (CI=true requires it)");
        URI pg = URI.create(Stores.PG_URL.substring("jdbc:".length()));
        String schema = Stores.createSchema();
        try (TcpProxy proxy = new TcpProxy(pg.getHost(), pg.getPort() < 0 ? 5432 : pg.getPort())) {
            String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + pg.getPath() + "?currentSchema=" + schema;
            Config config = Config.defaults().withPort(0).withAdminToken(TestServer.ADMIN_TOKEN)
                    .withDatabase(Optional.of(url), Optional.of(Stores.PG_USER), Optional.ofNullable(Stores.PG_PASSWORD),
                            java.nio.file.Files.createTempDirectory("stall"))
                    .withDbTimeout(Duration.ofSeconds(1));
            try (Accolade app = Accolade.start(config, java.time.Clock.systemUTC())) {
                Http http = new Http("http://127.0.0.1:" + app.port());
                Http admin = http.withBearer(TestServer.ADMIN_TOKEN);
                String key = admin.post("/admin/v1/apps", Map.of("id", "stall")).json().get("apiKey").asText();
                admin.put("/admin/v1/apps/stall/metrics/m", Map.of("name", "M"));
                Http client = http.withKey(key);
                assertThat(client.post("/v1/metrics/m/event", Map.of("user", Map.of("id", "u"), "value", 1)).status())
                        .isEqualTo(201);

                proxy.stall();
                java.util.List<String> timings = new java.util.ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    long t0 = System.nanoTime();
                    var event = client.post("/v1/metrics/m/event", Map.of("user", Map.of("id", "u"), "value", 1));
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    timings.add(event.status() + " in " + ms + " ms");
                    assertThat(event.status()).as("event while the database hangs").isEqualTo(503);
                    assertThat(event.header("Retry-After")).isNotBlank();
                    assertThat(ms).as("fails fast").isLessThan(5_000);
                }
                long t0 = System.nanoTime();
                var read = client.get("/v1/users/u/metrics/m");
                timings.add("read " + read.status() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                assertThat(read.status()).isEqualTo(503);
                t0 = System.nanoTime();
                assertThat(http.get("/health").status()).isEqualTo(503);
                timings.add("health 503 in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                assertThat(http.get("/health/live").status()).isEqualTo(200);
                System.out.println("[stalled database] " + timings);

                proxy.resume();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                int status = 0;
                while (System.nanoTime() < deadline) {
                    status = client.post("/v1/metrics/m/event", Map.of("user", Map.of("id", "u"), "value", 1)).status();
                    if (status == 201) {
                        break;
                    }
                    Thread.sleep(200);
                }
                assertThat(status).as("recovers by itself").isEqualTo(201);
                assertThat(http.get("/health").status()).isEqualTo(200);
            }
        } finally {
            Stores.dropSchema(schema);
        }
    }
}
