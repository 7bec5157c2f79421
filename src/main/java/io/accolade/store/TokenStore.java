package io.accolade.store;

import java.sql.Connection;
import java.util.Optional;

/**
 * OAuth 2.0 access tokens of the Mobage dialect. Only the SHA-256 of a token is stored, so a copy of the database
 * does not hold usable tokens. A token dies by expiry, by revocation (RFC 7009), with the API key that obtained it
 * ({@link AppStore#deleteKey}) and with its app.
 */
public final class TokenStore {

    public record TokenRow(String appId, String userId, String keyId, long createdAt, long expiresAt,
                           Long revokedAt) {
        public boolean validAt(long now) {
            return revokedAt == null && now < expiresAt;
        }
    }

    public void insert(Connection c, String tokenHash, TokenRow t) {
        Sql.update(c, "INSERT INTO access_tokens (token_hash, app_id, user_id, key_id, created_at, expires_at, "
                        + "revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL)", tokenHash, t.appId(), t.userId(), t.keyId(),
                t.createdAt(), t.expiresAt());
    }

    /**
     * The token, if the key that issued it still exists: a key's revocation deletes its tokens, but a token issued
     * through another node in the moment before that node saw the revocation would outlive it (the same for an app's
     * deletion), so the key is checked on every use, by its primary key.
     */
    public Optional<TokenRow> find(Connection c, String tokenHash) {
        return Sql.one(c, "SELECT t.app_id, t.user_id, t.key_id, t.created_at, t.expires_at, t.revoked_at "
                        + "FROM access_tokens t JOIN api_keys k ON k.app_id = t.app_id AND k.key_id = t.key_id "
                        + "WHERE t.token_hash = ?", rs -> new TokenRow(rs.getString("app_id"), rs.getString("user_id"),
                        rs.getString("key_id"), rs.getLong("created_at"), rs.getLong("expires_at"),
                        Sql.nullableLong(rs, "revoked_at")), tokenHash);
    }

    /** Revokes a token of {@code appId}; a token of another app is left alone (RFC 7009 section 2.1). */
    public boolean revoke(Connection c, String appId, String tokenHash, long now) {
        boolean revoked = Sql.update(c, "UPDATE access_tokens SET revoked_at = ? WHERE token_hash = ? AND app_id = ? "
                + "AND revoked_at IS NULL", now, tokenHash, appId) == 1;
        if (revoked) {
            Database.touchedToken(tokenHash);
        }
        return revoked;
    }

    /** Drops a user's expired and revoked tokens, so the table holds live tokens only (plus recent leftovers). */
    public void purgeDead(Connection c, String appId, String userId, long now) {
        Sql.update(c, "DELETE FROM access_tokens WHERE app_id = ? AND user_id = ? "
                + "AND (expires_at <= ? OR revoked_at IS NOT NULL)", appId, userId, now);
    }
}
