package io.loomchat.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** The {@code History} table (protocol 2.3): every acknowledged chat message, by conversation. */
public final class HistoryDao {

    /**
     * How long one write may take before it fails. A sender waits for its row to be committed,
     * so a database that hangs must turn into errno 10 rather than a sender parked for ever.
     */
    private static final int WRITE_TIMEOUT_SECONDS = 10;

    private final Sql sql;

    HistoryDao(Sql sql) {
        this.sql = sql;
    }

    /**
     * A message of a conversation.
     *
     * @param conv the conversation, from {@link Conversation}
     * @param mid  the message id: orders the conversation
     * @param json the delivered frame, as JSON text
     */
    public record Entry(long conv, long mid, String json) {
    }

    /**
     * Writes messages in one transaction, one batched INSERT (the MySQL driver sends it as one
     * multi-row statement: rewriteBatchedStatements in {@link Database}). A row already there is
     * left as it is, so writing a message twice is harmless.
     */
    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        sql.transaction("cannot write " + entries.size() + " messages to the history", connection -> {
            insert(connection, entries);
            return null;
        });
    }

    private static void insert(Connection connection, List<Entry> entries) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT IGNORE INTO History (conv, mid, message) VALUES (?, ?, ?)")) {
            statement.setQueryTimeout(WRITE_TIMEOUT_SECONDS);
            for (Entry entry : entries) {
                statement.setLong(1, entry.conv());
                statement.setLong(2, entry.mid());
                statement.setString(3, entry.json());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /**
     * At most {@code limit} messages of a conversation with {@code afterMid < mid < beforeMid},
     * the NEWEST first: one backward scan of the primary key, which stops after {@code limit} rows.
     */
    public List<Entry> newestBefore(long conv, long afterMid, long beforeMid, int limit) {
        return sql.list("cannot read the history of conversation " + conv,
                "SELECT mid, message FROM History WHERE conv = ? AND mid > ? AND mid < ? ORDER BY mid DESC LIMIT ?",
                statement -> {
                    statement.setLong(1, conv);
                    statement.setLong(2, afterMid);
                    statement.setLong(3, beforeMid);
                    statement.setInt(4, limit);
                },
                row -> new Entry(conv, row.getLong(1), row.getString(2)));
    }

    /** Removes one message (one whose recipient turned out not to exist). */
    public void delete(long conv, long mid) {
        sql.update("cannot delete message " + mid + " from the history",
                "DELETE FROM History WHERE conv = ? AND mid = ?", statement -> {
                    statement.setLong(1, conv);
                    statement.setLong(2, mid);
                });
    }

    /**
     * Deletes at most {@code maxRows} messages older than {@code mid} and returns how many. Small
     * statements keep each transaction, its locks and its undo log short; the caller loops.
     */
    public int deleteOlderThan(long mid, int maxRows) {
        return sql.update("cannot delete expired history",
                "DELETE FROM History WHERE mid < ? LIMIT ?", statement -> {
                    statement.setLong(1, mid);
                    statement.setInt(2, maxRows);
                });
    }
}
