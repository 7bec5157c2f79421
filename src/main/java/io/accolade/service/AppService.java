package io.accolade.service;

import io.accolade.auth.ApiKeyParts;
import io.accolade.auth.Authenticator;
import io.accolade.auth.Secrets;
import io.accolade.domain.Ids;
import io.accolade.domain.Rejection;
import io.accolade.store.AppStore;
import io.accolade.store.ConfigVersion;
import io.accolade.store.Database;
import java.time.Clock;
import java.util.List;

/** Tenants and their API keys. */
public final class AppService {

    /** A key as shown right after creation: the only moment its secret is visible. */
    public record IssuedKey(AppStore.KeyRow row, String secret) {
    }

    private final Database db;
    private final AppStore apps;
    private final ConfigVersion config;
    private final Authenticator auth;
    private final Clock clock;

    public AppService(Database db, AppStore apps, ConfigVersion config, Authenticator auth, Clock clock) {
        this.db = db;
        this.apps = apps;
        this.config = config;
        this.auth = auth;
        this.clock = clock;
    }

    public record CreatedApp(AppStore.AppRow app, IssuedKey key) {
    }

    public CreatedApp create(String id, String name) {
        Ids.key(id, "id");
        if (name == null || name.isBlank() || name.length() > 200) {
            throw Rejection.invalid("'name' is required (1-200 characters)");
        }
        long now = clock.millis();
        CreatedApp created = db.transaction(c -> {
            if (!apps.insertApp(c, id, name, now)) {
                throw Rejection.conflict("an app with id '" + id + "' already exists");
            }
            IssuedKey key = newKey(c, id, now);
            apps.bumpConfigVersion(c);
            return new CreatedApp(new AppStore.AppRow(id, name, now, now), key);
        });
        config.changed();
        return created;
    }

    public List<AppStore.AppRow> list() {
        return db.read(apps::listApps);
    }

    public AppStore.AppRow get(String id) {
        return db.read(c -> apps.findApp(c, id)).orElseThrow(() -> Rejection.notFound("app '" + id + "' not found"));
    }

    public void delete(String id) {
        // Not found rolls back: a refused request leaves the configuration version (every node's caches) alone.
        db.transaction(c -> {
            if (!apps.deleteApp(c, id)) {
                throw Rejection.notFound("app '" + id + "' not found");
            }
            apps.bumpConfigVersion(c);
            return null;
        });
        auth.invalidate();
    }

    public IssuedKey createKey(String appId) {
        long now = clock.millis();
        IssuedKey key = db.transaction(c -> {
            if (apps.findApp(c, appId).isEmpty()) {
                throw Rejection.notFound("app '" + appId + "' not found");
            }
            IssuedKey k = newKey(c, appId, now);
            apps.bumpConfigVersion(c);
            return k;
        });
        config.changed();
        return key;
    }

    public List<AppStore.KeyRow> keys(String appId) {
        return db.read(c -> {
            if (apps.findApp(c, appId).isEmpty()) {
                throw Rejection.notFound("app '" + appId + "' not found");
            }
            return apps.listKeys(c, appId);
        });
    }

    /** Revokes a key at once: it and the user tokens issued with it stop working. */
    public void revokeKey(String appId, String keyId) {
        db.transaction(c -> {
            if (!apps.deleteKey(c, appId, keyId)) {
                throw Rejection.notFound("key '" + keyId + "' not found in app '" + appId + "'");
            }
            apps.bumpConfigVersion(c);
            return null;
        });
        auth.invalidate();
    }

    private IssuedKey newKey(java.sql.Connection c, String appId, long now) {
        ApiKeyParts parts = ApiKeyParts.generate();
        AppStore.KeyRow row = new AppStore.KeyRow(appId, "key_" + Secrets.random(12), parts.prefix(), parts.hash(),
                now, null);
        apps.insertKey(c, row);
        return new IssuedKey(row, parts.full());
    }
}
