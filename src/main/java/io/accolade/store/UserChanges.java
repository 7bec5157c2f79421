package io.accolade.store;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which users' rows may have changed since a node read them: the versions that keep {@link UserCache} honest.
 *
 * <p>Every write path marks the users it writes ({@link Database#touched}); when the transaction ends, committed or
 * not, the node that ran it bumps their versions here, and on PostgreSQL the transaction has told every other node
 * in the same commit ({@code NOTIFY}, see {@link ChangeListener}), whose listener bumps the same versions there. A
 * cached value carries the versions that were current before its rows were read, so a value read before a write
 * committed can never pass for one read after it.
 *
 * <p>Versions are kept per stripe of users (a hash of app and user), not per user: the memory stays fixed however
 * many users there are, and two users sharing a stripe only cost each other a cache miss. A whole-node
 * {@link #epoch} covers what no stripe can: app-wide changes, and the time a node's listener was not listening.
 *
 * <p>{@link #trusted} says whether cached values may be served at all: on PostgreSQL only while the listener has
 * confirmed its connection within the last second, so that a change through another node is in force here within a
 * second even when the notifications stop coming.
 */
public final class UserChanges {
    private static final int STRIPES = 1 << 16;

    private final AtomicLongArray versions = new AtomicLongArray(STRIPES);
    /** Names this node in what it announces, so that its listener can skip its own (already applied) changes. */
    private final String nodeId = Long.toHexString(new java.security.SecureRandom().nextLong());
    private final AtomicLong epoch = new AtomicLong();
    /** Whether this node may serve cached values now (SQLite: always; PostgreSQL: its listener's verdict). */
    private volatile java.util.function.BooleanSupplier trusted = () -> true;

    /** The versions a value read from now on is valid under; take it before reading the rows. */
    public record Stamp(int stripe, long version, long epoch) {
    }

    String nodeId() {
        return nodeId;
    }

    public Stamp stamp(String appId, String userId) {
        int stripe = stripe(appId, userId);
        // The epoch first: a bump of both between the two reads then leaves the stamp stale, never current.
        long e = epoch.get();
        return new Stamp(stripe, versions.get(stripe), e);
    }

    /** True while nothing the stamp covers has changed, and cached values may be served. */
    public boolean isCurrent(Stamp s) {
        return trusted() && versions.get(s.stripe()) == s.version() && epoch.get() == s.epoch();
    }

    /** Whether cached values may be served now at all (a PostgreSQL node: while its listener is confirmed). */
    public boolean trusted() {
        return trusted.getAsBoolean();
    }

    /** The user's rows changed (or may have): values read before now are stale. */
    public void bump(String appId, String userId) {
        versions.incrementAndGet(stripe(appId, userId));
    }

    /** Anything may have changed (an app-wide write, or notifications this node may have missed). */
    public void bumpAll() {
        epoch.incrementAndGet();
    }

    void trustWhen(java.util.function.BooleanSupplier condition) {
        this.trusted = condition;
    }

    private static int stripe(String appId, String userId) {
        int h = appId.hashCode() * 31 + userId.hashCode();
        h ^= h >>> 16;
        return (h * 0x9E3779B1) >>> 16;    // the top 16 bits of a multiplicative hash: STRIPES = 2^16
    }
}
