package io.accolade.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.server.Main;
import io.accolade.support.Http;
import io.accolade.support.StoreKind;
import io.accolade.support.Stores;
import io.accolade.support.TestServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6, point 1, the short version of {@code scripts/durability}: the real {@code main} in a child JVM takes
 * metric events from concurrent clients (each with its own Idempotency-Key), is killed with SIGKILL while requests
 * are in flight, and is started again on the same store. Every unanswered request is retried with its key (201 when
 * the kill lost it, 202 when it had been stored), every acknowledged one replays as 202 with its original eventId,
 * and each user's stored total is exactly the acknowledged plus the retried events.
 */
class DurabilityTest {
    private static final String ADMIN = "durability-test-admin-token";
    private static final int CLIENTS = 16;
    private static final int USERS = 12;
    private static final long LOAD_MILLIS = 800;

    /** One event as a client sent it, and what it heard. */
    static final class Sent {
        final String key = UUID.randomUUID().toString();
        final String user;
        final int value;
        volatile Integer status;   // null: no answer
        volatile String eventId;

        Sent(String user, int value) {
            this.user = user;
            this.value = value;
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("io.accolade.support.Stores#available")
    void everyAcknowledgedEventSurvivesAKillAndRetriesCountOnce(StoreKind kind) throws Exception {
        var store = TestServer.StoreConfig.fresh(kind);
        List<String> storeArgs = kind == StoreKind.POSTGRES
                ? List.of("--db-url", Stores.schemaUrl(store.schema()), "--db-user", Stores.PG_USER)
                : List.of("--data-dir", store.dir().resolve("data").toString());
        Child server = null;
        try {
            server = launch(store.dir(), storeArgs);
            Http http = server.http();
            Http admin = http.withBearer(ADMIN);
            String key = admin.post("/admin/v1/apps", Map.of("id", "dur")).json().get("apiKey").asText();
            assertThat(admin.put("/admin/v1/apps/dur/metrics/steps", Map.of("name", "Steps")).status()).isEqualTo(201);
            assertThat(admin.put("/admin/v1/apps/dur/achievements/fifty", Map.of("name", "Fifty", "trigger", "metric",
                    "metricKey", "steps", "metricValue", 50)).status()).isEqualTo(201);

            // Load, then SIGKILL while requests are on the wire.
            ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            Http loadClient = http.withKey(key);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            for (int n = 0; n < CLIENTS; n++) {
                Random rng = new Random(n);
                pool.submit(() -> {
                    while (!stop.get()) {
                        Sent e = new Sent("user-" + (int) (USERS * Math.pow(rng.nextDouble(), 2)), 1 + rng.nextInt(9));
                        sent.add(e);
                        try {
                            var r = send(loadClient, e);
                            e.eventId = r.status() < 300 ? r.json().get("eventId").asText() : null;
                            e.status = r.status();
                        } catch (RuntimeException noAnswer) {
                            e.status = null;
                        }
                    }
                });
            }
            Thread.sleep(LOAD_MILLIS);
            stop.set(true);
            server.process().destroyForcibly();        // SIGKILL: no shutdown hook, no drain
            assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            List<Sent> acked = sent.stream().filter(e -> e.status != null && e.status < 300).toList();
            // A 503 (the database too slow on a loaded machine) asks the client to retry, as no answer does.
            List<Sent> refused = sent.stream().filter(e -> e.status != null && e.status >= 300 && e.status != 503)
                    .toList();
            List<Sent> unanswered = sent.stream().filter(e -> e.status == null || e.status == 503).toList();
            assertThat(refused).as("answers other than 2xx before the kill").isEmpty();
            assertThat(acked).as("events acknowledged before the kill").isNotEmpty();
            assertThat(acked).allMatch(e -> e.status == 201);

            server = launch(store.dir(), storeArgs);
            Http client = server.http().withKey(key);
            int stored = 0;
            int lost = 0;
            for (Sent e : unanswered) {
                var r = send(client, e);
                assertThat(r.status()).as("retry of " + e.key).isIn(201, 202);
                if (r.status() == 202) {
                    stored++;
                } else {
                    lost++;
                }
            }
            Http replayClient = client;
            // Each replay's own assertion is rethrown here (a failed one must name its answer, not only fail the
            // count below).
            List<java.util.concurrent.Future<?>> replayed = new ArrayList<>();
            try (ExecutorService replays = Executors.newFixedThreadPool(8)) {
                for (Sent e : acked) {
                    replayed.add(replays.submit(() -> {
                        var r = send(replayClient, e);
                        assertThat(r.status()).as("replay of " + e.key + ": " + r.body()).isEqualTo(202);
                        assertThat(r.json().get("eventId").asText()).isEqualTo(e.eventId);
                        e.status = 202;
                    }));
                }
            }
            for (var f : replayed) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException failed) {
                    throw failed.getCause() instanceof AssertionError a ? a : new AssertionError(failed.getCause());
                }
            }
            assertThat(acked).as("every acknowledged event replayed as 202").allMatch(e -> e.status == 202);

            Map<String, Integer> expected = new HashMap<>();
            for (Sent e : sent) {
                expected.merge(e.user, e.value, Integer::sum);
            }
            int qualifying = 0;
            for (var entry : expected.entrySet()) {
                JsonNode m = client.get("/v1/users/" + entry.getKey() + "/metrics/steps").json();
                assertThat(m.get("current").asInt()).as("total of " + entry.getKey()).isEqualTo(entry.getValue());
                boolean unlocked = m.get("achievements").get(0).hasNonNull("achievedAt");
                assertThat(unlocked).as("unlock of " + entry.getKey()).isEqualTo(entry.getValue() >= 50);
                qualifying += entry.getValue() >= 50 ? 1 : 0;
            }
            assertThat(client.get("/v1/achievements").json().get(0).get("completions").asInt()).isEqualTo(qualifying);
            System.out.printf("[durability %s] sent %d, acknowledged %d, unanswered %d (retried: %d stored before the"
                            + " kill, %d lost by it), total %d%n", kind, sent.size(), acked.size(), unanswered.size(),
                    stored, lost, expected.values().stream().mapToInt(Integer::intValue).sum());
        } finally {
            if (server != null) {
                server.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            store.cleanUp();
        }
    }

    private static Http.Resp send(Http client, Sent e) {
        return client.with("Idempotency-Key", e.key)
                .post("/v1/metrics/steps/event", Map.of("user", Map.of("id", e.user), "value", e.value));
    }

    /** The server in a child JVM, and a client for it. */
    record Child(Process process, Http http) {
    }

    private static Child launch(Path dir, List<String> storeArgs) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--port", String.valueOf(port), "--host", "127.0.0.1", "--admin-token", ADMIN));
        cmd.addAll(storeArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("ACCOLADE_"));
        Path log = Files.createTempFile(dir, "server-", ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        Http http = new Http("http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("server process alive").isTrue();
            try {
                if (http.get("/health").status() == 200) {
                    return new Child(p, http);
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("server did not start: " + Files.readString(log));
    }
}
