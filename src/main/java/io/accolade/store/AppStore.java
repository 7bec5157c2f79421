package io.accolade.store;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;

/** Tenants, their API keys, server-wide settings and the configuration version that drives cache invalidation. */
public final class AppStore {

    public record AppRow(String id, String name, long createdAt, long updatedAt) {
    }

    public record KeyRow(String appId, String keyId, String prefix, String secretHash, long createdAt,
                         Long lastUsedAt) {
    }

    /** Tables that hold an app's data, children first. Deleting an app empties them all for that app. */
    private static final List<String> APP_TABLES = List.of(
            "access_tokens", "friends", "counters", "progress", "idempotency_keys", "events", "metric_totals",
            "streak_periods", "streaks", "streak_lengths", "streak_settings", "users", "achievements", "metrics", "rate_buckets",
            "api_keys");

    /**
     * Creates the app, unless it exists. A new app starts with no data: rows left under its id by a write that
     * committed after an earlier app of that id was deleted (one that authenticated on another node in the moment
     * before that node saw the deletion) are deleted with it.
     */
    public boolean insertApp(Connection c, String id, String name, long now) {
        boolean created = Sql.update(c, "INSERT INTO apps (app_id, name, created_at, updated_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (app_id) DO NOTHING", id, name, now, now) == 1;
        if (created) {
            deleteData(c, id);
        }
        return created;
    }

    public List<AppRow> listApps(Connection c) {
        return Sql.list(c, "SELECT app_id, name, created_at, updated_at FROM apps ORDER BY app_id", AppStore::app);
    }

    public Optional<AppRow> findApp(Connection c, String id) {
        return Sql.one(c, "SELECT app_id, name, created_at, updated_at FROM apps WHERE app_id = ?", AppStore::app, id);
    }

    public boolean deleteApp(Connection c, String id) {
        deleteData(c, id);
        return Sql.update(c, "DELETE FROM apps WHERE app_id = ?", id) == 1;
    }

    private static void deleteData(Connection c, String id) {
        Database.touchedApp(id);
        for (String table : APP_TABLES) {
            Sql.update(c, "DELETE FROM " + table + " WHERE app_id = ?", id);
        }
    }

    public void insertKey(Connection c, KeyRow k) {
        Sql.update(c, "INSERT INTO api_keys (app_id, key_id, prefix, secret_hash, created_at, last_used_at) "
                + "VALUES (?, ?, ?, ?, ?, NULL)", k.appId(), k.keyId(), k.prefix(), k.secretHash(), k.createdAt());
    }

    public List<KeyRow> listKeys(Connection c, String appId) {
        return Sql.list(c, "SELECT app_id, key_id, prefix, secret_hash, created_at, last_used_at FROM api_keys "
                + "WHERE app_id = ? ORDER BY created_at, key_id", AppStore::key, appId);
    }

    public Optional<KeyRow> findKeyByPrefix(Connection c, String prefix) {
        return Sql.one(c, "SELECT app_id, key_id, prefix, secret_hash, created_at, last_used_at FROM api_keys "
                + "WHERE prefix = ?", AppStore::key, prefix);
    }

    public boolean deleteKey(Connection c, String appId, String keyId) {
        Sql.update(c, "DELETE FROM access_tokens WHERE app_id = ? AND key_id = ?", appId, keyId);
        // The tokens the key obtained may be kept in memory (TokenService). The configuration version, which this
        // change moves too, ends them within a poll, but a node goes on with the version it knows while its poll
        // waits for a connection; announcing the app gives the listener's bound of one second on every node.
        Database.touchedApp(appId);
        return Sql.update(c, "DELETE FROM api_keys WHERE app_id = ? AND key_id = ?", appId, keyId) == 1;
    }

    public void touchKey(Connection c, String appId, String keyId, long now) {
        Sql.update(c, "UPDATE api_keys SET last_used_at = ? WHERE app_id = ? AND key_id = ?", now, appId, keyId);
    }

    public Optional<String> setting(Connection c, String name) {
        return Sql.one(c, "SELECT value FROM server_settings WHERE name = ?", rs -> rs.getString(1), name);
    }

    /** Stores a setting only if it is not set yet; returns whether this call stored it. */
    public boolean initSetting(Connection c, String name, String value, long now) {
        return Sql.update(c, "INSERT INTO server_settings (name, value, updated_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (name) DO NOTHING", name, value, now) == 1;
    }

    /** Called in the same transaction as any change of definitions, keys or settings. */
    public void bumpConfigVersion(Connection c) {
        Sql.update(c, "UPDATE config_version SET version = version + 1 WHERE id = 1");
    }

    public long configVersion(Connection c) {
        return Sql.one(c, "SELECT version FROM config_version WHERE id = 1", rs -> rs.getLong(1)).orElse(0L);
    }

    private static AppRow app(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new AppRow(rs.getString("app_id"), rs.getString("name"), rs.getLong("created_at"),
                rs.getLong("updated_at"));
    }

    private static KeyRow key(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new KeyRow(rs.getString("app_id"), rs.getString("key_id"), rs.getString("prefix"),
                rs.getString("secret_hash"), rs.getLong("created_at"), Sql.nullableLong(rs, "last_used_at"));
    }
}
