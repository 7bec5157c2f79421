package io.accolade.service;

import io.accolade.domain.Catalog;
import io.accolade.domain.streak.StreakSettings;
import io.accolade.store.ConfigVersion;
import io.accolade.store.Database;
import io.accolade.store.DefinitionStore;
import io.accolade.store.StreakStore;
import java.sql.Connection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each app's definitions, cached in memory per configuration version: definitions are read by every request and
 * change rarely. A change through any node is in force everywhere within the version poll interval (see
 * {@link ConfigVersion}); per-user state is never cached.
 */
public final class Catalogs {
    private record Entry(long version, Catalog catalog) {
    }

    private final Database db;
    private final DefinitionStore defs;
    private final StreakStore streaks;
    private final ConfigVersion config;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    public Catalogs(Database db, DefinitionStore defs, StreakStore streaks, ConfigVersion config) {
        this.db = db;
        this.defs = defs;
        this.streaks = streaks;
        this.config = config;
    }

    public Catalog of(String appId) {
        long version = config.current();
        Entry e = cache.get(appId);
        if (e != null && e.version() == version) {
            return e.catalog();
        }
        Catalog fresh = db.read(c -> load(c, appId));
        cache.put(appId, new Entry(version, fresh));
        return fresh;
    }

    /** Reads the definitions inside a caller's transaction (admin writes validate against the current set). */
    public Catalog load(Connection c, String appId) {
        return new Catalog(defs.metrics(c, appId), defs.achievements(c, appId),
                streaks.settings(c, appId).orElse(StreakSettings.disabled()));
    }

    /** This node changed definitions: drop the cache entry at once. */
    public void changed(String appId) {
        cache.remove(appId);
        config.changed();
    }
}
