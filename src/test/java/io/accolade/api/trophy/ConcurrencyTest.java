package io.accolade.api.trophy;

import static io.accolade.api.trophy.Setup.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.Http;
import io.accolade.support.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Issue 3: concurrent writes for one user are applied one after the other (none lost) and an unlock decided under
 * concurrency happens exactly once. Real threads against the real server, on both stores.
 */
class ConcurrencyTest extends ServerTest {
    private static final int THREADS = 50;

    /** Runs {@code THREADS} requests at once (released together by a latch) and returns the answers in order. */
    private static List<Http.Resp> concurrently(IntFunction<Http.Resp> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch ready = new CountDownLatch(THREADS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Http.Resp>> futures = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                int n = i;
                Callable<Http.Resp> task = () -> {
                    ready.countDown();
                    go.await();
                    return request.apply(n);
                };
                futures.add(pool.submit(task));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<Http.Resp> out = new ArrayList<>();
            for (Future<Http.Resp> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Http.Resp event(Http http, String user, Number value) {
        return http.post("/v1/metrics/words/event", obj("user", obj("id", user), "value", value));
    }

    @Test
    void concurrentEventsForOneUserLeaveExactlyTheSum() throws Exception {
        var app = newApp();
        var s = new Setup(admin(), app);
        s.metric("words");
        s.user("racer");

        // Values 1..50: every partial sum is distinct, so each response's total shows where the event was applied.
        List<Http.Resp> answers = concurrently(i -> event(app.http(), "racer", i + 1));

        assertThat(answers).allSatisfy(r -> assertThat(r.status()).as("%s", r).isEqualTo(201));
        int expected = THREADS * (THREADS + 1) / 2;
        List<Long> totals = answers.stream().map(r -> r.json().get("total").asLong()).toList();
        assertThat(totals).as("every event saw its own running total").doesNotHaveDuplicates();
        assertThat(totals).contains((long) expected);
        assertThat(Setup.ok(app.http().get("/v1/users/racer/metrics/words")).get("current").asLong())
                .isEqualTo(expected);
    }

    @Test
    void aThresholdCrossedUnderConcurrencyUnlocksExactlyOnce() throws Exception {
        var app = newApp();
        var s = new Setup(admin(), app);
        s.metric("words");
        s.metricAchievement("quarter", "words", 25);
        s.composite("after-quarter", "quarter");
        s.user("racer");

        List<Http.Resp> answers = concurrently(i -> event(app.http(), "racer", 1));

        assertThat(answers).allSatisfy(r -> assertThat(r.status()).as("%s", r).isEqualTo(201));
        List<JsonNode> unlocking = answers.stream().map(Http.Resp::json)
                .filter(b -> !b.get("achievements").isEmpty()).toList();
        assertThat(unlocking).as("exactly one event lists the achievement").hasSize(1);
        assertThat(unlocking.getFirst().get("achievements")).extracting(a -> a.get("key").asText())
                .containsExactly("quarter", "after-quarter");
        assertThat(unlocking.getFirst().get("total").asLong()).isEqualTo(25);

        JsonNode all = Setup.ok(app.http().get("/v1/achievements"));
        assertThat(all).allSatisfy(a -> {
            assertThat(a.get("completions").asLong()).as(a.get("key").asText()).isEqualTo(1);
            assertThat(a.get("rarity").asDouble()).as("one user, created once").isEqualTo(100);
        });
        assertThat(Setup.ok(app.http().get("/v1/users/racer/achievements"))).hasSize(2);
    }

    @Test
    void concurrentEventsOnTwoMetricsCompleteTheirCompositeExactlyOnce() throws Exception {
        var app = newApp();
        var s = new Setup(admin(), app);
        s.metric("reads");
        s.metric("writes");
        s.metricAchievement("reader", "reads", THREADS / 2);
        s.metricAchievement("writer", "writes", THREADS / 2);
        s.composite("scholar", "reader", "writer");
        s.user("racer");

        // Half the events go to each metric; the last event of each races with the other's last event. The
        // composite must see both prerequisites exactly once, whichever commits second.
        List<Http.Resp> answers = concurrently(i -> app.http().post(
                "/v1/metrics/" + (i % 2 == 0 ? "reads" : "writes") + "/event",
                obj("user", obj("id", "racer"), "value", 1)));

        assertThat(answers).allSatisfy(r -> assertThat(r.status()).as("%s", r).isEqualTo(201));
        List<String> listed = answers.stream()
                .flatMap(r -> java.util.stream.StreamSupport.stream(r.json().get("achievements").spliterator(), false))
                .map(a -> a.get("key").asText()).toList();
        assertThat(listed).containsExactlyInAnyOrder("reader", "writer", "scholar");
        assertThat(Setup.ok(app.http().get("/v1/achievements")))
                .allSatisfy(a -> assertThat(a.get("completions").asLong()).as(a.get("key").asText()).isEqualTo(1));
    }

    @Test
    void concurrentReplaysOfOneIdempotencyKeyApplyTheEventOnce() throws Exception {
        var app = newApp();
        new Setup(admin(), app).metric("words");
        new Setup(admin(), app).user("racer");

        List<Http.Resp> answers = concurrently(i -> app.http().with("Idempotency-Key", "once")
                .post("/v1/metrics/words/event", obj("user", obj("id", "racer"), "value", 7)));

        assertThat(answers).extracting(Http.Resp::status).containsOnly(201, 202);
        assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(answers).extracting(r -> r.json().get("eventId").asText()).as("all name the one event")
                .containsOnly(answers.getFirst().json().get("eventId").asText());
        assertThat(Setup.ok(app.http().get("/v1/users/racer/metrics/words")).get("current").asLong()).isEqualTo(7);
    }

    @Test
    void concurrentCompletionsOfOneAchievementCompleteItOnce() throws Exception {
        var app = newApp();
        new Setup(admin(), app).api("onboarded");
        new Setup(admin(), app).user("racer");

        List<Http.Resp> answers = concurrently(i -> app.http().post("/v1/achievements/onboarded/complete",
                obj("user", obj("id", "racer"))));

        assertThat(answers).extracting(Http.Resp::status).containsOnly(200, 201);
        assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(answers).extracting(r -> r.json().get("completionId").asText()).containsOnly(
                answers.getFirst().json().get("completionId").asText());
        assertThat(Setup.ok(app.http().get("/v1/achievements")).get(0).get("completions").asLong()).isEqualTo(1);
    }
}
