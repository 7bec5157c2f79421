package io.accolade.auth;

import io.accolade.store.AppStore;
import io.accolade.store.ConfigVersion;
import io.accolade.store.Database;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Checks API keys and the operator's admin token. Keys are looked up by their public prefix and compared by hash in
 * constant time. Lookups are cached per configuration version, so a revoked key stops working on this node at once
 * and on every other node within the version poll interval. A prefix that matched no key is cached the same way: a
 * client that goes on sending a revoked or mistyped key costs no database read per request, and since creating a key
 * bumps the version too, a new key is never refused for longer than a revoked one is accepted.
 */
public final class Authenticator {
    private static final Logger LOG = Logger.getLogger("io.accolade.auth");
    private static final String ADMIN_TOKEN_SETTING = "admin_token_sha256";
    private static final long TOUCH_INTERVAL_MS = 60_000;
    /** Keys cached at most; past it the cache starts over. */
    static final int MAX_CACHED = 100_000;
    /**
     * Prefixes that matched no key, remembered at most; past it only this map starts over, so a flood of random keys
     * cannot push real keys out of {@link #byPrefix}.
     */
    static final int MAX_UNKNOWN = 10_000;

    /** The app a key belongs to, and which key it was. */
    public record AppKey(String appId, String keyId) {
    }

    /** A key found by its prefix under a configuration version. */
    private record Cached(long version, AppStore.KeyRow row) {
    }

    private final Database db;
    private final AppStore apps;
    private final ConfigVersion config;
    private final Clock clock;
    private final String adminTokenHash;
    private final ConcurrentHashMap<String, Cached> byPrefix = new ConcurrentHashMap<>();
    /** Prefix → the configuration version under which no key had it. */
    private final ConcurrentHashMap<String, Long> unknown = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> lastTouched = new ConcurrentHashMap<>();

    private Authenticator(Database db, AppStore apps, ConfigVersion config, Clock clock, String adminTokenHash) {
        this.db = db;
        this.apps = apps;
        this.config = config;
        this.clock = clock;
        this.adminTokenHash = adminTokenHash;
    }

    /**
     * Uses the configured admin token, or the one stored at an earlier start, or generates one, stores its hash and
     * prints it once on standard output (never to the log).
     */
    public static Authenticator create(Database db, AppStore apps, ConfigVersion config, Clock clock,
                                       Optional<String> configuredToken) {
        String hash;
        if (configuredToken.isPresent()) {
            hash = Secrets.sha256Hex(configuredToken.get());
        } else {
            String candidate = "adm_" + Secrets.random(40);
            boolean stored = db.transaction(c -> apps.initSetting(c, ADMIN_TOKEN_SETTING,
                    Secrets.sha256Hex(candidate), clock.millis()));
            if (stored) {
                System.out.println();
                System.out.println("  A new admin token was generated. It is shown only this once; store it safely:");
                System.out.println("    " + candidate);
                System.out.println("  (set ACCOLADE_ADMIN_TOKEN to choose your own)");
                System.out.println();
                System.out.flush();
            } else {
                LOG.info("using the admin token stored at an earlier start (set ACCOLADE_ADMIN_TOKEN to override)");
            }
            hash = db.read(c -> apps.setting(c, ADMIN_TOKEN_SETTING)).orElseThrow();
        }
        return new Authenticator(db, apps, config, clock, hash);
    }

    /** {@code Authorization: Bearer <token>} carrying the operator's admin token. */
    public boolean isAdmin(Optional<String> authorization) {
        return authorization
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> Secrets.sameHash(Secrets.sha256Hex(h.substring(7).trim()), adminTokenHash))
                .orElse(false);
    }

    /** The app of a valid API key, or empty. */
    public Optional<AppKey> apiKey(Optional<String> header) {
        Optional<ApiKeyParts> parts = header.flatMap(ApiKeyParts::parse);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        ApiKeyParts key = parts.get();
        long version = config.current();
        Cached cached = byPrefix.get(key.prefix());
        AppStore.KeyRow row;
        if (cached != null && cached.version() == version) {
            row = cached.row();
        } else {
            Long unknownUnder = unknown.get(key.prefix());
            if (unknownUnder != null && unknownUnder == version) {
                return Optional.empty();
            }
            row = db.read(c -> apps.findKeyByPrefix(c, key.prefix())).orElse(null);
            if (row == null) {
                byPrefix.remove(key.prefix());
                if (unknown.size() >= MAX_UNKNOWN) {
                    unknown.clear();
                }
                unknown.put(key.prefix(), version);
                return Optional.empty();
            }
            unknown.remove(key.prefix());
            if (byPrefix.size() > MAX_CACHED) {
                byPrefix.clear();
            }
            byPrefix.put(key.prefix(), new Cached(version, row));
        }
        if (!Secrets.sameHash(key.hash(), row.secretHash())) {
            return Optional.empty();
        }
        touch(row);
        return Optional.of(new AppKey(row.appId(), row.keyId()));
    }

    /** Records "last used" at most once a minute per key, so reads do not turn into writes. */
    private void touch(AppStore.KeyRow row) {
        long now = clock.millis();
        Long last = lastTouched.get(row.keyId());
        if (last != null && now - last < TOUCH_INTERVAL_MS) {
            return;
        }
        lastTouched.put(row.keyId(), now);
        try {
            db.transaction(c -> {
                apps.touchKey(c, row.appId(), row.keyId(), now);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.fine(() -> "could not record key use: " + e.getMessage());
        }
    }

    /** Forget cached keys (after this node revoked one). */
    public void invalidate() {
        byPrefix.clear();
        unknown.clear();
        config.changed();
    }
}
