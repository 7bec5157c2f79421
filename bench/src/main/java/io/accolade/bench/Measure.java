package io.accolade.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A closed loop: {@code workers} virtual threads, each issuing one operation after the other, for a warm-up and then
 * a measured window. Only operations that start inside the window are counted; latencies go to an HDR histogram
 * (microseconds). Used for the JDBC anchors, and for HTTP with one socket per worker when the generator runs on
 * threads ({@code --generator virtual|platform}; the default, {@link NioLoad}, follows the same rules).
 */
final class Measure {
    /** One worker's loop body; returns false for an error (wrong status, failed check, exception). */
    interface Worker extends AutoCloseable {
        boolean op(SplittableRandom r, long seq) throws Exception;

        /** What the last operation was, for a mix: {@link #READ} or {@link #WRITE}; the latencies are kept apart. */
        default int lastKind() {
            return READ;
        }

        @Override
        default void close() throws Exception {
        }
    }

    interface WorkerFactory {
        Worker open(int index) throws Exception;
    }

    /** Something sampled at the start and at the end of the measured window (e.g. CPU time). */
    interface Probe {
        void atStart();

        void atEnd();
    }

    static final int READ = 0;
    static final int WRITE = 1;

    /** Operations at least this long are listed by start time: a stall shows as many of them at once. */
    static final long SLOW_MICROS = 100_000;

    record Result(long ops, long errors, double seconds, Histogram hist, String firstError, List<long[]> slow,
                  Histogram reads, Histogram writes) {
        /**
         * The slow operations grouped by the tenth of a second they started in (seconds into the measured window),
         * with their count and the longest in ms, e.g. "3.2 s: 14 up to 412 ms"; the eight tenths with the longest
         * operations are shown. Empty when there were none.
         */
        String slowSummary() {
            java.util.TreeMap<Long, long[]> byTenth = new java.util.TreeMap<>();
            for (long[] s : slow) {
                long[] agg = byTenth.computeIfAbsent(s[0] / 100, k -> new long[2]);
                agg[0]++;
                agg[1] = Math.max(agg[1], s[1]);
            }
            // The eight tenths with the longest operations, in time order: enough to tell a stall from a spread.
            java.util.Set<Long> worst = new java.util.TreeSet<>();
            byTenth.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(8)
                    .forEach(e -> worst.add(e.getKey()));
            StringBuilder sb = new StringBuilder();
            for (long tenth : worst) {
                long[] agg = byTenth.get(tenth);
                sb.append(sb.isEmpty() ? "" : ", ").append(String.format(java.util.Locale.ROOT,
                        "%.1f s: %d up to %d ms", tenth / 10.0, agg[0], agg[1] / 1000));
            }
            if (byTenth.size() > worst.size()) {
                sb.append(" (").append(byTenth.size() - worst.size()).append(" more tenths of a second)");
            }
            return sb.toString();
        }
        double rps() {
            return ops / seconds;
        }

        double ms(double percentile) {
            return ms(hist, percentile);
        }

        static double ms(Histogram h, double percentile) {
            return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
        }

        /** For a mix: "writes 1234/s p99 40.1 ms, reads 1234/s p99 30.2 ms". */
        String byKind() {
            return String.format(java.util.Locale.ROOT, "writes %.0f/s p50 %.2f p99 %.2f ms, reads %.0f/s p50 %.2f "
                    + "p99 %.2f ms", writes.getTotalCount() / seconds, ms(writes, 50), ms(writes, 99),
                    reads.getTotalCount() / seconds, ms(reads, 50), ms(reads, 99));
        }
    }

    static Result run(int workers, double warmupSec, double measureSec, long seed, WorkerFactory factory)
            throws InterruptedException {
        return run(workers, warmupSec, measureSec, seed, factory, null);
    }

    static Result run(int workers, double warmupSec, double measureSec, long seed, WorkerFactory factory,
                      Probe probe) throws InterruptedException {
        return run(workers, warmupSec, measureSec, seed, factory, probe, true);
    }

    /**
     * {@code virtual=false} runs the workers on platform threads: needed where an operation never yields its
     * carrier (SQLite's JDBC driver is native code, which pins a virtual thread; with two carriers only two
     * workers would ever run and the others would never start an operation).
     */
    static Result run(int workers, double warmupSec, double measureSec, long seed, WorkerFactory factory,
                      Probe probe, boolean virtual) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSec * 1e9);
        long measureTo = measureFrom + (long) (measureSec * 1e9);
        Thread prober = startProbe(probe, measureFrom, measureTo);
        List<Histogram> hists = new ArrayList<>();
        List<Histogram[]> kinds = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong ops = new AtomicLong();
        String[] firstError = new String[1];
        List<Thread> threads = new ArrayList<>();
        java.util.Queue<long[]> slow = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int i = 0; i < workers; i++) {
            Histogram h = new Histogram(60_000_000L, 3);
            hists.add(h);
            Histogram[] byKind = {new Histogram(60_000_000L, 3), new Histogram(60_000_000L, 3)};
            kinds.add(byKind);
            int index = i;
            threads.add((virtual ? Thread.ofVirtual() : Thread.ofPlatform()).name("bench-" + i).start(() -> {
                SplittableRandom r = new SplittableRandom(seed * 1_000_003L + index);
                long seq = 0;
                Worker w = null;
                try {
                    w = factory.open(index);
                    while (true) {
                        long t0 = System.nanoTime();
                        if (t0 >= measureTo) {
                            break;
                        }
                        boolean ok;
                        String err = null;
                        try {
                            ok = w.op(r, seq++);
                        } catch (Exception e) {
                            ok = false;
                            err = e.toString();
                            try {
                                w.close();
                            } catch (Exception ignored) {
                                // reconnect below
                            }
                            w = factory.open(index);
                        }
                        long t1 = System.nanoTime();
                        if (t0 >= measureFrom) {
                            ops.incrementAndGet();
                            long micros = Math.max(1, (t1 - t0) / 1000);
                            h.recordValue(micros);
                            byKind[w.lastKind()].recordValue(micros);
                            if (micros >= SLOW_MICROS) {
                                slow.add(new long[] {(t0 - measureFrom) / 1_000_000, micros});
                            }
                            if (!ok) {
                                errors.incrementAndGet();
                                synchronized (firstError) {
                                    if (firstError[0] == null) {
                                        firstError[0] = err != null ? err : "failed check";
                                    }
                                }
                            }
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    synchronized (firstError) {
                        if (firstError[0] == null) {
                            firstError[0] = "worker died: " + e;
                        }
                    }
                } finally {
                    if (w != null) {
                        try {
                            w.close();
                        } catch (Exception ignored) {
                            // end of run
                        }
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (prober != null) {
            prober.join();
        }
        Histogram all = new Histogram(60_000_000L, 3);
        hists.forEach(all::add);
        Histogram reads = new Histogram(60_000_000L, 3);
        Histogram writes = new Histogram(60_000_000L, 3);
        kinds.forEach(k -> {
            reads.add(k[READ]);
            writes.add(k[WRITE]);
        });
        return new Result(ops.get(), errors.get(), measureSec, all, firstError[0], List.copyOf(slow), reads, writes);
    }

    /** Runs {@code probe} at the start and at the end of the measured window, on a thread of its own (null: none). */
    static Thread startProbe(Probe probe, long measureFrom, long measureTo) {
        if (probe == null) {
            return null;
        }
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                sleepUntil(measureFrom);
                probe.atStart();
                sleepUntil(measureTo);
                probe.atEnd();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }
}
