package io.loomchat.store;

import java.util.List;

/** The {@code SessionToken} table: hashes of resume tokens, by user, with their expiry. */
public final class TokenDao {

    private final Sql sql;

    TokenDao(Sql sql) {
        this.sql = sql;
    }

    /**
     * Records a token's hash for a user, then forgets that user's expired tokens. Two statements
     * on their own, each touching rows by primary key only: deleting "this user's expired rows"
     * by a range in one transaction with the insert took InnoDB gap locks, and concurrent logins
     * of different users deadlocked on them (seen in a 300-client load test).
     */
    public void store(String tokenHash, int userId, long expiresAtMillis) {
        sql.update("cannot store a token of user " + userId,
                "INSERT INTO SessionToken (token_hash, userid, expires_at) VALUES (?, ?, ?)",
                statement -> {
                    statement.setString(1, tokenHash);
                    statement.setInt(2, userId);
                    statement.setLong(3, expiresAtMillis);
                });
        List<String> expired = sql.list("cannot read the tokens of user " + userId,
                "SELECT token_hash FROM SessionToken WHERE userid = ? AND expires_at < ?",
                statement -> {
                    statement.setInt(1, userId);
                    statement.setLong(2, System.currentTimeMillis());
                },
                row -> row.getString(1));
        expired.forEach(this::revoke);
    }

    /** The expiry (epoch ms) of a token of this user, or -1 when there is no such token. */
    public long expiryOf(String tokenHash, int userId) {
        Long expiry = sql.first("cannot read a token of user " + userId,
                "SELECT expires_at FROM SessionToken WHERE token_hash = ? AND userid = ?",
                statement -> {
                    statement.setString(1, tokenHash);
                    statement.setInt(2, userId);
                },
                row -> row.getLong(1));
        return expiry == null ? -1 : expiry;
    }

    public void revoke(String tokenHash) {
        sql.update("cannot revoke a token", "DELETE FROM SessionToken WHERE token_hash = ?",
                statement -> statement.setString(1, tokenHash));
    }
}
