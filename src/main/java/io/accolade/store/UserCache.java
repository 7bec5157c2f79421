package io.accolade.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Supplier;

/**
 * One kind of per-user read (e.g. a user with their completions), kept in memory for the users read most, and
 * served only while {@link UserChanges} says nothing it was read from has changed since.
 *
 * <p>The rule that keeps it right: a reader takes the user's {@link UserChanges.Stamp} <em>before</em> it reads
 * the rows, and stores the value under that stamp. A write that commits while the read runs bumps the version after
 * the stamp was taken, so the value it stored is stale from the start; a write that committed before the stamp is in
 * the rows read. A value is never refreshed in place, only replaced by a later read.
 *
 * <p>The size bounds the number of users (or, for a weighed cache, the sum of the values' weights), not bytes; least
 * recently and least often used users go first. Size 0 turns the cache off: every read reads the database.
 */
public final class UserCache<V> {
    private record Entry<V>(V value, UserChanges.Stamp stamp) {
    }

    private final UserChanges changes;
    private final Cache<String, Entry<V>> entries;

    public UserCache(UserChanges changes, int maxUsers) {
        this.changes = changes;
        this.entries = maxUsers <= 0 ? null : Caffeine.newBuilder().maximumSize(maxUsers).build();
    }

    /**
     * A cache bounded by the sum of its values' weights rather than by users, for values whose size varies from user
     * to user (e.g. their records: a weight of one per record keeps the memory in proportion). 0 turns it off.
     */
    public UserCache(UserChanges changes, long maxWeight, java.util.function.ToIntFunction<V> weight) {
        this.changes = changes;
        this.entries = maxWeight <= 0 ? null : Caffeine.newBuilder().maximumWeight(maxWeight)
                .<String, Entry<V>>weigher((k, e) -> 1 + weight.applyAsInt(e.value())).build();
    }

    /** The user's value when memory holds a current one, else null: then read it and {@link #put} it. */
    public V current(String appId, String userId) {
        if (entries == null) {
            return null;
        }
        Entry<V> e = entries.getIfPresent(key(appId, userId));
        return e != null && changes.isCurrent(e.stamp()) ? e.value() : null;
    }

    /** Take this before reading the rows a value is made of, and hand it to {@link #put} with the value. */
    public UserChanges.Stamp stamp(String appId, String userId) {
        return changes.stamp(appId, userId);
    }

    /** Keeps a value read after {@code stamp} was taken, unless something it covers has changed since. */
    public void put(String appId, String userId, UserChanges.Stamp stamp, V value) {
        if (entries != null && value != null && changes.isCurrent(stamp)) {
            entries.put(key(appId, userId), new Entry<>(value, stamp));
        }
    }

    /** {@link #current}, else {@code read} (which may throw: nothing is kept then; a null is not kept either). */
    public V get(String appId, String userId, Supplier<V> read) {
        return get(appId, userId, v -> true, read);
    }

    /**
     * {@link #current} when {@code serves} accepts it (a value kept for a narrower read may not serve this one), else
     * {@code read}, which then replaces it.
     */
    public V get(String appId, String userId, java.util.function.Predicate<V> serves, Supplier<V> read) {
        V cached = current(appId, userId);
        if (cached != null && serves.test(cached)) {
            return cached;
        }
        UserChanges.Stamp stamp = stamp(appId, userId);
        V value = read.get();
        put(appId, userId, stamp, value);
        return value;
    }

    private static String key(String appId, String userId) {
        return appId + '\u0000' + userId;
    }

}
