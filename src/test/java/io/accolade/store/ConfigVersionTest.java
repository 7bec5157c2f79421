package io.accolade.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A caller that needs the configuration version while another caller is reading it from the database goes on with
 * the version it knows. Callers that hold a connection ask for it (via the cached definitions); had they to queue
 * behind a poll that waits for a connection, a server with every connection so held would wait for itself until
 * its timeout (seen as 503s on idempotent replays in {@code DurabilityTest}).
 */
class ConfigVersionTest {

    @Test
    void whileOneCallerWaitsForAConnectionToPollTheOthersGoOnWithTheKnownVersion() throws Exception {
        try (Database db = Database.sqlite(Files.createTempDirectory("config-version"), 2, Duration.ofSeconds(20))) {
            db.migrate();
            ConfigVersion config = new ConfigVersion(db, new AppStore());
            long known = config.current();
            assertThat(known).isNotNegative();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(ConfigVersion.POLL_NANOS) + 100); // the version is now due

            // Both reader connections are taken and held.
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(2);
            Thread[] holders = new Thread[2];
            for (int i = 0; i < holders.length; i++) {
                holders[i] = Thread.ofPlatform().start(() -> db.read(c -> {
                    holding.countDown();
                    awaitUninterruptibly(release);
                    return null;
                }));
            }
            holding.await();

            try {
                // A poller takes the poll and waits for a connection.
                CompletableFuture<Long> polled = new CompletableFuture<>();
                Thread poller = Thread.ofPlatform().start(() -> polled.complete(config.current()));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (poller.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(poller.getState()).as("the poller waits for a connection")
                        .isEqualTo(Thread.State.TIMED_WAITING);

                // Another caller does not queue behind it.
                CompletableFuture<Long> other = CompletableFuture.supplyAsync(config::current);
                assertThat(other.get(1, TimeUnit.SECONDS)).isEqualTo(known);
                assertThat(polled).isNotDone();

                release.countDown();
                assertThat(polled.get(5, TimeUnit.SECONDS)).isEqualTo(known);
            } finally {
                release.countDown(); // also when an assertion failed: the holders must not outlive the test
            }
            for (Thread t : holders) {
                t.join();
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep holding the connection until released
            }
        }
    }

    @Test
    void aNodeThatChangedTheConfigurationReadsTheVersionAgainAtOnce() throws Exception {
        try (Database db = Database.sqlite(Files.createTempDirectory("config-version"), 2, Duration.ofSeconds(5))) {
            db.migrate();
            AppStore apps = new AppStore();
            ConfigVersion config = new ConfigVersion(db, apps);
            long before = config.current();
            db.transaction(c -> {
                apps.bumpConfigVersion(c);
                return null;
            });
            config.changed();
            assertThat(config.current()).isGreaterThan(before);
        }
    }
}
