package io.loomchat.store;

import java.util.ArrayList;
import java.util.List;

/** The {@code OfflineMessage} table: messages waiting for their recipient's next login. */
public final class OfflineMessageDao {

    private final Sql sql;

    OfflineMessageDao(Sql sql) {
        this.sql = sql;
    }

    /** A message for one recipient. */
    public record Pending(int userId, long mid, String json) {
    }

    public void store(int userId, long mid, String json) {
        storeAll(List.of(new Pending(userId, mid, json)));
    }

    /**
     * Stores several messages in one transaction. They come back in the order of their mids; a
     * message already stored for its recipient is not stored again (see {@code uk_offline_user_mid}
     * in schema.sql), so putting back a copy twice is harmless.
     */
    public void storeAll(List<Pending> messages) {
        if (messages.isEmpty()) {
            return;
        }
        sql.transaction("cannot store " + messages.size() + " offline messages", connection -> {
            try (var statement = connection.prepareStatement(
                    "INSERT IGNORE INTO OfflineMessage (userid, mid, message) VALUES (?, ?, ?)")) {
                for (Pending message : messages) {
                    statement.setInt(1, message.userId());
                    statement.setLong(2, message.mid());
                    statement.setString(3, message.json());
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return null;
        });
    }

    /**
     * Moves the messages waiting in one mailbox to another (protocol 2.3: messages kept for a user
     * with no known device, or stored before the upgrade, go to whichever device logs in first).
     * A message already in the target stays there once.
     */
    public void move(int fromMailbox, int toMailbox) {
        sql.transaction("cannot move the offline messages of mailbox " + fromMailbox, connection -> {
            Sql.update(connection, "INSERT IGNORE INTO OfflineMessage (userid, mid, message, created_at, confirmed) "
                    + "SELECT ?, mid, message, created_at, confirmed FROM OfflineMessage WHERE userid = ?", statement -> {
                        statement.setInt(1, toMailbox);
                        statement.setInt(2, fromMailbox);
                    });
            Sql.update(connection, "DELETE FROM OfflineMessage WHERE userid = ?", statement -> statement.setInt(1, fromMailbox));
            return null;
        });
    }

    /** At most {@code limit} of the messages waiting for a user with a mid above {@code afterMid}, oldest first. */
    public List<OfflineMessage> pendingFor(int userId, long afterMid, int limit) {
        return sql.list("cannot read the offline messages of user " + userId,
                "SELECT id, mid, message FROM OfflineMessage WHERE userid = ? AND mid > ? AND confirmed = FALSE ORDER BY mid LIMIT ?",
                statement -> {
                    statement.setInt(1, userId);
                    statement.setLong(2, afterMid);
                    statement.setInt(3, limit);
                },
                OfflineMessageDao::message);
    }

    /** How many messages wait for a user with a mid above {@code afterMid}. */
    public int countFor(int userId, long afterMid) {
        return sql.first("cannot count the offline messages of user " + userId,
                "SELECT COUNT(*) FROM OfflineMessage WHERE userid = ? AND mid > ? AND confirmed = FALSE",
                statement -> {
                    statement.setInt(1, userId);
                    statement.setLong(2, afterMid);
                },
                row -> row.getInt(1));
    }

    /** The messages waiting for a user, oldest first. */
    public List<OfflineMessage> pendingFor(int userId) {
        return sql.list("cannot read the offline messages of user " + userId,
                "SELECT id, mid, message FROM OfflineMessage WHERE userid = ? AND confirmed = FALSE ORDER BY mid",
                statement -> statement.setInt(1, userId),
                OfflineMessageDao::message);
    }

    private static OfflineMessage message(java.sql.ResultSet row) throws java.sql.SQLException {
        return new OfflineMessage(row.getLong(1), row.getLong(2), row.getString(3));
    }

    /** Those of the given users that have messages waiting. */
    public List<Integer> usersWithMessages(List<Integer> userIds) {
        List<Integer> waiting = new ArrayList<>();
        Sql.chunked(userIds, chunk -> waiting.addAll(sql.list("cannot look up users with offline messages",
                "SELECT DISTINCT userid FROM OfflineMessage WHERE confirmed = FALSE AND userid IN ("
                        + Sql.placeholders(chunk.size()) + ")",
                Sql.ints(chunk), row -> row.getInt(1))));
        return waiting;
    }

    /** The stored frames of a mailbox's rows (protocol 2.3: who sent what a RECEIPT confirmed). */
    public List<String> messages(int userId, List<Long> ids) {
        List<String> messages = new ArrayList<>(ids.size());
        Sql.chunked(ids, chunk -> messages.addAll(sql.list("cannot read offline messages of user " + userId,
                "SELECT message FROM OfflineMessage WHERE userid = ? AND id IN (" + Sql.placeholders(chunk.size()) + ")",
                statement -> {
                    statement.setInt(1, userId);
                    for (int i = 0; i < chunk.size(); i++) {
                        statement.setLong(i + 2, chunk.get(i));
                    }
                }, row -> row.getString(1))));
        return messages;
    }

    /**
     * Marks these messages confirmed by the mailbox: a stored copy becomes a mark, and a copy a
     * sender stores later is turned away by the unique key (see {@code confirmed} in schema.sql).
     * For confirmations made while Redis was in trouble; the marks go after an hour
     * ({@link #purgeConfirmed}).
     */
    public void markConfirmed(int userId, List<Long> mids) {
        if (mids.isEmpty()) {
            return;
        }
        sql.transaction("cannot mark messages of user " + userId + " confirmed", connection -> {
            try (var statement = connection.prepareStatement(
                    "INSERT INTO OfflineMessage (userid, mid, message, confirmed) VALUES (?, ?, '', TRUE) "
                            + "ON DUPLICATE KEY UPDATE message = '', confirmed = TRUE, created_at = CURRENT_TIMESTAMP")) {
                for (long mid : mids) {
                    statement.setInt(1, userId);
                    statement.setLong(2, mid);
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return null;
        });
    }

    /** Deletes at most {@code limit} marks made before {@code beforeEpochMillis}; returns how many. */
    public int purgeConfirmed(long beforeEpochMillis, int limit) {
        return sql.update("cannot purge the confirmed marks of the offline store",
                "DELETE FROM OfflineMessage WHERE confirmed = TRUE AND created_at < ? LIMIT ?", statement -> {
                    statement.setTimestamp(1, new java.sql.Timestamp(beforeEpochMillis));
                    statement.setInt(2, limit);
                });
    }

    /** Deletes a user's stored copies of these messages, by mid, wherever they are. */
    public void deleteMids(int userId, List<Long> mids) {
        deleteWhereIn(userId, "mid", mids, "cannot delete stored copies of confirmed messages of user " + userId);
    }

    /** Deletes delivered messages by row id, so that one stored meanwhile is never deleted unseen. */
    public void delete(int userId, List<Long> ids) {
        deleteWhereIn(userId, "id", ids, "cannot delete delivered offline messages of user " + userId);
    }

    /** {@code column} is a constant of this class, never input. */
    private void deleteWhereIn(int userId, String column, List<Long> values, String what) {
        Sql.chunked(values, chunk -> sql.update(what,
                "DELETE FROM OfflineMessage WHERE userid = ? AND " + column + " IN (" + Sql.placeholders(chunk.size()) + ")",
                statement -> {
                    statement.setInt(1, userId);
                    for (int i = 0; i < chunk.size(); i++) {
                        statement.setLong(i + 2, chunk.get(i));
                    }
                }));
    }
}
