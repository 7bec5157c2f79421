package io.accolade.api;

import io.accolade.auth.Authenticator.AppKey;
import io.accolade.http.ApiException;
import io.accolade.store.Database;
import io.accolade.store.RateStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token bucket per API key that holds across nodes: the bucket lives in the database, and each node takes tokens
 * from it in small leases (1/20 of the per-second rate) that it hands out locally. The database row is therefore
 * written once per lease, not once per request; across N nodes a key can exceed its bucket by at most N leases.
 */
public final class LeasedRateLimiter implements RateLimiter {
    private final Database db;
    private final RateStore store;
    private final Clock clock;
    private final double perSecond;
    private final int burst;
    private final int lease;
    private final Map<String, AtomicInteger> local = new ConcurrentHashMap<>();

    public LeasedRateLimiter(Database db, RateStore store, Clock clock, int perSecond, int burst) {
        this.db = db;
        this.store = store;
        this.clock = clock;
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        this.lease = Math.max(1, Math.min(this.burst, (int) Math.ceil(perSecond / 20.0)));
    }

    @Override
    public void acquire(AppKey key) {
        AtomicInteger tokens = local.computeIfAbsent(key.appId() + "/" + key.keyId(), k -> new AtomicInteger());
        while (true) {
            int v = tokens.get();
            if (v > 0) {
                if (tokens.compareAndSet(v, v - 1)) {
                    return;
                }
                continue;
            }
            synchronized (tokens) {
                if (tokens.get() > 0) {
                    continue;
                }
                int granted = db.transaction(c -> store.lease(c, key.appId(), key.keyId(), perSecond, burst, lease,
                        clock.millis()));
                if (granted == 0) {
                    throw tooMany();
                }
                tokens.addAndGet(granted - 1);
                return;
            }
        }
    }

    private ApiException tooMany() {
        int wait = (int) Math.max(1, Math.ceil(1.0 / perSecond));
        return new ApiException(429, "rate limit exceeded: " + (long) perSecond + " requests per second per API key"
                + " (burst " + burst + ")", Map.of(
                "Retry-After", String.valueOf(wait),
                "RateLimit-Limit", String.valueOf(burst),
                "RateLimit-Remaining", "0",
                "RateLimit-Reset", String.valueOf(wait),
                "RateLimit-Policy", burst + ";w=" + Math.max(1, (int) Math.ceil(burst / perSecond))));
    }
}
