package io.accolade.api.trophy;

import io.accolade.service.AchievementReads;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The body of {@code GET /v1/achievements} per app and {@code userAttributes} filter, kept while the app's snapshot
 * (definitions and counter sums, {@link AchievementReads.Snapshot}) is the same object. A snapshot changes when a
 * definition or a counter does, or after a second at most, so a kept body is never older than the numbers it
 * would be built from; between changes, a request only copies bytes.
 *
 * <p>Filters come from clients, so the number of bodies is bounded: past {@link #MAX_ENTRIES} the cache starts over.
 */
final class AchievementListCache {
    static final int MAX_ENTRIES = 256;

    private record Key(String appId, Map<String, String> filter) {
    }

    private record Entry(AchievementReads.Snapshot snapshot, byte[] body) {
    }

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

    /** The body for this app, filter (null: none) and snapshot; {@code render} builds it when none is kept. */
    byte[] body(String appId, Map<String, String> filter, AchievementReads.Snapshot snapshot,
                Supplier<byte[]> render) {
        Key key = new Key(appId, filter);
        Entry e = entries.get(key);
        if (e != null && e.snapshot() == snapshot) {        // the same object, not an equal one
            return e.body();
        }
        byte[] body = render.get();
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key, new Entry(snapshot, body));
        return body;
    }

    int size() {
        return entries.size();
    }
}
