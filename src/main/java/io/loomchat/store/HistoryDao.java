package io.loomchat.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The {@code History} table (protocol 2.3): every acknowledged chat message, by conversation. */
public final class HistoryDao {

    /**
     * How long one write may take before it fails. A sender waits for its row to be committed,
     * so a database that hangs must turn into errno 10 rather than a sender parked for ever.
     */
    private static final int WRITE_TIMEOUT_SECONDS = 10;

    private final Sql sql;
    private final boolean durableCommits;

    HistoryDao(Sql sql, boolean durableCommits) {
        this.sql = sql;
        this.durableCommits = durableCommits;
    }

    /**
     * Whether a committed write is on disk when the commit returns. True for a database server;
     * false for the embedded history file, which H2 writes to disk every
     * {@link StoreConfig#HISTORY_WRITE_DELAY_MILLIS} ms (see {@link StoreConfig#historyUrl}).
     */
    public boolean durableCommits() {
        return durableCommits;
    }

    /**
     * One-to-one conversations whose two UserConversation rows this server has written (or found
     * written): a conversation's later messages need not write them again. Rows are never deleted,
     * so an entry never goes stale; the set is emptied when it grows past {@link #MAX_INDEXED}.
     */
    private final Set<Long> indexed = ConcurrentHashMap.newKeySet();
    private static final int MAX_INDEXED = 200_000;

    /**
     * A message of a conversation.
     *
     * @param conv   the conversation, from {@link Conversation}
     * @param mid    the message id: orders the conversation
     * @param json   the delivered frame, as JSON text
     * @param sender the author's user id (unread counts leave out one's own messages); 0 unknown
     */
    public record Entry(long conv, long mid, String json, int sender) {
        public Entry(long conv, long mid, String json) {
            this(conv, mid, json, 0);
        }
    }

    /**
     * Writes messages with one batched INSERT (the MySQL driver sends it as one multi-row
     * statement: rewriteBatchedStatements in {@link Database}), in one transaction with the index
     * rows of conversations new to this server. A row already there is left as it is, so writing
     * a message twice is harmless, and a batch that failed part way is simply written again.
     */
    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        Set<Long> newConversations = new HashSet<>();
        for (Entry entry : entries) {
            if (entry.conv() > 0 && !indexed.contains(entry.conv())) {
                newConversations.add(entry.conv());
            }
        }
        String what = "cannot write " + entries.size() + " messages to the history";
        sql.withConnection(what, connection -> {
            if (newConversations.isEmpty() && isMySql(connection)) {
                // The common case on a database server: the driver sends the batch as one
                // multi-row INSERT, committed by itself (autocommit) in one round trip; a
                // transaction around it would add three more (autocommit off, COMMIT, autocommit
                // on) for nothing, since a row is written at most once (INSERT IGNORE) and a batch
                // that fails is written again whole. (H2 commits a batch row by row in autocommit.)
                insert(connection, entries);
            } else {
                Sql.inTransaction(connection, () -> {
                    insert(connection, entries);
                    index(connection, newConversations);
                });
            }
            return null;
        });
        if (indexed.size() + newConversations.size() > MAX_INDEXED) {
            indexed.clear();
        }
        indexed.addAll(newConversations);
    }

    private static void insert(Connection connection, List<Entry> entries) throws SQLException {
        try (PreparedStatement statement = batchStatement(connection,
                "INSERT IGNORE INTO History (conv, mid, message, sender) VALUES (?, ?, ?, ?)")) {
            limitWriteTime(connection, statement);
            for (Entry entry : entries) {
                statement.setLong(1, entry.conv());
                statement.setLong(2, entry.mid());
                statement.setString(3, entry.json());
                statement.setInt(4, entry.sender());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static boolean isMySql(Connection connection) throws SQLException {
        return connection.isWrapperFor(com.mysql.cj.jdbc.JdbcConnection.class);
    }

    /**
     * Bounds a write by {@link #WRITE_TIMEOUT_SECONDS}. On MySQL/MariaDB through the socket's read
     * timeout, for the connection's time out of the pool (the pool puts it back): the driver's
     * query timeout schedules a task on a {@code java.util.Timer} and cancels it for every
     * statement, a few percent of a busy server's CPU (JFR, 2026-12-07). A write that hits the
     * socket timeout closes the connection; its batch is written again on another.
     */
    private static void limitWriteTime(Connection connection, PreparedStatement statement) throws SQLException {
        if (isMySql(connection)) {
            connection.setNetworkTimeout(Runnable::run, WRITE_TIMEOUT_SECONDS * 1_000);
        } else {
            statement.setQueryTimeout(WRITE_TIMEOUT_SECONDS);
        }
    }

    /**
     * A statement for one batched INSERT. On MySQL/MariaDB a client-side prepared one: the pool
     * prepares statements on the server, and the driver's multi-row rewrite of a batch is a new
     * statement for every batch size, so each history batch paid a PREPARE and a close besides
     * its INSERT (JFR, loadtest/results/2026-12-06-devices-history.md). Client-side, the batch
     * goes as one multi-row INSERT in one round trip.
     */
    private static PreparedStatement batchStatement(Connection connection, String sql) throws SQLException {
        if (isMySql(connection)) {
            return connection.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).clientPrepareStatement(sql);
        }
        return connection.prepareStatement(sql);
    }

    /**
     * Protocol 2.3: each user of a new one-to-one conversation gets its row in UserConversation,
     * in the transaction of its first message, so that CONVERSATIONS finds every conversation
     * with history. Groups need none: GroupUser lists them.
     */
    private static void index(Connection connection, Set<Long> conversations) throws SQLException {
        if (conversations.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT IGNORE INTO UserConversation (userid, conv) VALUES (?, ?)")) {
            limitWriteTime(connection, statement);
            for (long conv : conversations) {
                for (int user : Conversation.users(conv)) {
                    statement.setInt(1, user);
                    statement.setLong(2, conv);
                    statement.addBatch();
                }
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
