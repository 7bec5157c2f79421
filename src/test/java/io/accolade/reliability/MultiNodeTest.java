package io.accolade.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.server.Accolade;
import io.accolade.support.Http;
import io.accolade.support.MobageFixture;
import io.accolade.support.StoreKind;
import io.accolade.support.Stores;
import io.accolade.support.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 6, point 2: three server processes' worth of nodes (three servers in this JVM, each with its own pool) on one
 * PostgreSQL. Events for the same users and metrics are spread across them concurrently; totals, unlocks and
 * rarity come out exact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiNodeTest {
    private TestServer first;
    private final List<Accolade> others = new ArrayList<>();
    private final List<Http> nodes = new ArrayList<>();
    private TestServer.TestApp app;

    @BeforeAll
    void startNodes() {
        Assumptions.assumeTrue(Stores.isCi() || Stores.pgReachable(), "PostgreSQL not reachable (CI=true requires it)");
        first = TestServer.start(StoreKind.POSTGRES);
        for (int i = 0; i < 2; i++) {
            others.add(Accolade.start(first.app.config(), Clock.systemUTC()));
        }
        app = first.newApp("multi");
        first.admin.put("/admin/v1/apps/multi/metrics/xp", Map.of("name", "XP"));
        first.admin.put("/admin/v1/apps/multi/achievements/xp-100", Map.of("name", "100 XP", "trigger", "metric",
                "metricKey", "xp", "metricValue", 100));
        first.admin.put("/admin/v1/apps/multi/achievements/bonus", Map.of("name", "Bonus", "trigger", "api"));
        first.admin.put("/admin/v1/apps/multi/achievements/both", Map.of("name", "Both", "trigger", "achievement",
                "prerequisites", List.of("xp-100", "bonus")));
        nodes.add(app.http());
        for (Accolade o : others) {
            nodes.add(client(o, app));
        }
    }

    @AfterAll
    void stopNodes() {
        others.forEach(Accolade::close);
        if (first != null) {
            first.close();
        }
    }

    @Test
    void concurrentEventsAcrossNodesCountExactlyAndUnlockOnce() throws Exception {
        int users = 10;
        int eventsPerUser = 40;            // 40 × 3 = 120 ≥ 100: each user crosses the threshold once
        AtomicInteger unlockResponses = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
            List<Future<?>> work = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                for (int i = 0; i < eventsPerUser; i++) {
                    String user = "user-" + u;
                    Http node = nodes.get((u + i) % nodes.size());
                    work.add(pool.submit(() -> {
                        var r = node.post("/v1/metrics/xp/event", Map.of("user", Map.of("id", user), "value", 3));
                        if (r.status() != 201) {
                            failures.incrementAndGet();
                        } else if (r.json().get("achievements").findValuesAsText("key").contains("xp-100")) {
                            unlockResponses.incrementAndGet();
                        }
                    }));
                }
                String user = "user-" + u;
                // The same completion sent to every node at once: one completion.
                for (Http n : nodes) {
                    work.add(pool.submit(() -> {
                        var r = n.post("/v1/achievements/bonus/complete", Map.of("user", Map.of("id", user)));
                        if (r.status() != 201 && r.status() != 200) {
                            failures.incrementAndGet();
                        }
                    }));
                }
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        assertThat(failures.get()).isZero();
        assertThat(unlockResponses.get()).isEqualTo(users);
        for (int u = 0; u < users; u++) {
            var m = nodes.get(u % 3).get("/v1/users/user-" + u + "/metrics/xp").json();
            assertThat(m.get("current").asDouble()).isEqualTo(120.0);
            var mine = nodes.get((u + 1) % 3).get("/v1/users/user-" + u + "/achievements").json();
            assertThat(mine.findValuesAsText("key")).containsExactlyInAnyOrder("xp-100", "bonus", "both");
        }
        var all = nodes.get(2).get("/v1/achievements").json();
        for (var a : all) {
            if (!List.of("xp-100", "bonus", "both").contains(a.get("key").asText())) {
                continue;       // defined by another test of this class
            }
            assertThat(a.get("completions").asInt()).as(a.get("key").asText()).isEqualTo(users);
            assertThat(a.get("rarity").asDouble()).isEqualTo(100.0);
        }
    }

    @Test
    void aDefinitionChangedThroughOneNodeIsInForceOnEveryNodeWithinASecond() throws Exception {
        first.admin.put("/admin/v1/apps/multi/achievements/fresh", Map.of("name", "Fresh", "trigger", "api"));
        long deadline = System.nanoTime() + 1_000_000_000L;
        for (Http node : nodes) {
            while (!node.get("/v1/achievements").json().findValuesAsText("key").contains("fresh")) {
                assertThat(System.nanoTime()).as("visible within a second").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    /**
     * Completions and rarity are summed from the counters at most once a second per node (AchievementReads): a
     * node sees its own unlocks at once and another node's within a second, and the sum is then exact.
     */
    @Test
    void completionsAndRarityFollowAnotherNodesUnlockWithinASecond() throws Exception {
        // An app of its own: its users would change the other test's rarity.
        TestServer.TestApp rareApp = first.newApp("multi-rare");
        first.admin.put("/admin/v1/apps/multi-rare/achievements/rare", Map.of("name", "Rare", "trigger", "api"));
        Http reader = client(others.get(0), rareApp);
        Http writer = client(others.get(1), rareApp);
        for (String u : List.of("rare-1", "rare-2")) {
            assertThat(writer.post("/v1/users", Map.of("id", u)).status()).isEqualTo(201);
        }
        // Wait until the reader has the new definition (it caches a sum under it from then on). The sum is read
        // during the request that first shows the definition, so it is no older than the moment before it.
        long cachedAt;
        do {
            Thread.sleep(20);
            cachedAt = System.nanoTime();
        } while (completions(reader, "rare") < 0);
        assertThat(completions(reader, "rare")).isZero();

        assertThat(writer.post("/v1/achievements/rare/complete", Map.of("user", Map.of("id", "rare-1"))).status())
                .isEqualTo(201);
        long seen = completions(reader, "rare");
        // Before three quarters of a second no read of it starts again (AppWideRead), so the sum is the old one.
        if (System.nanoTime() - cachedAt < 700_000_000L) {
            assertThat(seen).as("the reader answers from its sum of a moment ago").isZero();
        }
        while (completions(reader, "rare") != 1) {
            assertThat(System.nanoTime() - cachedAt).as("another node's unlock visible within a second")
                    .isLessThan(1_500_000_000L);
            Thread.sleep(20);
        }

        // The reader's own unlock is in its very next answer, however fresh its cached sum.
        assertThat(reader.post("/v1/achievements/rare/complete", Map.of("user", Map.of("id", "rare-2"))).status())
                .isEqualTo(201);
        assertThat(completions(reader, "rare")).isEqualTo(2);
    }

    /**
     * Each node keeps the users it read last (store/UserCache): a user's list read through one node follows a write
     * through another within a second (the writer's NOTIFY), and through the writing node at once.
     */
    @Test
    void aUsersAchievementsFollowAnotherNodesWriteWithinASecond() throws Exception {
        // An app of its own: its user would change the other tests' rarity.
        TestServer.TestApp cachedApp = first.newApp("multi-cached");
        first.admin.put("/admin/v1/apps/multi-cached/achievements/bonus", Map.of("name", "Bonus", "trigger", "api"));
        Http reader = client(others.get(0), cachedApp);
        Http writer = client(others.get(1), cachedApp);
        assertThat(writer.post("/v1/users", Map.of("id", "cached-1")).status()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {       // read until the reader has it in memory (its listener is up)
            assertThat(reader.get("/v1/users/cached-1/achievements").json().findValuesAsText("key")).isEmpty();
        }

        assertThat(writer.post("/v1/achievements/bonus/complete", Map.of("user", Map.of("id", "cached-1"))).status())
                .isEqualTo(201);
        assertThat(writer.get("/v1/users/cached-1/achievements").json().findValuesAsText("key"))
                .as("the writing node at once").containsExactly("bonus");
        long written = System.nanoTime();
        while (!reader.get("/v1/users/cached-1/achievements").json().findValuesAsText("key").contains("bonus")) {
            assertThat(System.nanoTime() - written).as("another node's write visible within a second")
                    .isLessThan(1_000_000_000L);
            Thread.sleep(5);
        }
    }

    @Test
    void aUsersStreakAndRankFollowAnotherNodesEventsWithinASecond() throws Exception {
        TestServer.TestApp streakApp = first.newApp("multi-streak");
        first.admin.put("/admin/v1/apps/multi-streak/metrics/words", Map.of("name", "Words"));
        assertThat(first.admin.put("/admin/v1/apps/multi-streak/streak", Map.of("frequency", "daily",
                "metrics", List.of(Map.of("key", "words", "threshold", 1)))).status()).isEqualTo(200);
        Http reader = client(others.get(0), streakApp);
        Http writer = client(others.get(1), streakApp);
        Instant now = Instant.now();
        assertThat(words(writer, "ann", now)).isEqualTo(201);
        for (int i = 0; i < 3; i++) {       // read until the reader has ann and the app's lengths in memory
            var ann = reader.get("/v1/users/ann/streak").json();
            assertThat(ann.get("length").asInt()).isEqualTo(1);
            assertThat(ann.get("rank").asInt()).isEqualTo(1);
        }
        assertThat(words(writer, "ben", now.minus(Duration.ofDays(1)))).isEqualTo(201);
        assertThat(words(writer, "ben", now)).isEqualTo(201);
        long written = System.nanoTime();
        // ben's rows were never read by the reader; ann's rank comes from the app's lengths, read at most a second ago.
        assertThat(reader.get("/v1/users/ben/streak").json().get("length").asInt()).isEqualTo(2);
        while (reader.get("/v1/users/ann/streak").json().get("rank").asInt() != 2) {
            assertThat(System.nanoTime() - written).as("another node's longer streak ranks within a second")
                    .isLessThan(1_000_000_000L);
            Thread.sleep(5);
        }

        // The reader has ben in memory now; another day's event through the writer changes his history there.
        assertThat(reader.get("/v1/users/ben/streak?historyPeriods=3").json().get("streakHistory")
                .findValues("length").stream().map(n -> n.asInt()).toList()).containsExactly(0, 1, 2);
        assertThat(words(writer, "ben", now.minus(Duration.ofDays(2)))).isEqualTo(201);
        written = System.nanoTime();
        while (reader.get("/v1/users/ben/streak").json().get("length").asInt() != 3) {
            assertThat(System.nanoTime() - written).as("another node's event of the user within a second")
                    .isLessThan(1_000_000_000L);
            Thread.sleep(5);
        }
    }

    @Test
    void aUsersMobageRecordsFollowAnotherNodesWriteWithinASecond() throws Exception {
        var m = new MobageFixture(first, first.newApp("multi-mobage"));
        m.api("a1", "totalSteps", 5);
        m.api("a2");
        String token = m.token("u1");
        Http reader = new Http("http://127.0.0.1:" + others.get(0).port()).withBearer(token);
        Http writer = new Http("http://127.0.0.1:" + others.get(1).port()).withBearer(token);
        String mine = MobageFixture.BASE + "/people/@me/@self/achievements/@app";
        assertThat(writer.put(mine + "/a1?fields=state", Map.of("state", "REVEALED")).status()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {       // read until the reader has u1's records in memory
            assertThat(reader.get(mine).json().get("entry").findValuesAsText("achievementId")).containsExactly("a1");
        }

        assertThat(writer.post(mine + "/a1/increment", Map.of("steps", 2)).status()).isEqualTo(200);
        assertThat(writer.put(mine + "/a2?fields=state", Map.of("state", "UNLOCKED")).status()).isEqualTo(200);
        long written = System.nanoTime();
        while (!reader.get(mine + "?filterBy=state&filterValue=UNLOCKED").json().get("entry")
                .findValuesAsText("achievementId").contains("a2")) {
            assertThat(System.nanoTime() - written).as("another node's write visible within a second")
                    .isLessThan(1_000_000_000L);
            Thread.sleep(5);
        }
        assertThat(reader.get(mine + "/a1?fields=steps").json().findValue("steps").asInt()).isEqualTo(2);
    }

    /**
     * Every node keeps the tokens in use (service/TokenService). A token's revocation, and its key's, is in force at
     * once on the node that made it and within a second on the others. Each node is first shown to answer from
     * memory: the token's row expires behind the servers' backs and every node still accepts it.
     */
    @Test
    void aTokenOrItsKeyRevokedThroughOneNodeStopsOnEveryNodeWithinASecond() throws Exception {
        var tokenApp = first.newApp("multi-token");
        var second = first.admin.post("/admin/v1/apps/multi-token/keys", null).json();
        String secondKey = second.get("apiKey").asText();
        var m = new MobageFixture(first, tokenApp);
        String revokedToken = m.token("u1");
        String viaSecondKey = new Http("http://127.0.0.1:" + first.app.port()).withKey(secondKey)
                .postForm("/oauth2/token", Map.of("grant_type", MobageFixture.TOKEN_EXCHANGE, "subject_token", "u2",
                        "subject_token_type", MobageFixture.USER_ID_TYPE)).json().get("access_token").asText();
        String mine = MobageFixture.BASE + "/people/@me/@self/achievements/@app";
        List<Integer> ports = List.of(others.get(0).port(), others.get(1).port());
        awaitListening();
        // The second key moved the configuration version: past one poll interval every node has seen it, so the
        // rows kept below are not dropped for it in the middle of the test.
        Thread.sleep(600);
        for (int port : ports) {
            for (String token : List.of(revokedToken, viaSecondKey)) {
                assertThat(new Http("http://127.0.0.1:" + port).withBearer(token).get(mine).status()).isEqualTo(200);
            }
        }
        first.behindTheServersBack("UPDATE access_tokens SET expires_at = 0 WHERE app_id = 'multi-token'");
        for (int port : ports) {
            for (String token : List.of(revokedToken, viaSecondKey)) {
                assertThat(new Http("http://127.0.0.1:" + port).withBearer(token).get(mine).status())
                        .as("kept in memory").isEqualTo(200);
            }
        }
        first.behindTheServersBack("UPDATE access_tokens SET expires_at = 9000000000000 WHERE app_id = 'multi-token'");

        Http revoker = new Http("http://127.0.0.1:" + ports.get(0)).withKey(tokenApp.apiKey());
        assertThat(revoker.postForm("/oauth2/revoke", Map.of("token", revokedToken)).status()).isEqualTo(200);
        awaitRefused(revokedToken, ports, mine);

        assertThat(new Http("http://127.0.0.1:" + ports.get(0)).withBearer(TestServer.ADMIN_TOKEN)
                .delete("/admin/v1/apps/multi-token/keys/" + second.get("id").asText()).status()).isEqualTo(200);
        awaitRefused(viaSecondKey, ports, mine);
    }

    /** Until both other nodes may answer from memory (their change listeners have confirmed their connections). */
    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!others.stream().allMatch(o -> o.database().userChanges().trusted())) {
            assertThat(System.nanoTime()).as("nodes listening within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** 401 at once from the first node (the one that revoked), and from the second within a second. */
    private static void awaitRefused(String token, List<Integer> ports, String path) throws InterruptedException {
        long revoked = System.nanoTime();
        assertThat(new Http("http://127.0.0.1:" + ports.get(0)).withBearer(token).get(path).status())
                .as("at once on the node that revoked it").isEqualTo(401);
        Http other = new Http("http://127.0.0.1:" + ports.get(1)).withBearer(token);
        while (other.get(path).status() != 401) {
            assertThat(System.nanoTime() - revoked).as("another node's revocation in force within a second")
                    .isLessThan(1_000_000_000L);
            Thread.sleep(5);
        }
    }

    /**
     * A write starts from the records its node kept after the user's previous write only when no other write of the
     * user committed since (service/LockedRecords, by users.write_seq). Increments that go round the three nodes, one
     * after the other and then all at once, would lose steps if a node started from its own older records.
     */
    @Test
    void writesGoingRoundTheNodesStartFromTheLatestRecordsAndLoseNoStep() throws Exception {
        var m = new MobageFixture(first, first.newApp("multi-rounds"));
        m.api("steps", "totalSteps", 1_000);
        String token = m.token("u1");
        List<Http> mobage = new ArrayList<>();
        mobage.add(new Http("http://127.0.0.1:" + first.app.port()).withBearer(token));
        others.forEach(o -> mobage.add(new Http("http://127.0.0.1:" + o.port()).withBearer(token)));
        String increment = MobageFixture.BASE + "/people/@me/@self/achievements/@app/steps/increment";
        for (int i = 1; i <= 9; i++) {
            var r = mobage.get(i % 3).post(increment, Map.of("steps", 1));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().findValue("steps").asInt()).as("after increment %d", i).isEqualTo(i);
        }
        int concurrent = 60;
        try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
            List<Future<Integer>> work = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                Http node = mobage.get(i % 3);
                work.add(pool.submit(() -> node.post(increment, Map.of("steps", 1)).status()));
            }
            for (Future<Integer> f : work) {
                assertThat(f.get()).isEqualTo(200);
            }
        }
        for (Http node : mobage) {
            assertThat(node.post(increment, Map.of("steps", 1)).json().findValue("steps").asInt())
                    .isGreaterThan(9 + concurrent);
        }
        assertThat(mobage.get(0).get(MobageFixture.BASE + "/people/@me/@self/achievements/@app/steps?fields=steps")
                .json().findValue("steps").asInt()).isEqualTo(9 + concurrent + 3);
    }

    @Test
    void eventsGoingRoundTheNodesBuildTheStreakFromTheLatestStoredOne() {
        TestServer.TestApp app = first.newApp("multi-kept-streak");
        first.admin.put("/admin/v1/apps/multi-kept-streak/metrics/words", Map.of("name", "Words"));
        assertThat(first.admin.put("/admin/v1/apps/multi-kept-streak/streak", Map.of("frequency", "daily",
                "metrics", List.of(Map.of("key", "words", "threshold", 1)))).status()).isEqualTo(200);
        List<Http> nodes = new ArrayList<>();
        nodes.add(client(first.app, app));
        others.forEach(o -> nodes.add(client(o, app)));
        Instant now = Instant.now();
        // Five days, one event each, the last four days back-dated within the late-event window. A node whose own
        // previous event was not the last write (day -1 on node 0, after node 1's day -2) must not start from the
        // streak it kept: it would miss day -2, and the run would break there.
        int[] nodeOfDay = {0, 0, 1, 0};
        for (int d = 0; d < 4; d++) {
            assertThat(words(nodes.get(nodeOfDay[d]), "cy", now.minus(Duration.ofDays(4 - d)))).isEqualTo(201);
        }
        var last = nodes.get(0).post("/v1/metrics/words/event", Map.of("user", Map.of("id", "cy", "tz", "UTC"),
                "value", 1, "timestamp", now.toString()));
        assertThat(last.json().get("currentStreak").get("length").asInt()).as("the event's walk").isEqualTo(5);
        for (Http node : nodes) {
            assertThat(node.get("/v1/users/cy/streak").json().get("length").asInt()).isEqualTo(5);
        }
    }

    /** A "words" event of 1 for {@code user} (in UTC) at {@code at}; the status. */
    private static int words(Http node, String user, Instant at) {
        return node.post("/v1/metrics/words/event", Map.of("user", Map.of("id", user, "tz", "UTC"), "value", 1,
                "timestamp", at.toString())).status();
    }

    /** A client of {@code node} with {@code app}'s API key. */
    private static Http client(Accolade node, TestServer.TestApp app) {
        return new Http("http://127.0.0.1:" + node.port()).withKey(app.apiKey());
    }

    /** The achievement's completions as GET /v1/achievements shows them on {@code node}; -1 when it is not listed. */
    private static long completions(Http node, String key) {
        for (var a : node.get("/v1/achievements").json()) {
            if (a.get("key").asText().equals(key)) {
                return a.get("completions").asLong();
            }
        }
        return -1;
    }
}
