package io.accolade.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.domain.Rejection;
import io.accolade.store.CounterStore;
import io.accolade.store.Database;
import io.accolade.support.StoreKind;
import io.accolade.support.Stores;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Group commit: many concurrent units share transactions, each caller gets its own result, a refused unit fails
 * alone (the others are committed once, not twice), and shared counters come out exact.
 */
class GroupCommitTest {

    static List<StoreKind> stores() {
        return Stores.available();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void concurrentUnitsShareTransactionsAndAFailureStaysAlone(StoreKind kind) throws Exception {
        String schema = kind == StoreKind.POSTGRES ? Stores.createSchema() : null;
        try (Database db = kind == StoreKind.POSTGRES
                ? Database.postgres(Stores.schemaUrl(schema), Optional.of(Stores.PG_USER),
                        Optional.ofNullable(Stores.PG_PASSWORD), 8, Duration.ofSeconds(10))
                : Database.sqlite(Files.createTempDirectory("gc"), 4, Duration.ofSeconds(10))) {
            db.migrate();
            CounterStore counters = new CounterStore();
            GroupCommit group = new GroupCommit(db, 6, 8);
            int n = 200;
            int bad = 77;
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int unit = i;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        start.await();
                        int r = group.run("app", "user" + (unit % 50), c -> {
                            runs.incrementAndGet();
                            // A slow statement: the leader's virtual thread parks inside the transaction, and the
                            // callers whose units are in that batch must wait without holding the carriers.
                            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                            counters.add(c, "app", Map.of(CounterStore.USERS, 1L,
                                    CounterStore.completions("a" + unit % 3), 2L));
                            if (unit == bad) {
                                throw Rejection.invalid("unit " + unit + " is refused");
                            }
                            return unit;
                        });
                        if (r == unit) {
                            ok.incrementAndGet();
                        } else {
                            wrong.incrementAndGet();
                        }
                    } catch (Rejection e) {
                        refused.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            start.countDown();
            for (Thread t : threads) {
                assertThat(t.join(java.time.Duration.ofSeconds(60))).as("no caller may hang").isTrue();
            }
            assertThat(wrong).hasValue(0);
            assertThat(refused).hasValue(1);
            assertThat(ok).hasValue(n - 1);
            Map<String, Long> all = db.read(c -> counters.all(c, "app"));
            assertThat(all.get(CounterStore.USERS)).isEqualTo(n - 1L);
            long completions = all.entrySet().stream().filter(e -> e.getKey().startsWith("completions:"))
                    .mapToLong(Map.Entry::getValue).sum();
            assertThat(completions).isEqualTo(2L * (n - 1));
            // Units ran in shared transactions: fewer transactions than units would mean runs == n plus the batch
            // of the refused unit run again alone; in any case every unit ran at least once.
            assertThat(runs.get()).isGreaterThanOrEqualTo(n);
        } finally {
            if (schema != null) {
                Stores.dropSchema(schema);
            }
        }
    }
}
