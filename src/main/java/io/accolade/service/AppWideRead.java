package io.accolade.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A value per app that every request of the app needs and that is read from the database as a whole (the counters'
 * sums for rarity, the streak lengths for ranks). A read serves for at most {@code maxAge}, and only while the basis
 * it was read under (the catalog, this node's version of what it covers) is still the current one.
 *
 * <p>The rule this class adds is that at most one read per app and basis runs at a time. Without it, every request
 * that arrives while the value is being read again reads it too: at 10,000 requests a second, each second's expiry
 * sent dozens of identical reads to a pool of five connections, and requests waited behind them for up to 0.5 s.
 * <ul>
 *   <li>A value past three quarters of its age is still served, and one read of it starts in the background, so that
 *       in steady use no request waits for the read at all.</li>
 *   <li>A request that finds no usable value waits for the read in flight when that read started under the same
 *       basis less than {@code maxAge} ago (it will see everything the request must see); otherwise it reads
 *       itself.</li>
 *   <li>Each read takes its basis and its time <em>before</em> it reads, so a change committed while it runs makes
 *       it stale rather than hidden; and a read never replaces a later one.</li>
 * </ul>
 */
final class AppWideRead<V> {
    private static final Logger LOG = Logger.getLogger("io.accolade.service");

    /** What a read is valid under: the same catalog object and the same version of its data on this node. */
    record Basis(Object catalog, long version) {
        boolean sameAs(Basis other) {
            return catalog == other.catalog && version == other.version;
        }
    }

    private record Read<V>(V value, Basis basis, long startedAt) {
    }

    private record InFlight<V>(Basis basis, long startedAt, CompletableFuture<V> result) {
    }

    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Read<V>> done = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, InFlight<V>> inFlight = new ConcurrentHashMap<>();

    AppWideRead(long maxAgeNanos) {
        this(maxAgeNanos, System::nanoTime);
    }

    AppWideRead(long maxAgeNanos, LongSupplier nanoTime) {
        this.maxAgeNanos = maxAgeNanos;
        this.nanoTime = nanoTime;
    }

    /**
     * The app's value read under {@code basis} at most {@code maxAge} ago, when one is kept and {@code usable}
     * accepts it; else the value of a read that {@code read} makes now (or that another request makes now).
     * {@code read} is run by at most one caller per app and basis at a time; its exception reaches every caller
     * waiting for it, and nothing is kept.
     */
    V get(String appId, Basis basis, Predicate<V> usable, Supplier<V> read) {
        long now = nanoTime.getAsLong();
        Read<V> r = done.get(appId);
        if (r != null && r.basis().sameAs(basis) && now - r.startedAt() < maxAgeNanos && usable.test(r.value())) {
            if (now - r.startedAt() >= maxAgeNanos / 4 * 3) {
                refreshInBackground(appId, basis, read);
            }
            return r.value();
        }
        V v = await(start(appId, basis, read, false).result());    // the read in flight, or this caller's own
        // A read another caller started may not serve this one (it covers up to that caller's instant): read alone.
        return usable.test(v) ? v : read.get();
    }

    /** The value kept for the app, if any, whatever its age (for tests and diagnostics). */
    V kept(String appId) {
        Read<V> r = done.get(appId);
        return r == null ? null : r.value();
    }

    private void refreshInBackground(String appId, Basis basis, Supplier<V> read) {
        InFlight<V> f = inFlight.get(appId);
        if (f != null && f.basis().sameAs(basis)) {
            return;                                 // one is on its way
        }
        start(appId, basis, read, true);
    }

    /**
     * Registers a read and runs it (here, or on a virtual thread when {@code background}). When another caller
     * registered one under the same basis first, that one is returned instead. A read in flight under a later
     * version stays registered (later callers want that one); this caller's read then runs unregistered.
     */
    private InFlight<V> start(String appId, Basis basis, Supplier<V> read, boolean background) {
        InFlight<V> mine = new InFlight<>(basis, nanoTime.getAsLong(), new CompletableFuture<>());
        boolean[] registered = {false};
        InFlight<V> winner = inFlight.compute(appId, (k, cur) -> {
            if (cur != null && cur.basis().sameAs(basis) && mine.startedAt() - cur.startedAt() < maxAgeNanos) {
                return cur;
            }
            if (cur != null && cur.basis().version() > basis.version()) {
                return cur;
            }
            registered[0] = true;
            return mine;
        });
        if (!registered[0] && winner.basis().sameAs(basis)) {      // joined the read in flight
            return winner;
        }
        if (background) {
            try {
                Thread.ofVirtual().name("accolade-refresh").start(() -> run(appId, mine, read, true));
            } catch (RuntimeException | Error e) {            // no thread: nobody may wait for this read
                end(appId, mine, null, e);
            }
        } else {
            run(appId, mine, read, false);
        }
        return mine;
    }

    private void run(String appId, InFlight<V> mine, Supplier<V> read, boolean background) {
        V v;
        try {
            v = read.get();
        } catch (RuntimeException | Error e) {
            end(appId, mine, null, e);
            if (background) {
                LOG.log(Level.FINE, "a background read failed; the next request reads again", e);
            }
            return;
        }
        // A read under a later version, or under the same one but started later, has seen at least as much: it
        // stays. (Versions only grow; of two catalogs, a stale one is refused by the next request's basis.)
        done.compute(appId, (k, cur) -> cur != null && (cur.basis().version() > mine.basis().version()
                || cur.basis().version() == mine.basis().version() && cur.startedAt() > mine.startedAt())
                ? cur : new Read<>(v, mine.basis(), mine.startedAt()));
        end(appId, mine, v, null);
    }

    /**
     * Unregisters a read, then gives its outcome to whoever waits for it: in this order, a request that comes after
     * a failure finds no failed read to join and reads again itself.
     */
    private void end(String appId, InFlight<V> mine, V value, Throwable failure) {
        inFlight.remove(appId, mine);
        if (failure != null) {
            mine.result().completeExceptionally(failure);
        } else {
            mine.result().complete(value);
        }
    }

    private static <V> V await(CompletableFuture<V> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
