package io.accolade.api.mobage;

import static io.accolade.support.MobageFixture.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.Http;
import io.accolade.support.MobageFixture;
import io.accolade.support.ServerTest;
import io.accolade.support.StoreKind;
import io.accolade.support.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 5, point 1: increments are atomic. Concurrent writes for one user queue on the user's lock (a row lock on
 * PostgreSQL, the single writer on SQLite), so none is lost and an unlock happens once.
 */
class MobageConcurrencyTest extends ServerTest {
    private static final int WRITERS = 100;
    private static final String MINE = BASE + "/people/@me/@self/achievements/@app/";

    @Override
    protected TestServer startServer(StoreKind kind) {
        // 100 writers queue for connections: let them wait rather than answer 503 on a slow machine.
        return TestServer.start(kind, Clock.systemUTC(), c -> c.withDbTimeout(Duration.ofSeconds(60)));
    }

    /** Runs {@code WRITERS} requests at once (released together) and returns their answers. */
    private static List<Http.Resp> concurrently(Supplier<Http.Resp> request) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Http.Resp>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < WRITERS; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return request.get();
                }));
            }
            start.countDown();
            List<Http.Resp> out = new ArrayList<>();
            for (Future<Http.Resp> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }

    @Test
    void hundredConcurrentIncrementsAddExactlyHundred() throws Exception {
        MobageFixture m = new MobageFixture(server, newApp());
        m.api("grind", "totalSteps", 1000);
        Http me = m.as("u1");
        assertThat(me.post(MINE + "grind/increment", Map.of("steps", 7)).status()).isEqualTo(200);

        List<Http.Resp> answers = concurrently(() -> me.post(MINE + "grind/increment", Map.of("steps", 1)));
        assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
        // Every answer saw a different total: each increment was applied on top of the one before.
        assertThat(answers.stream().map(r -> r.json().get("steps").asLong()).distinct().count()).isEqualTo(WRITERS);
        var after = me.get(MINE + "grind?fields=steps,state");
        assertThat(after.json()).isEqualTo(Http.parse("{\"steps\": 107, \"state\": \"REVEALED\"}"));
    }

    @Test
    void concurrentUnlocksOfOneAchievementUnlockOnce() throws Exception {
        MobageFixture m = new MobageFixture(server, newApp());
        m.api("once");
        Http me = m.as("u1");
        List<Http.Resp> answers = concurrently(() -> me.put(MINE + "once?fields=state", Map.of("state", "UNLOCKED")));
        assertThat(answers.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
        assertThat(answers.stream().filter(r -> r.status() == 409).count()).isEqualTo(WRITERS - 1);
        assertThat(me.get(MINE + "once?fields=numOfUnlocked").json().get("numOfUnlocked").asInt()).isEqualTo(1);
        assertThat(m.app.http().get("/v1/achievements").json().get(0).get("completions").asLong()).isEqualTo(1);
    }
}
