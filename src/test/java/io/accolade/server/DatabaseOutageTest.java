package io.accolade.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.Http;
import io.accolade.support.Stores;
import io.accolade.support.TcpProxy;
import io.accolade.support.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 2 point 5 and issue 6 point 7: when PostgreSQL goes away, /health says 503, requests fail fast with 503 and
 * Retry-After, the server stays up, and it recovers by itself when the database is back.
 */
class DatabaseOutageTest {

    /**
     * A server on its own PostgreSQL schema, reached through a relay the test can cut or stall, with an app "outage"
     * holding metric "m" and a 1 s database timeout.
     */
    private static final class Outage implements AutoCloseable {
        final TcpProxy proxy;
        final Accolade app;
        final Http http;
        final Http client;
        private final String schema;

        Outage() throws Exception {
            Assumptions.assumeTrue(Stores.isCi() || Stores.pgReachable(),
                    "PostgreSQL not reachable (CI=true requires it)");
            URI pg = URI.create(Stores.PG_URL.substring("jdbc:".length()));
            schema = Stores.createSchema();
            proxy = new TcpProxy(pg.getHost(), pg.getPort() < 0 ? 5432 : pg.getPort());
            String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + pg.getPath() + "?currentSchema=" + schema;
            Config config = Config.defaults().withPort(0).withAdminToken(TestServer.ADMIN_TOKEN)
                    .withDatabase(Optional.of(url), Optional.of(Stores.PG_USER),
                            Optional.ofNullable(Stores.PG_PASSWORD), Files.createTempDirectory("outage"))
                    .withDbTimeout(Duration.ofSeconds(1));
            app = Accolade.start(config, Clock.systemUTC());
            http = new Http("http://127.0.0.1:" + app.port());
            Http admin = http.withBearer(TestServer.ADMIN_TOKEN);
            String key = admin.post("/admin/v1/apps", Map.of("id", "outage")).json().get("apiKey").asText();
            admin.put("/admin/v1/apps/outage/metrics/m", Map.of("name", "M"));
            client = http.withKey(key);
        }

        Http.Resp event() {
            return client.post("/v1/metrics/m/event", Map.of("user", Map.of("id", "u"), "value", 1));
        }

        /** Sends events until one is accepted again (at most 30 s); returns the last status. */
        int awaitRecovery() throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int status = 0;
            while (System.nanoTime() < deadline) {
                status = event().status();
                if (status == 201) {
                    break;
                }
                Thread.sleep(200);
            }
            return status;
        }

        @Override
        public void close() throws Exception {
            try {
                app.close();
                proxy.close();
            } finally {
                Stores.dropSchema(schema);
            }
        }
    }

    @Test
    void failsFastWhileTheDatabaseIsDownAndRecoversByItself() throws Exception {
        try (Outage o = new Outage()) {
            assertThat(o.http.get("/health").status()).isEqualTo(200);

            o.proxy.cut();
            long t0 = System.nanoTime();
            var health = o.http.get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("store").get("status").asText()).isEqualTo("DOWN");
            var event = o.event();
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(event.status()).isEqualTo(503);
            assertThat(event.header("Retry-After")).isNotBlank();
            assertThat(event.json().get("error").asText()).contains("retry");
            assertThat(event.header("X-Request-Id")).isEqualTo(event.json().get("requestId").asText());
            assertThat(elapsedMs).as("fails fast").isLessThan(10_000);
            assertThat(o.http.get("/health/live").status()).isEqualTo(200);

            o.proxy.restore();
            assertThat(o.awaitRecovery()).as("recovers by itself").isEqualTo(201);
            assertThat(o.http.get("/health").status()).isEqualTo(200);
            assertThat(o.client.get("/v1/users/u/metrics/m").json().get("current").asDouble()).isEqualTo(1.0);
        }
    }

    /**
     * A database that hangs instead of refusing (a TCP relay that accepts and forwards nothing): requests still fail
     * fast with 503 and Retry-After, liveness stays up, and everything recovers when the database answers again.
     */
    @Test
    void failsFastWhileTheDatabaseHangsAndRecoversByItself() throws Exception {
        try (Outage o = new Outage()) {
            assertThat(o.event().status()).isEqualTo(201);

            o.proxy.stall();
            List<String> timings = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                long t0 = System.nanoTime();
                var event = o.event();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                timings.add(event.status() + " in " + ms + " ms");
                assertThat(event.status()).as("event while the database hangs").isEqualTo(503);
                assertThat(event.header("Retry-After")).isNotBlank();
                assertThat(ms).as("fails fast").isLessThan(5_000);
            }
            long t0 = System.nanoTime();
            var read = o.client.get("/v1/users/u/metrics/m");
            timings.add("read " + read.status() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(read.status()).isEqualTo(503);
            t0 = System.nanoTime();
            assertThat(o.http.get("/health").status()).isEqualTo(503);
            timings.add("health 503 in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(o.http.get("/health/live").status()).isEqualTo(200);
            System.out.println("[stalled database] " + timings);

            o.proxy.resume();
            assertThat(o.awaitRecovery()).as("recovers by itself").isEqualTo(201);
            assertThat(o.http.get("/health").status()).isEqualTo(200);
        }
    }
}
