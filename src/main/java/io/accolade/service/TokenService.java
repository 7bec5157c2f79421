package io.accolade.service;

import io.accolade.auth.Authenticator.AppKey;
import io.accolade.auth.Secrets;
import io.accolade.domain.Ids;
import io.accolade.domain.User;
import io.accolade.store.ConfigVersion;
import io.accolade.store.Database;
import io.accolade.store.TokenStore;
import io.accolade.store.UserCache;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * User access tokens of the Mobage dialect. Mobage supports only the Authorization Code Grant: every call acts for a
 * user (the viewer). Accolade has no login of its own, so the app's backend, which knows its user, exchanges the
 * user's id for a token (RFC 8693 token exchange) and hands the token to the client.
 *
 * <p>Every Mobage call checks its token, so the rows of the tokens in use are kept in memory, each under the
 * versions that were current before it was read ({@link UserCache}): the token's own stripe, which its revocation
 * bumps ({@link Database#touchedToken}), and the {@link ConfigVersion}, which the revocation of the key that obtained
 * it and the deletion of its app move (both also name the whole app, which ends what every node keeps). A revoked
 * token therefore stops at once on the node that revoked it and within a second on every other node, the bound every
 * cached read has; expiry is checked against the clock on every call.
 */
public final class TokenService {
    /** 43 characters of [A-Za-z0-9]: about 256 bits. */
    static final int TOKEN_LENGTH = 43;

    private final Database db;
    private final UserService users;
    private final TokenStore tokens;
    private final Clock clock;
    private final Duration ttl;
    private final ConfigVersion config;
    /** By token hash, under {@link Database#TOKENS}: the rows of the tokens in use. */
    private final UserCache<Known> known;

    /** A token's row, and the configuration version that was current before it was read. */
    private record Known(TokenStore.TokenRow row, long configVersion) {
    }

    /** {@code keep}: how many tokens' rows to keep in memory (0: read the database on every call). */
    public TokenService(Database db, UserService users, TokenStore tokens, Clock clock, Duration ttl,
                        ConfigVersion config, int keep) {
        this.db = db;
        this.users = users;
        this.tokens = tokens;
        this.clock = clock;
        this.ttl = ttl;
        this.config = config;
        this.known = new UserCache<>(db.userChanges(), keep);
    }

    /** Whom a token speaks for: a user of one app; {@code key} is the API key that obtained it. */
    public record Viewer(String appId, String userId, AppKey key) {
    }

    /** A token as issued: the only moment its clear text exists on the server. */
    public record Issued(String token, Viewer viewer, long expiresInSeconds) {
    }

    /**
     * Issues a token for {@code userId} to the client {@code key}. The user is created when absent, as installing
     * the app creates a Mobage user's relation to it.
     */
    public Issued exchange(AppKey key, String userId) {
        Ids.userId(userId, "subject_token");
        String token = Secrets.random(TOKEN_LENGTH);
        long now = clock.millis();
        long expires = now + ttl.toMillis();
        db.transaction(c -> {
            users.lockOrCreate(c, key.appId(), userId, User.Patch.none(), now);
            tokens.purgeDead(c, key.appId(), userId, now);
            tokens.insert(c, Secrets.sha256Hex(token),
                    new TokenStore.TokenRow(key.appId(), userId, key.keyId(), now, expires, null));
            return null;
        });
        return new Issued(token, new Viewer(key.appId(), userId, key), ttl.toSeconds());
    }

    /** RFC 7009: revokes the token if it is one of this client's app; unknown tokens are no error. */
    public void revoke(AppKey key, String token) {
        if (!wellFormed(token)) {
            return;
        }
        long now = clock.millis();
        db.transaction(c -> tokens.revoke(c, key.appId(), Secrets.sha256Hex(token), now));
    }

    /** The viewer of a live token; empty for unknown, expired or revoked tokens. */
    public Optional<Viewer> authenticate(String token) {
        if (!wellFormed(token)) {
            return Optional.empty();
        }
        String hash = Secrets.sha256Hex(token);
        long now = clock.millis();
        return row(hash)
                .filter(t -> t.validAt(now))
                .map(t -> new Viewer(t.appId(), t.userId(), new AppKey(t.appId(), t.keyId())));
    }

    /** The token's row from memory while nothing that could end it has changed since it was read, else read. */
    private Optional<TokenStore.TokenRow> row(String hash) {
        // The version before the read (UserCache takes the stripe's before it too): a key revoked while the read
        // runs leaves the row stale.
        long version = config.current();
        Known k = known.get(Database.TOKENS, hash, kept -> kept.configVersion() == version,
                () -> db.read(c -> tokens.find(c, hash)).map(row -> new Known(row, version)).orElse(null));
        return Optional.ofNullable(k).map(Known::row);
    }

    /** Spares a database lookup for values that cannot be one of our tokens. */
    private static boolean wellFormed(String token) {
        return token != null && token.length() == TOKEN_LENGTH && token.chars().allMatch(
                ch -> ch < 128 && Character.isLetterOrDigit(ch));
    }
}
