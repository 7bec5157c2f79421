package io.accolade.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Timelines on a hand-driven clock (nanoseconds, a second of maximum age): what is served, and how many reads reach
 * the "database" (a counting supplier).
 */
class AppWideReadTest {
    static final long SECOND = 1_000_000_000L;
    static final long MS = 1_000_000L;

    final AtomicLong nanos = new AtomicLong(1_000 * SECOND);
    final AppWideRead<String> values = new AppWideRead<>(SECOND, nanos::get);
    final AppWideRead.Basis v1 = new AppWideRead.Basis("catalog", 1);

    /** A read that counts itself, answers "read-N", and waits at {@code gate} when one is set. */
    final AtomicInteger reads = new AtomicInteger();
    volatile CountDownLatch gate;
    volatile CountDownLatch entered = new CountDownLatch(1);

    final Supplier<String> read = () -> {
        int n = reads.incrementAndGet();
        entered.countDown();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        return "read-" + n;
    };

    String get(AppWideRead.Basis basis) {
        return values.get("app", basis, v -> true, read);
    }

    @Test
    void withinASecondUnderTheSameBasisTheKeptReadServesAndAfterItANewReadIsMade() {
        assertThat(get(v1)).isEqualTo("read-1");                   // t = 0
        nanos.addAndGet(700 * MS);                                 // t = 0.7 s
        assertThat(get(v1)).isEqualTo("read-1");
        assertThat(reads).hasValue(1);
        nanos.addAndGet(400 * MS);                                 // t = 1.1 s: too old
        assertThat(get(v1)).isEqualTo("read-2");
        assertThat(reads).hasValue(2);
    }

    @Test
    void anotherVersionOrAnotherCatalogObjectIsReadAgainAtOnce() {
        assertThat(get(v1)).isEqualTo("read-1");
        assertThat(get(new AppWideRead.Basis("catalog", 2))).isEqualTo("read-2");
        // an equal catalog that is another object is another catalog
        assertThat(get(new AppWideRead.Basis(new String("catalog"), 2))).isEqualTo("read-3");
    }

    @Test
    void requestsThatFindTheValueExpiredWaitForOneReadInsteadOfEachMakingTheirOwn() throws Exception {
        assertThat(get(v1)).isEqualTo("read-1");
        nanos.addAndGet(2 * SECOND);
        gate = new CountDownLatch(1);
        entered = new CountDownLatch(1);
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            threads.add(Thread.ofVirtual().start(() -> seen.add(get(v1))));
        }
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);                                         // let the other 49 arrive while it runs
        gate.countDown();
        for (Thread t : threads) {
            t.join(5_000);
        }
        assertThat(reads).hasValue(2);
        assertThat(seen).hasSize(50).containsOnly("read-2");
    }

    @Test
    void aRequestUnderANewerVersionDoesNotWaitForAReadThatStartedUnderTheOlderOne() throws Exception {
        CountDownLatch firstGate = new CountDownLatch(1);
        gate = firstGate;
        String[] firstSaw = new String[1];
        Thread first = Thread.ofVirtual().start(() -> firstSaw[0] = get(v1));   // read-1, held at its gate
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        gate = null;                                               // reads from now on do not wait
        // a change committed on this node since read-1 started: read-1 may not hold it, so it is not waited for
        assertThat(get(new AppWideRead.Basis("catalog", 2))).isEqualTo("read-2");
        assertThat(first.isAlive()).isTrue();
        firstGate.countDown();
        first.join(5_000);
        assertThat(firstSaw[0]).isEqualTo("read-1");
        // the older read ended last; it does not replace the newer one
        assertThat(values.kept("app")).isEqualTo("read-2");
    }

    @Test
    void aRequestUnderAnOlderVersionReadsAloneAndLeavesTheNewerReadInFlightToThoseWhoWantIt() throws Exception {
        AppWideRead.Basis v2 = new AppWideRead.Basis("catalog", 2);
        CountDownLatch firstGate = new CountDownLatch(1);
        gate = firstGate;
        String[] saw = new String[2];
        Thread first = Thread.ofVirtual().start(() -> saw[0] = get(v2));      // read-1 under v2, held
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        gate = null;
        assertThat(get(v1)).isEqualTo("read-2");                   // a request that still holds the older version
        Thread third = Thread.ofVirtual().start(() -> saw[1] = get(v2));
        Thread.sleep(100);
        assertThat(reads).hasValue(2);                             // the third waits for read-1, reads nothing
        firstGate.countDown();
        first.join(5_000);
        third.join(5_000);
        assertThat(saw).containsExactly("read-1", "read-1");
        assertThat(values.kept("app")).isEqualTo("read-1");        // v2's read outranks v1's
    }

    @Test
    void pastThreeQuartersOfItsAgeTheValueIsStillServedWhileOneReadRunsInTheBackground() throws Exception {
        assertThat(get(v1)).isEqualTo("read-1");
        nanos.addAndGet(800 * MS);                                 // t = 0.8 s
        gate = new CountDownLatch(1);
        entered = new CountDownLatch(1);
        assertThat(get(v1)).isEqualTo("read-1");                   // served at once, a read starts behind it
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(get(v1)).isEqualTo("read-1");                   // no second background read
        assertThat(get(v1)).isEqualTo("read-1");
        assertThat(reads).hasValue(2);
        gate.countDown();
        waitUntilKept("read-2");
        nanos.addAndGet(500 * MS);                                 // t = 1.3 s: read-1 would be too old, read-2 is 0.5 s
        assertThat(get(v1)).isEqualTo("read-2");
        assertThat(reads).hasValue(2);
    }

    @Test
    void aFailedReadReachesEveryoneWaitingForItKeepsNothingAndTheNextRequestReadsAgain() {
        Supplier<String> failing = () -> {
            reads.incrementAndGet();
            throw new IllegalStateException("database down");
        };
        assertThatThrownBy(() -> values.get("app", v1, v -> true, failing))
                .isInstanceOf(IllegalStateException.class).hasMessage("database down");
        assertThat(values.kept("app")).isNull();
        assertThat(get(v1)).isEqualTo("read-2");
    }

    @Test
    void aValueTheRequestCannotUseIsReadAgainForIt() {
        assertThat(values.get("app", v1, v -> true, read)).isEqualTo("read-1");
        assertThat(values.get("app", v1, v -> !v.equals("read-1"), read)).isEqualTo("read-2");
    }

    @Test
    void appsAreApart() {
        assertThat(values.get("a", v1, v -> true, read)).isEqualTo("read-1");
        assertThat(values.get("b", v1, v -> true, read)).isEqualTo("read-2");
        assertThat(values.get("a", v1, v -> true, read)).isEqualTo("read-1");
    }

    private void waitUntilKept(String value) throws InterruptedException {
        long until = System.nanoTime() + 5 * SECOND;
        while (!value.equals(values.kept("app")) && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(values.kept("app")).isEqualTo(value);
    }
}
